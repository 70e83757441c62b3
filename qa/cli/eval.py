"""`qa eval`: run the eval set through the answer engine and the plain baseline, print and write the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from qa import offline


@click.command("eval")
@click.argument("file", default="eval/questions.jsonl", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the whole result as one JSON object")
@click.option("--report", "report_path", default="eval/report.md", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Markdown report; the chart is written beside it")
@click.option("--check", is_flag=True, help="exit 1 when a figure falls below the thresholds")
@click.option("--thresholds", "thresholds_path", default="eval/thresholds.toml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="thresholds for --check")
@click.option("--limit", type=click.IntRange(1), default=None, help="only the first N questions (quick look)")
@click.option("--no-baseline", is_flag=True, help="skip the plain llama-index baseline")
@click.option("--fresh-baseline", is_flag=True, help="recompute baseline answers instead of reusing cached ones")
@click.option("--baseline-cache", default="eval/baseline_answers.jsonl", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="baseline answers kept by their inputs")
@click.option("--quiet", is_flag=True, help="no progress bar")
def eval_cmd(file: Path, as_json: bool, report_path: Path, check: bool, thresholds_path: Path, limit: int | None,
             no_baseline: bool, fresh_baseline: bool, baseline_cache: Path, quiet: bool) -> None:
    """Score the answer engine and a plain llama-index baseline on the eval set (default eval/questions.jsonl)."""
    offline.set_offline_env()
    from qa.eval.judge import JudgeSettings
    from qa.eval.report import render_markdown, render_text, write_chart
    from qa.eval.run import check as check_thresholds
    from qa.eval.run import evaluate, load_thresholds, native_stderr_to
    from qa.settings import load_settings

    settings = load_settings()
    judge = JudgeSettings()
    chroma_host = settings.chroma.host if settings.chroma.mode == "server" else None
    offline.install_network_guard([settings.llm.base_url, chroma_host, judge.base_url])
    thresholds = load_thresholds(thresholds_path) if check else None  # fail before a 10-minute run, not after

    log = report_path.parent / "out" / "eval.log"
    with native_stderr_to(log) as terminal:
        report = evaluate(settings, file, limit=limit, with_baseline=not no_baseline, fresh_baseline=fresh_baseline,
                          cache_path=baseline_cache, progress=not quiet, progress_stream=terminal, judge_settings=judge)
    if thresholds is not None:
        report.check = check_thresholds(report, thresholds)
    chart = write_chart(report, report_path.with_name(report_path.stem + "_by_type.png"))
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(render_markdown(report, chart), encoding="utf-8")

    if as_json:
        click.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False))
    else:
        click.echo(render_text(report))
        click.echo(f"\n报告已写入 {report_path}，图表 {chart}；模型日志 {log}。")
    errors = sum(1 for s in report.systems.values() for sc in s.scores if sc.error)
    if errors:
        click.echo(f"{errors} 道题运行出错，详情见 {log} 与报告。", err=True)
    if report.check is not None and not report.check.ok:
        click.echo("阈值检查未通过：" + "；".join(report.check.failures), err=True)
        sys.exit(1)


COMMANDS = [eval_cmd]
