"""`qa parse`: show what the parser understood of issue files."""

from __future__ import annotations

import json
import sys

import click

from qa.corpus import parse_file
from qa.corpus.read import find_issue_files
from qa.errors import UnreadableIssue


@click.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="one JSON object per issue")
def parse_cmd(paths: tuple[str, ...], as_json: bool) -> None:
    """Parse issue files (or folders of them) and print issue, date and articles."""
    failures: list[UnreadableIssue] = []
    for path in find_issue_files(list(paths)):
        try:
            issue = parse_file(path)
        except UnreadableIssue as exc:
            failures.append(exc)
            continue
        if as_json:
            click.echo(json.dumps(issue.model_dump(mode="json", exclude={"articles": {"__all__": {"raw"}}}), ensure_ascii=False))
            continue
        date = issue.date.isoformat() if issue.date else "未知"
        inferred = "（由正文推断）" if issue.date_inferred else ""
        click.echo(f"{issue.source}  第{issue.issue_no or '?'}期  {date}{inferred}  {len(issue.articles)}篇")
        for n, article in enumerate(issue.articles, 1):
            kind = "图片" if article.kind == "caption" else "文章"
            byline = " ".join(article.byline) or "—"
            sub = f"  〔{article.subtitle}〕" if article.subtitle else ""
            click.echo(f"  {n:>2}. [{kind}] {article.title}{sub}  作者：{byline}")
    if failures:
        click.echo(f"{len(failures)} 个文件无法解析：", err=True)
        for exc in failures:
            click.echo(f"  {exc}", err=True)
        sys.exit(1)


COMMANDS = [parse_cmd]
