"""Resolving the time expressions of news reports against the issue's publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PART_OF_DAY = r"(?:上午|下午|晚上|晚|早上|中午|凌晨|傍晚)?"
_FULL = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日" + _PART_OF_DAY)
_RANGE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:至|到|—|-|～|~)(?:(\d{1,2})月)?(\d{1,2})日" + _PART_OF_DAY)
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日" + _PART_OF_DAY)
_RELATIVE = re.compile(r"(昨日|昨天|前日|前天|今日|今天)" + _PART_OF_DAY)
_VAGUE = re.compile(r"日前|近日|近期|前不久|日昨")
# 上周五 / 本周一 / 周三: a weekday of the issue's week or the week before.
_WEEKDAY = re.compile(r"(上周|上星期|本周|这周|周|星期)([一二三四五六日天])" + _PART_OF_DAY)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# 同日/当天/次日: the day of the event told just before.
_SAME_DAY = re.compile(r"(同日|当日|当天|次日|翌日)" + _PART_OF_DAY)
_DAYS_BACK = {"昨日": 1, "昨天": 1, "前日": 2, "前天": 2, "今日": 0, "今天": 0}
# A report can mention a day somewhat after its issue date only by mistake or when the
# issue date was itself inferred; beyond this the day must belong to the year before.
_FUTURE_SLACK = dt.timedelta(days=31)


@dataclass(frozen=True)
class ResolvedDate:
    """A day (or range) read from text, with the expression it came from."""

    date: dt.date | None
    date_end: dt.date | None
    approximate: bool
    text: str
    start: int


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, issue_date: dt.date | None) -> dt.date | None:
    """`2月24日` takes the issue's year, or the year before when that would lie far ahead."""
    if issue_date is None:
        return None
    day_in_year = _safe_date(issue_date.year, month, day)
    if day_in_year is not None and day_in_year - issue_date > _FUTURE_SLACK:
        return _safe_date(issue_date.year - 1, month, day)
    return day_in_year


def _weekday(prefix: str, day: str, issue_date: dt.date) -> dt.date:
    """上周五 → Friday of the week before the issue's; 本周一/周一 → that day of the issue's week (or the last one)."""
    target = _WEEKDAYS[day]
    monday = issue_date - dt.timedelta(days=issue_date.weekday())
    if prefix in ("上周", "上星期"):
        return monday - dt.timedelta(days=7) + dt.timedelta(days=target)
    this_week = monday + dt.timedelta(days=target)
    return this_week if this_week <= issue_date else this_week - dt.timedelta(days=7)


def resolve_date(text: str, issue_date: dt.date | None, previous: dt.date | None = None) -> ResolvedDate | None:
    """The first time expression in `text`, resolved: 昨日 = the day before publication.

    `previous`: the day of the event told before, for 同日/当天/次日.
    """
    found = resolve_dates(text, issue_date, previous)
    return found[0] if found else None


def days_stated(text: str, issue_date: dt.date | None) -> set[dt.date]:
    """Every day a text states, its 昨日, 前天, 上周五 and year-less 3月2日 resolved against the issue date;
    a vague 日前/近日 states no day. What grounding and scoring accept as said by the text."""
    return {r.date for r in resolve_dates(re.sub(r"\s+", "", text), issue_date) if r.date and not r.approximate}


def resolve_dates(text: str, issue_date: dt.date | None, previous: dt.date | None = None) -> list[ResolvedDate]:
    """Every time expression in `text`, resolved against the issue date, in the order written."""
    found: list[ResolvedDate] = []
    for m in _RANGE.finditer(text):
        if m.group(1):
            start = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            start = _with_year(int(m.group(2)), int(m.group(3)), issue_date)
        end_month = int(m.group(4) or m.group(2))
        end = _safe_date(start.year, end_month, int(m.group(5))) if start else None
        found.append(ResolvedDate(start, end, False, m.group(0), m.start()))
    covered = [(r.start, r.start + len(r.text)) for r in found]

    def free(m: re.Match) -> bool:
        return not any(a <= m.start() < b for a, b in covered)

    for m in _FULL.finditer(text):
        if free(m):
            found.append(ResolvedDate(_safe_date(*map(int, m.groups())), None, False, m.group(0), m.start()))
            covered.append((m.start(), m.end()))
    for m in _MONTH_DAY.finditer(text):
        if free(m):
            found.append(ResolvedDate(_with_year(int(m.group(1)), int(m.group(2)), issue_date), None, False, m.group(0), m.start()))
    for m in _RELATIVE.finditer(text):
        day = issue_date - dt.timedelta(days=_DAYS_BACK[m.group(1)]) if issue_date else None
        found.append(ResolvedDate(day, None, False, m.group(0), m.start()))
    for m in _WEEKDAY.finditer(text):
        if issue_date and free(m):
            found.append(ResolvedDate(_weekday(m.group(1), m.group(2), issue_date), None, False, m.group(0), m.start()))
    for m in _SAME_DAY.finditer(text):
        if previous is not None:
            day = previous + dt.timedelta(days=1 if m.group(1) in ("次日", "翌日") else 0)
            found.append(ResolvedDate(day, None, False, m.group(0), m.start()))
    for m in _VAGUE.finditer(text):
        found.append(ResolvedDate(issue_date, None, True, m.group(0), m.start()))
    return sorted(found, key=lambda r: r.start)
