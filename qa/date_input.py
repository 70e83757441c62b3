"""Dates typed by people (the app's filters, the CLI's --from/--to), read leniently and refused in Chinese.

`2023`, `2023-02`, `2023-02-24`, `2023/2/24`, `2023年2月24日`, `20230224` and full-width
digits are all read; a day that does not exist says which one, never Python's
`day is out of range for month`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from qa.errors import QAError

_PERIOD = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
EXAMPLES = "2023、2023-02 或 2023-02-24"


class BadDate(QAError):
    """A typed date that cannot be read or does not exist."""


def _shown(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def parse_period(text: str, *, end: bool = False) -> dt.date:
    """The first day (or, with end=True, the last day) of the year, month or day written in text."""
    raw = text
    text = "".join(unicodedata.normalize("NFKC", text).split())
    m = _PERIOD.fullmatch(text) or _COMPACT.fullmatch(text)
    if not m:
        raise BadDate(f"无法识别的日期「{_shown(raw.strip())}」：请写成 {EXAMPLES}。")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if not 1 <= year <= 9999:
        raise BadDate(f"年份 {year} 无效：请写成 {EXAMPLES}。")
    if month is None:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if not 1 <= month <= 12:
        raise BadDate(f"没有{month}月：月份应为 1 到 12（例如 {year}-02）。")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, last if end else 1)
    if not 1 <= day <= last:
        raise BadDate(f"{year}年{month}月没有{day}日（这个月只有{last}天）：请检查日期，例如 {year}-{month:02d}-{last:02d}。")
    return dt.date(year, month, day)


def parse_range(date_from: str | None, date_to: str | None) -> tuple[dt.date | None, dt.date | None]:
    """A from/to pair of typed dates; empty means open; a reversed range is refused, not silently empty."""
    start = parse_period(date_from, end=False) if (date_from or "").strip() else None
    end = parse_period(date_to, end=True) if (date_to or "").strip() else None
    if start and end and start > end:
        raise BadDate(f"起始日期 {start} 晚于结束日期 {end}：请调换。")
    return start, end
