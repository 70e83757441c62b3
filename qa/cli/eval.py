"""`qa eval`: score the project on the dev split (with its perturbations) and the sealed split, beside two baselines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from qa import offline

EVAL_DIR = Path("eval")


@click.command("eval")
@click.argument("file", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--split", "split", type=click.Choice(["dev", "sealed", "all"]), default="all", show_default=True,
              help="which split to run (FILE given: that set on the configured index instead)")
@click.option("--sealed", is_flag=True, help="the sealed split only: aggregates per type, nothing per question")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON, one object per split (sealed: aggregates only)")
@click.option("--report", "report_path", default="eval/report.md", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Markdown report; charts are written beside it")
@click.option("--check", is_flag=True, help="exit 1 when dev falls below its recorded level or sealed below its floor")
@click.option("--record", is_flag=True, help="record this run's dev figures as the level --check compares with")
@click.option("--gates", "gates_path", default="eval/gates.toml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="tolerances for --check")
@click.option("--limit", type=click.IntRange(1), default=None, help="only the first N dev questions (quick look)")
@click.option("--no-baseline", is_flag=True, help="skip both baselines (they run a local LLM: seconds per question)")
@click.option("--baseline-sample", type=click.IntRange(0), default=40, show_default=True,
              help="questions per split the baselines answer (a fixed stratified sample); 0: all")
@click.option("--no-perturb", is_flag=True, help="skip the perturbed dev questions")
@click.option("--fresh-baseline", is_flag=True, help="recompute baseline answers instead of reusing cached ones")
@click.option("--out", "out_dir", default="eval/out", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="where each split's index and the model log go")
@click.option("--quiet", is_flag=True, help="no progress bars")
def eval_cmd(file: Path | None, split: str, sealed: bool, as_json: bool, report_path: Path, check: bool, record: bool,
             gates_path: Path, limit: int | None, no_baseline: bool, baseline_sample: int, no_perturb: bool,
             fresh_baseline: bool, out_dir: Path, quiet: bool) -> None:
    """Score the answer engine on eval/dev (tuned) with perturbations and on eval/sealed (held out), beside two baselines.

    Each split is asked against its own archive (the seeds plus the split's issues), indexed
    under --out. Sealed results are shown as aggregates only, and each sealed run appends its
    date, commit and figures to eval/sealed/log.jsonl.
    """
    offline.set_offline_env()
    from qa.eval.gates import check_dev, check_sealed, floor_from, level_from, load_gates, read_json, write_json
    from qa.eval.report import render_markdown, render_text, write_chart
    from qa.eval.run import native_stderr_to
    from qa.eval.suite import aggregates_only, append_log, evaluate_split
    from qa.settings import load_settings

    settings = load_settings()
    chroma_host = settings.chroma.host if settings.chroma.mode == "server" else None
    from qa.eval.judge import JudgeSettings

    judge = JudgeSettings()
    offline.install_network_guard([settings.llm.base_url, settings.embedder.base_url, chroma_host, judge.base_url])
    gates = load_gates(gates_path) if check else None  # fail before a long run, not after
    if file is not None:
        if file.is_file():
            raise click.UsageError("FILE 须是一个评测组文件夹（含 questions*.jsonl，可含 issues/），例如 eval/dev。")
        folders = [(file.name, file, False)]
    else:
        names = ["sealed"] if sealed else (["dev", "sealed"] if split == "all" else [split])
        folders = [(n, EVAL_DIR / n, n == "sealed") for n in names]

    log = out_dir / "eval.log"
    reports = []
    with native_stderr_to(log) as terminal:
        for name, folder, is_sealed in folders:
            reports.append(evaluate_split(
                settings, folder, out_dir=out_dir, sealed=is_sealed, with_baselines=not no_baseline,
                sample=baseline_sample, with_perturbations=not no_perturb, fresh_baseline=fresh_baseline,
                limit=None if is_sealed else limit, progress=not quiet, progress_stream=terminal,
            ))
    failed = False
    for report in reports:
        folder = next(f for n, f, _ in folders if n == report.split)
        if report.sealed and not report.limited:
            append_log(report, folder / "log.jsonl")
            floor_path = folder / "floor.json"
            floor = read_json(floor_path)
            if check:
                report.check = check_sealed(report, floor, gates)
            if floor is None:
                write_json(floor_path, floor_from(report, gates or load_gates(gates_path)))
                click.echo(f"sealed 第一次运行：下限写入 {floor_path}（请提交）。", err=True)
        elif not report.sealed:
            level_path = folder / "level.json"
            if record:
                write_json(level_path, level_from(report))
                click.echo(f"dev 水平已记录到 {level_path}（请提交）。", err=True)
            if check:
                report.check = check_dev(report, read_json(level_path), gates)
        failed |= report.check is not None and not report.check.ok

    if judge.enabled:
        from qa.eval import judge as judge_mod

        llm = judge_mod.build_judge_llm(judge)
        for report in reports:
            if report.sealed:
                continue
            questions, articles = _gold_for(report, settings)
            report.judge = {n: judge_mod.judge_answers(llm, questions[: len(r.answers)], r.answers, articles)
                            for n, r in report.systems.items() if n == "project"}

    charts = [write_chart(r, report_path.with_name(f"{report_path.stem}_{r.split}.png")) for r in reports]
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(render_markdown(reports, charts), encoding="utf-8")
    for report in reports:
        if as_json:
            data = aggregates_only(report) if report.sealed else report.model_dump(mode="json")
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(render_text(report) + "\n")
    if not as_json:
        click.echo(f"报告已写入 {report_path}；模型日志 {log}。")
    errors = sum(1 for r in reports for sc in r.systems["project"].scores if sc.error) if reports else 0
    if errors:
        click.echo(f"{errors} 道题运行出错，详情见 {log}" + ("。" if any(r.sealed for r in reports) else " 与报告。"), err=True)
    if failed:
        for report in reports:
            if report.check is not None and not report.check.ok:
                click.echo(f"{report.split} 门槛检查未通过：" + "；".join(report.check.failures), err=True)
        sys.exit(1)


def _gold_for(report, settings):
    """The split's questions and article texts again, for the judge (dev only)."""
    from qa.eval.gold import article_texts
    from qa.eval.splits import load_split

    split, issues = load_split(Path(report.questions_file), settings.seeds_dir)
    return split.questions, article_texts(issues)


COMMANDS = [eval_cmd]
