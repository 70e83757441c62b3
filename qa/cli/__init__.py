"""The `qa` command line: thin commands that validate, call the library and format."""

from __future__ import annotations

import click

from qa.errors import QAError


class _Group(click.Group):
    """Turns the project's typed errors into a one-line message and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except QAError as exc:
            raise click.ClickException(str(exc)) from exc


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
