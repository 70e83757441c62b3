"""`qa ask`: one answer, or one per line of stdin in batch mode."""

from __future__ import annotations

import json
import sys

import click

from qa.cli.options import date_option
from qa.errors import QAError

# Shown for a batch line whose answer failed unexpectedly; the batch goes on.
LINE_FAILED = "内部错误：这一行没有答成，请换个说法再试。"


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
@click.option("--from", "date_from", callback=date_option(end=False), help="only issues from this date (2023, 2023-02 or 2023-02-24)")
@click.option("--to", "date_to", callback=date_option(end=True), help="only issues up to this date (2023, 2023-02 or 2023-02-24)")
def ask_cmd(question: str, as_json: bool, date_from, date_to) -> None:
    """Ask one question; QUESTION '-' reads one question per line from stdin (batch, in order).

    In batch mode every input line gets exactly one output line (with --json): a blank or
    bad line gets an object with "error", so output line N always answers input line N.
    """
    from qa.answer.engine import AnswerEngine

    if date_from and date_to and date_from > date_to:
        raise click.BadParameter(f"起始日期 {date_from} 晚于结束日期 {date_to}：请调换。", param_hint="--from/--to")
    engine = AnswerEngine.from_settings()
    if question != "-":
        _print(engine.ask(question, date_from=date_from, date_to=date_to), as_json)
        return
    for line in sys.stdin:
        text = line.strip()
        try:
            answer = engine.ask(text, date_from=date_from, date_to=date_to)  # a blank line: 问题为空
        except QAError as exc:  # one bad line must not stop the batch
            _print_error(text, str(exc), as_json)
            continue
        except Exception:  # noqa: BLE001 - same: the line gets its error object, the batch goes on
            _print_error(text, LINE_FAILED, as_json)
            continue
        _print(answer, as_json)


def _print_error(question: str, message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"question": question, "error": message}, ensure_ascii=False))
    else:
        click.echo(f"⚠ {message}")


COMMANDS = [ask_cmd]
