"""Reports that disagree on a figure (pure): both are cited and the disagreement is said.

An uploaded issue may print 99999吨 where an earlier report printed 800吨 for the same
project. Picking one silently would state the other source's figure as wrong without a
word; the reader should see both, each with its issue, date and headline, and judge.

A figure from another article counts as a rival only when it answers the same question
as fully as the chosen one (its sentence and headline hold as much of the question's
weighted words), is in the same unit, differs beyond what 约/余/多 allow, and the two
sentences do not name different years (a 2022 figure and a 2023 one are a change over
time, not a disagreement).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from qa.answer.relevance import Weighted, coverage
from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning

# Chinese multipliers a printed figure may carry before its unit.
_SCALE = {"": 1, "万": 10_000, "亿": 100_000_000}
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(余|多)?\s*(万|亿)?\s*([^\d\s。，；]*)")
_APPROX_WORDS = re.compile(r"约|大约|近|超过?|逾|余|多|左右|上下")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# The tolerance of approximate figures and what a rival must hold of the question are settings
# (qa.answer.tuning). The clauses printing the two figures: this share of the shorter one's bigrams in the other, and at least
# this many of them.
MIN_CLAUSE_OVERLAP = 0.8
MIN_CLAUSE_BIGRAMS = 3
_CLAUSE_ENDS = "，。；：、,;:！？!?\n"
_COUNT_WORDS = "两三四五六七八九"


@dataclass(frozen=True)
class Figure:
    """A printed figure read as a value in its unit: 1.4万平方米 → 14000 平方米."""

    value: float
    unit: str
    approximate: bool


# What an answer says when its sources disagree on a figure (the LLM reader keeps such an answer).
DISAGREE = "说法不一"


def read_figure(text: str, context: str = "") -> Figure | None:
    """The figure a short answer states (「800吨」, 「5.6万户」, 「约5亿元」); `context` is the sentence it came
    from (its 约 or 左右 makes the figure approximate)."""
    m = _FIGURE.search(text)
    if not m:
        return None
    number, more, scale, unit = m.groups()
    value = float(number) * _SCALE[scale or ""]
    approximate = bool(more)
    if context:
        at = context.find(m.group(0).strip())
        around = context[max(0, at - 3): at + len(m.group(0)) + 3] if at >= 0 else ""
        approximate |= bool(_APPROX_WORDS.search(around))
    return Figure(value, unit or "", approximate)


def disagree(a: Figure, b: Figure, tolerance: float = DEFAULT_TUNING.figure_tolerance) -> bool:
    """Whether two figures of the same thing cannot both be right."""
    if a.unit != b.unit:
        return False  # 800吨 and 5亿元 measure different things
    if a.value == b.value:
        return False
    if a.approximate or b.approximate:
        return abs(a.value - b.value) > tolerance * max(abs(a.value), abs(b.value))
    return True


def clause_of(sentence: str, figure: str) -> str:
    """The clause of a sentence that prints a figure, the figure taken out: 「一年加工铝型材」 of
    「…答案是：一年加工铝型材800吨，年产值约5亿元。」 for 800吨 ("" when the figure is not found)."""
    from qa.answer.ground import numerals_as_digits

    for text in (sentence, numerals_as_digits(sentence)):
        at = text.find(figure)
        if at >= 0:
            start = max(text.rfind(ch, 0, at) for ch in _CLAUSE_ENDS) + 1
            ends = [i for i in (text.find(ch, at + len(figure)) for ch in _CLAUSE_ENDS) if i >= 0]
            return text[start:at] + text[at + len(figure): min(ends, default=len(text))]
    return ""


# A clause's opening that points back to what the sentence before named
_POINTER = re.compile(r"^(?:该|其|这个|这一|此)(?:项目|公司|企业|集团|基地|园区|工程|产业园)?")


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if not ch.isdigit() and not ch.isspace() and ch not in ".约余多"]
    return {a + b for a, b in zip(chars, chars[1:])}


def same_statement(a: Reading, b: Reading) -> bool:
    """Whether two readings make the same statement with (possibly) another figure: the clause around one
    figure holds nearly all of the other's words (bigrams, so no dictionary is needed), and says enough
    to be compared (「总投资86亿元」 alone could be any project's)."""
    # 「该项目总投资12亿元」 names its project in the sentence before: 「该项目」 says no more than 「总投资」
    one, other = (_bigrams(_POINTER.sub("", clause_of(r.sentence, r.figure))) for r in (a, b))
    small = min(len(one), len(other))
    return small >= MIN_CLAUSE_BIGRAMS and len(one & other) / small >= MIN_CLAUSE_OVERLAP


def _years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


@dataclass(frozen=True)
class Reading:
    """One article's figure for the question: the sentence, the figure as printed and read, and where it is."""

    article_id: str
    sentence: str
    title: str
    figure: str
    issue_no: int | None
    issue_date: dt.date | None
    item: object = None  # what the caller cites (a Candidate)


def rivals(first: Reading, others: Iterable[Reading], weighted: list[Weighted],
           tuning: AnswerTuning = DEFAULT_TUNING) -> list[Reading]:
    """Readings of other articles that disagree with `first`, one per article, in the order given.

    `others` are the candidate sentences of the articles about the question that yield a figure,
    best first; `weighted` the question's words weighted by rarity.
    """
    mine = read_figure(first.figure, first.sentence)
    if mine is None:
        return []
    held = coverage(weighted, f"{first.title}{first.sentence}") if weighted else 0.0
    seen = {first.article_id}
    out = []
    for r in others:
        if r.article_id in seen:
            continue
        theirs = read_figure(r.figure, r.sentence)
        if theirs is None or theirs.unit != mine.unit:
            continue
        if (r.issue_no, r.issue_date) == (first.issue_no, first.issue_date):
            continue  # two articles of one issue give figures of two things, not two versions of one
        if weighted and coverage(weighted, f"{r.title}{r.sentence}") < max(tuning.rival_relative_coverage * held,
                                                                           tuning.rival_min_coverage):
            continue  # says less of what was asked: a figure of something else in a related report
        if not same_statement(first, r):
            continue  # 「已创建…192个」 and 「要求今年新创建…12个」 say different things
        years, their_years = _years(first.sentence), _years(r.sentence)
        if years and their_years and not years & their_years:
            continue  # different years: the figure changed, the reports do not disagree
        seen.add(r.article_id)  # this article's figure for the question is its best reading
        if disagree(mine, theirs, tuning.figure_tolerance):
            out.append(r)
    return out


def _where(r: Reading) -> str:
    no = f"第{r.issue_no}期" if r.issue_no else ""
    when = f"（{r.issue_date.year}年{r.issue_date.month}月{r.issue_date.day}日）" if r.issue_date else ""
    return f"{no}{when}《{r.title}》"


def say_disagreement(readings: list[Reading], mark: Callable[[Reading], str]) -> str:
    """「两篇报道说法不一：第2890期（2023年10月27日）《…》称800吨[1]；第3035期（…）《…》称99999吨[2]。」

    Oldest first, so the reader sees which report came later; `mark` cites a reading ([n]).
    No digit of its own: every number in it is one a cited report printed.
    """
    ordered = sorted(readings, key=lambda r: (r.issue_date or dt.date.max, r.issue_no or 0))
    count = _COUNT_WORDS[len(ordered) - 2] if 2 <= len(ordered) <= 9 else "多"
    parts = [f"{_where(r)}称{r.figure.rstrip('。')}{mark(r)}" for r in ordered]
    return f"{count}篇报道{DISAGREE}：{'；'.join(parts)}。"


def disagreeing(best, figure: str, pool: list, read: Callable[[object], str | None],
                weighted: list[Weighted], tuning: AnswerTuning = DEFAULT_TUNING) -> list[Reading]:
    """The chosen answer and the other articles' figures that disagree with it (oldest first), or [] when
    the reports agree or no other article gives a figure.

    `best`, `pool`: candidate sentences (qa.answer.select.Candidate), the pool from the other articles
    about the question, best first; `read` gives a candidate's figure the way the answer was read.
    """
    first = _reading(best, figure)
    others = []
    for c in pool:
        if c.passage.article_id == best.passage.article_id:
            continue
        found = read(c)
        if found:
            others.append(_reading(c, found))
    found = rivals(first, others, weighted, tuning)
    if not found:
        return []
    return sorted([first, *found], key=lambda r: (r.issue_date or dt.date.max, r.issue_no or 0))


def _reading(c, figure: str) -> Reading:
    p = c.passage
    return Reading(p.article_id, c.sentence, p.title, figure.rstrip("。"), p.issue_no, p.issue_date, c)
