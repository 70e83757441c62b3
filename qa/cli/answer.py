"""`qa ask`: one answer, or one per line of stdin in batch mode."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from qa.errors import QAError


def _date(_ctx, _param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD，收到 {value!r}") from exc


def _print(answer, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(answer.contract(), ensure_ascii=False))
        return
    click.echo(answer.answer)
    for c in answer.citations:
        click.echo(f"  [{c.n}] 第{c.issue_no or '?'}期 {c.issue_date or '日期不详'}《{c.title}》 {c.source}")
        click.echo(f"      “{c.quote}”")
    for c in answer.nearest:
        click.echo(f"  · 最接近：第{c.issue_no or '?'}期 {c.issue_date}《{c.title}》")


@click.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="print the JSON contract object (design §5)")
@click.option("--from", "date_from", callback=_date, help="only issues from this date (YYYY-MM-DD)")
@click.option("--to", "date_to", callback=_date, help="only issues up to this date (YYYY-MM-DD)")
def ask_cmd(question: str, as_json: bool, date_from, date_to) -> None:
    """Ask one question; QUESTION '-' reads one question per line from stdin (batch, in order)."""
    from qa.answer.engine import AnswerEngine

    engine = AnswerEngine.from_settings()
    if question != "-":
        _print(engine.ask(question, date_from=date_from, date_to=date_to), as_json)
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = engine.ask(line.strip(), date_from=date_from, date_to=date_to)
        except QAError as exc:  # one bad line must not stop the batch
            click.echo(json.dumps({"question": line.strip(), "error": str(exc)}, ensure_ascii=False))
            continue
        _print(answer, as_json)


COMMANDS = [ask_cmd]
