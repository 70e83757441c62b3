"""The `qa` command line: thin commands that validate, call the library and format."""

from __future__ import annotations

import logging
import os

import click

from qa.errors import QAError

INTERNAL_ERROR = "内部错误（{kind}）：命令没有完成。请重试；问题持续时，用 QA_DEBUG=1 再运行一次并把输出告诉维护者。"


class _Group(click.Group):
    """Turns errors into a one-line Chinese message and exit status 1; QA_DEBUG=1 shows tracebacks instead."""

    def invoke(self, ctx: click.Context):
        debug = bool(os.environ.get("QA_DEBUG"))
        if debug:
            logging.basicConfig(level=logging.DEBUG)
        try:
            return super().invoke(ctx)
        except QAError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - a user sees words; QA_DEBUG=1 shows the traceback
            if debug:
                raise
            raise click.ClickException(INTERNAL_ERROR.format(kind=type(exc).__name__)) from exc


@click.group(cls=_Group)
@click.version_option(package_name="xinjimo-qa")
def main() -> None:
    """新即墨 archive QA: parse, index and ask questions of the newspaper."""


def _register() -> None:
    from qa.cli import answer, corpus, index, meetings, serve
    from qa.cli import eval as eval_cli

    for module in (corpus, index, meetings, answer, eval_cli, serve):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
