"""Option converters shared by the commands."""

from __future__ import annotations

import datetime as dt

import click


def date_option(end: bool):
    """A click callback reading 2023, 2023-02 or 2023-02-24 as the first (or, with `end`, last) day of that period."""

    def convert(_ctx, _param, value: str | None) -> dt.date | None:
        if value is None:
            return None
        from qa.date_input import BadDate, parse_period

        try:
            return parse_period(value, end=end)
        except BadDate as exc:
            raise click.BadParameter(str(exc)) from None

    return convert
