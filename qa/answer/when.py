"""The time a question asks about, as a window of event dates (pure).

「2025年的全区…会议」 means the one held in 2025, 「2022年6月17日…」 that day, "in June
2022" that month. Meeting records carry event dates, so the window narrows which meeting
a question names; a question whose window holds no such meeting is not answered with
another year's. A year followed by 度 (「2023年度考核」) names a period reported on later,
not when the event happened, and is no window.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from qa.answer.english import english_dates

# How long after an event its report may appear (a year's figures are printed the next January).
REPORT_LAG = dt.timedelta(days=45)
_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?![\d至到\-—~])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!度)")


@dataclass(frozen=True)
class Window:
    """Event dates a question allows: [start, end], and how precise the question was."""

    start: dt.date
    end: dt.date
    precision: str  # "day", "month" or "year"


def _day(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month(y: int, m: int) -> Window | None:
    if not 1 <= m <= 12:
        return None
    return Window(dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]), "month")


def question_window(question: str, slack_days: int = 1) -> Window | None:
    """The most precise time the question names; None when it names none.

    A day gets `slack_days` either side: a report's 昨日 and a reader's date can differ by one.
    English dates are read as the paper writes them first (qa.answer.english.english_dates).
    """
    question = english_dates(question)
    for m in _DAY.finditer(question):
        if day := _day(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            slack = dt.timedelta(days=slack_days)
            return Window(day - slack, day + slack, "day")
    for m in _MONTH.finditer(question):
        if w := _month(int(m.group(1)), int(m.group(2))):
            return w
    years = {int(y) for y in _YEAR.findall(question)}
    if len(years) == 1:
        y = years.pop()
        return Window(dt.date(y, 1, 1), dt.date(y, 12, 31), "year")
    return None


def report_dates(window: Window | None, date_from: dt.date | None, date_to: dt.date | None):
    """Issue dates to search for reports of what the question dates: the user's filters narrowed by the
    question's window, its end moved by REPORT_LAG (unless the user's own end is tighter)."""
    low, high = narrowed(window, date_from, date_to)
    if window is not None and high is not None and (date_to is None or high < date_to):
        high = high + REPORT_LAG
    return low, high


def narrowed(window: Window | None, date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The user's filters, narrowed by the question's own window (the filters win where they are tighter)."""
    if window is None:
        return date_from, date_to
    low = max(d for d in (window.start, date_from) if d is not None)
    high = min(d for d in (window.end, date_to) if d is not None)
    return low, high
