"""`qa ingest` and `qa search`: build the archive index, and look into it without the answer engine."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from qa import offline


class _Date(click.ParamType):
    """2023, 2023-02 or 2023-02-24: the first day of it, or the last with end=True."""

    name = "DATE"

    def __init__(self, end: bool = False):
        self.end = end

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        from qa.date_input import BadDate, parse_period

        try:
            return parse_period(value, end=self.end)
        except BadDate as exc:
            self.fail(str(exc), param, ctx)


class _IssueNo(click.ParamType):
    """第N期 as a number in the range the paper uses (a 30-digit number would overflow SQLite, not find nothing)."""

    name = "N"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if text.isdigit() and 1 <= int(text) <= 99_999:
            return int(text)
        self.fail("期号应为 1 到 99999 之间的整数，例如 --issue 2415。", param, ctx)


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--prune", is_flag=True, help="remove indexed files that no longer exist")
@click.option("--rebuild", is_flag=True, help="drop the index and build it again (after changing the embedder)")
@click.option("--quiet", is_flag=True, help="no progress bar")
def ingest_cmd(paths: tuple[str, ...], prune: bool, rebuild: bool, quiet: bool) -> None:
    """Index issue files or folders (default: the seeds folder); unchanged files are skipped."""
    offline.set_offline_env()
    from qa.ingest import ingest
    from qa.settings import load_settings

    from qa.cli.interrupt import stop_on_ctrl_c
    from qa.errors import IngestCancelled

    settings = load_settings()
    try:
        with stop_on_ctrl_c() as cancel:
            report = ingest(list(paths) or None, settings, prune=prune, rebuild=rebuild, progress=not quiet, cancel=cancel)
    except IngestCancelled as stop:
        done = stop.report
        click.echo(f"\n{stop}（本次已导入 {len(done.added) + len(done.replaced)} 个文件。）" if done else f"\n{stop}", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        # a second Ctrl+C: stopped mid-write; the ordering of the writes keeps the index consistent
        click.echo("\n导入已中断：已导入的期次都保留，正在写的那一期下次运行 qa ingest 时会重做。", err=True)
        sys.exit(130)
    click.echo(
        f"新增 {len(report.added)} 个文件，更新 {len(report.replaced)} 个，未变 {len(report.unchanged)} 个，"
        f"移除 {len(report.removed)} 个，跳过重复 {len(report.duplicates)} 个；写入 {report.chunks_written} 段（新嵌入 {report.passages_embedded} 段），"
        f"用时 {report.seconds:.1f} 秒。"
    )
    for duplicate in report.duplicates:  # not an error: the issue is in the index already
        click.echo(f"  {duplicate}", err=True)
    if report.failures:
        click.echo(f"{len(report.failures)} 个文件无法导入：", err=True)
        for exc in report.failures:
            click.echo(f"  {exc}", err=True)
        sys.exit(1)


@click.command("search")
@click.argument("question", required=False)
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="articles to show (default: settings)")
@click.option("--from", "date_from", type=_Date(), default=None, help="issues printed on or after this date")
@click.option("--to", "date_to", type=_Date(end=True), default=None, help="issues printed on or before this date")
@click.option("--issue", "issue_no", type=_IssueNo(), default=None, help="only this issue number (第N期)")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="one JSON object")
@click.option("--eval", "eval_file", type=click.Path(exists=True, dir_okay=False), help="score a gold file instead")
def search_cmd(question, k, date_from, date_to, issue_no, mode, as_json, eval_file) -> None:
    """Retrieval only: the articles that best match a question, with issue, date, score and sentence."""
    offline.set_offline_env()
    from qa.index import open_index
    from qa.index.embed import make_embedder
    from qa.index.retrieve import Filters
    from qa.settings import load_settings

    if not question and not eval_file:
        raise click.UsageError("请给出问题，或用 --eval 给出评测文件。")
    settings = load_settings()
    index = open_index(settings, make_embedder(settings.embedder))
    if eval_file:
        from qa.index.evaluate import evaluate, format_table, load_gold

        results, _ = evaluate(index, load_gold(eval_file))
        click.echo(format_table(results))
        return
    result = index.search(question, k=k, filters=Filters(date_from, date_to, issue_no), mode=mode)
    if as_json:
        click.echo(json.dumps(_as_json(result), ensure_ascii=False))
        return
    if result.filters:
        click.echo(f"筛选：{result.filters.describe()}")
    if not result.hits:
        click.echo("未找到相关文章。")
        return
    for hit in result.hits:
        click.echo(f"{hit.rank + 1}. 《{hit.title}》 {hit.issue_label}  得分 {hit.score:.4f}")
        click.echo(f"   {hit.article_id}  {hit.source}")
        click.echo(f"   「{hit.sentence}」")


def _as_json(result) -> dict:
    return {
        "question": result.question,
        "filters": {
            "date_from": result.filters.date_from.isoformat() if result.filters.date_from else None,
            "date_to": result.filters.date_to.isoformat() if result.filters.date_to else None,
            "issue_no": result.filters.issue_no,
        },
        "hits": [
            {
                "rank": h.rank + 1,
                "article_id": h.article_id,
                "title": h.title,
                "issue_no": h.issue_no,
                "issue_date": h.issue_date.isoformat() if h.issue_date else None,
                "date_inferred": h.date_inferred,
                "source": h.source,
                "score": round(h.score, 6),
                "ranks": h.ranks,
                "sentence": h.sentence,
            }
            for h in result.hits
        ],
    }


COMMANDS = [ingest_cmd, search_cmd]
