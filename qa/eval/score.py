"""Scoring one answer against one gold question, and aggregating scores (pure, no models).

Every metric here is a plain, documented rule so a score can be checked by hand:
correct means every gold fact is stated; list questions must also name nobody outside
the gold and allowed names (design: a list with one name missing, or one too many, is wrong).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from qa.answer import ground
from qa.answer.models import Answer
from qa.eval.gold import ArticleText, GoldQuestion

_ISO_FACT = re.compile(r"\d{4}-\d{2}-\d{2}")
_MARKER = re.compile(r"\[\d+\]")
_CJK = r"\u3400-\u9fff"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}\d])\s+(?=[{_CJK}\d])|(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# 余 and 多 after a number mean the same ("4200多件" = "4200余件"); 逾/超过 before it too.
_APPROX_AFTER = re.compile(r"(\d)\s*多\s*(?=[万亿]?[\u4e00-\u9fff%])")
_REFUSAL = re.compile(
    r"未在报纸中找到|没有找到|未找到|无法回答|无法确定|没有相关|未提及|没有提到|资料中没有|不清楚"
    r"|not (?:found|mentioned|stated)|no (?:relevant )?information|cannot (?:be )?(?:answer|determine)"
    r"|can't (?:answer|determine)|i don't know|do not know|none of the sources",
    re.I,
)
_EN_MONTHS = (
    "january february march april may june july august september october november december".split()
)
_EN_DATE = re.compile(
    r"(?<![A-Za-z])(?:(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_EN_MONTHS) + r"),?\s+(\d{4})"
    r"|(" + "|".join(_EN_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))(?!\d)",
    re.I,
)
_DOT_DATE = re.compile(r"(?<!\d)(\d{4})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{1,2})(?!\d)")
_MD_ONLY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_SCALED = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万|billion|million)", re.I)
_SCALE = {"亿": 1e8, "万": 1e4, "billion": 1e9, "million": 1e6}


class QuestionScore(BaseModel):
    """How one answer did on one question; None means the metric does not apply to it."""

    id: str
    type: str
    answerable: bool
    mode: str
    correct: bool
    correct_cited: bool = Field(False, description="correct, and (answerable) citing a gold article or issue")
    abstained: bool
    false_refusal: bool | None = Field(None, description="answerable but refused; None for unanswerable")
    fact_recall: float | None = None
    missing_facts: list[str] = Field(default_factory=list)
    name_precision: float | None = None
    name_recall: float | None = None
    name_f1: float | None = None
    extra_names: list[str] = Field(default_factory=list, description="names outside the gold and allowed names")
    citation_precision: float | None = None
    citation_recall: float | None = None
    grounding_violations: list[str] = Field(default_factory=list, description="names/numbers/dates in no cited source")
    gold_rank: int | None = Field(None, description="1-based rank of the first gold article among the surfaced ones")
    retrieval_scored: bool = False
    facets: list[str] = Field(default_factory=list, description="groups besides the type: tags, english, unanswerable")
    seconds: float = 0.0
    error: str | None = None


# ---------------------------------------------------------------- text normalisation


def normalise(text: str) -> str:
    """NFKC, no [n] markers, no spaces inside Chinese, no thousands separators, 多 after a number as 余."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKER.sub("", text)
    text = _CJK_SPACE.sub("", text)
    text = _THOUSANDS.sub("", text)
    text = re.sub(r"\bper\s?cent\b|\bpercent\b", "%", text, flags=re.I)
    text = re.sub(r"(\d)\s+%", r"\1%", text)
    return _APPROX_AFTER.sub(r"\1余", text)


def _cn_number(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[s]


def dates_stated(text: str, default_year: int | None = None) -> set[dt.date]:
    """Dates an answer states: ISO, 2021年11月3日, 2021.11.3, 二〇二一年十一月三日, November 3, 2021.

    `default_year` completes year-less month-days (11月3日).
    """
    text = unicodedata.normalize("NFKC", text)
    found = set(ground.dates_in(_CJK_SPACE.sub("", text), default_year))

    def add(y, m, d):
        try:
            found.add(dt.date(int(y), int(m), int(d)))
        except ValueError:
            pass

    for y, m, d in _DOT_DATE.findall(text):
        add(y, m, d)
    for y, m, d in _CN_DATE.findall(text):
        add("".join(str(_CN_DIGITS[c]) for c in y), _cn_number(m), _cn_number(d))
    for d1, mon1, y1, mon2, d2, y2 in _EN_DATE.findall(text):
        mon, d, y = (mon1, d1, y1) if mon1 else (mon2, d2, y2)
        add(y, _EN_MONTHS.index(mon.lower()) + 1, d)
    if default_year:
        for m, d in _MD_ONLY.findall(text):
            add(default_year, m, d)
    return found


_EN_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_EN_NUMBER = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", re.I)


def numerals_as_digits(text: str) -> str:
    """Chinese and English number words as digits (三位 → 3位, 两千余人 → 2000余人, three → 3), for number facts."""
    text = ground.numerals_as_digits(text)
    return _EN_NUMBER.sub(lambda m: _EN_NUMBERS[m.group(1).lower()], text)


def _amounts(text: str) -> set[float]:
    return {round(float(v) * _SCALE[u.lower()], 2) for v, u in _SCALED.findall(text)}


def states_fact(answer_text: str, fact: str) -> bool:
    """Whether an answer states a gold fact.

    ISO dates count in any written form (a year-less 11月3日 counts for the gold year);
    numbers must not be the tail of a longer number (800吨 is not in 5800吨); amounts
    match across scales (10亿元 = 1 billion yuan); 约 around a fact is harmless because
    the fact itself must still be contained.
    """
    if _ISO_FACT.fullmatch(fact):
        gold = dt.date.fromisoformat(fact)
        return gold in dates_stated(answer_text, default_year=gold.year)
    text, want = normalise(answer_text), normalise(fact)
    if want[:1].isdigit():
        text = numerals_as_digits(text)
        tail = r"(?!\d)" if want[-1].isdigit() else ""
        if re.search(rf"(?<![\d.]){re.escape(want)}{tail}", text):
            return True
        gold_amount = _amounts(want)
        return bool(gold_amount) and bool(gold_amount & _amounts(text))
    return want.lower() in text.lower()


def abstains(answer: Answer) -> bool:
    """The answer declines: abstain mode, or a refusal phrase without any [n] marker."""
    if answer.mode == "abstain":
        return True
    # A plain pipeline has no abstain mode, so its refusals are recognised by their words;
    # a refusal that still marks a source [n] claims something and counts as an answer.
    return bool(_REFUSAL.search(answer.answer)) and not _MARKER.search(answer.answer)


def names_in(text: str, known: set[str]) -> set[str]:
    """People an answer names: registry names (longest first) and unknown names after a title (区长姜玉林)."""
    text = normalise(text)
    found = set()
    rest = text
    for name in sorted(known, key=len, reverse=True):
        if name in rest:
            found.add(name)
            rest = rest.replace(name, "□")
    titled, _, _ = ground.facts_in(rest, set())
    found |= {n for n in titled if "□" not in n}
    return found


# ---------------------------------------------------------------- one question


def _article_has_fact(article: ArticleText, fact: str) -> bool:
    if _ISO_FACT.fullmatch(fact):
        day = dt.date.fromisoformat(fact)
        return day in article.dates or day == article.issue_date
    if article.issue_no is not None and fact == str(article.issue_no):
        return True  # the masthead's issue number belongs to every article of the issue
    return normalise(fact) in normalise(article.text)


def _quote_has_fact(quote: str, fact: str) -> bool:
    return states_fact(quote, fact) if _ISO_FACT.fullmatch(fact) else normalise(fact) in normalise(quote)


def surfaced(answer: Answer) -> list[str]:
    """The articles an answer brought up, in order: `retrieved`, or its citations when it looked nothing up.

    Answers from the meeting records or the issue catalog retrieve nothing; the articles
    they cite are then what they surfaced, and leaving them out would score a lookup as a miss.
    """
    if answer.retrieved:
        return list(answer.retrieved)
    return [c.article_id for c in sorted(answer.citations, key=lambda c: c.n)]


def _gold_rank(retrieved: Sequence[str], gold: Iterable[str]) -> int | None:
    gold = set(gold)
    seen: list[str] = []
    for article_id in retrieved:
        if article_id not in seen:  # several chunks of one article count once
            seen.append(article_id)
    return next((i for i, a in enumerate(seen, 1) if a in gold), None)


def _grounding(answer: Answer, question: GoldQuestion, articles: dict[str, ArticleText], known: set[str]) -> list[str]:
    if abstains(answer) or not answer.answer.strip():
        return []
    cited = [articles[c.article_id] for c in answer.citations if c.article_id in articles]
    # The question's own words are not invented by the system: repeating 第90次 is no violation.
    sources = [question.question] + [c.quote for c in answer.citations] + [a.text for a in cited]
    # A citation shows its issue's number and date, so stating them (or the year) is grounded.
    sources += [f"第{a.issue_no}期" for a in cited if a.issue_no]
    sources += [f"{d.year}年{d.month}月{d.day}日" for d in {a.issue_date for a in cited if a.issue_date}]
    allowed = {d for a in cited for d in a.dates} | {a.issue_date for a in cited if a.issue_date}
    default_year = next((a.issue_date.year for a in cited if a.issue_date), None)
    # A count of the people an answer lists from its sources is read off the sources: 「共3位：甲、乙、丙」.
    listed = names_in(answer.answer, known)
    if listed:
        sources.append(f"{len(listed)}")
    return ground.check(answer.answer, sources, known, allowed, default_year).unsupported


def score_answer(
    answer: Answer,
    question: GoldQuestion,
    articles: dict[str, ArticleText],
    known: set[str],
    error: str | None = None,
) -> QuestionScore:
    """Score one answer: correctness, facts, names, citations, grounding and retrieval rank."""
    abstained = abstains(answer)
    base = dict(
        id=question.id,
        type=question.type,
        answerable=question.answerable,
        facets=question.facets,
        mode=answer.mode,
        abstained=abstained,
        seconds=answer.seconds,
        error=error,
        grounding_violations=_grounding(answer, question, articles, known),
    )
    if not question.answerable:
        refused = abstained and answer.mode != "error"
        return QuestionScore(**base, correct=refused, correct_cited=refused)

    text = "" if abstained else answer.answer
    stated = [f for f in question.gold_facts if states_fact(text, f)]
    missing = [f for f in question.gold_facts if f not in stated]
    scores = dict(
        false_refusal=abstained,
        fact_recall=len(stated) / len(question.gold_facts),
        missing_facts=missing,
    )
    exact_list = True
    if question.gold_names:
        gold, ok = set(question.gold_names), set(question.ok_names)
        named = names_in(text, known | gold | ok)
        counted = named - (ok - gold)
        hits = counted & gold
        precision = len(hits) / len(counted) if counted else 0.0
        recall = len(hits) / len(gold)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        extra = sorted(counted - gold)
        exact_list = not extra
        scores.update(name_precision=precision, name_recall=recall, name_f1=f1, extra_names=extra)

    facts = question.gold_facts
    if answer.citations:
        good = 0
        for c in answer.citations:
            article = articles.get(c.article_id)
            in_article = article is not None and any(_article_has_fact(article, f) for f in facts)
            if in_article or any(_quote_has_fact(c.quote, f) for f in facts):
                good += 1
        scores["citation_precision"] = good / len(answer.citations)
    cited = {c.article_id for c in answer.citations}
    if question.gold_articles:
        scores["citation_recall"] = 1.0 if cited & set(question.gold_articles) else 0.0
        scores["gold_rank"] = _gold_rank(surfaced(answer), question.gold_articles)
        scores["retrieval_scored"] = True
    elif question.gold_source:
        from_issue = any(articles[a].issue == question.gold_source for a in cited if a in articles)
        scores["citation_recall"] = 1.0 if from_issue else 0.0

    correct = not missing and exact_list and not abstained and answer.mode != "error"
    # A correct citation is the gold article, or any cited article that itself states every gold fact
    # (a post held in 2022 is printed in several reports of that year; each is a fair source).
    states_all = any(
        (a := articles.get(c.article_id)) is not None and all(_article_has_fact(a, f) for f in facts)
        for c in answer.citations
    )
    cites_gold = scores.get("citation_recall", 1.0) == 1.0 or states_all
    return QuestionScore(**base, **scores, correct=correct, correct_cited=correct and cites_gold)


# ---------------------------------------------------------------- aggregation

Better = Literal["higher", "lower"]
Unit = Literal["pct", "ratio", "seconds", "count"]


class Metric(BaseModel):
    """One reported figure: its key, bilingual label, direction and unit."""

    key: str
    label: str
    better: Better = "higher"
    unit: Unit = "pct"


METRICS: list[Metric] = [
    Metric(key="correct_cited", label="正确且引用正确 correct+cited"),
    Metric(key="correct", label="答案正确率 correct"),
    Metric(key="fact_recall", label="事实召回 fact recall"),
    Metric(key="name_precision", label="名单精确率 name P"),
    Metric(key="name_recall", label="名单召回 name R"),
    Metric(key="name_f1", label="名单F1 name F1"),
    Metric(key="citation_precision", label="引用精确率 cite P"),
    Metric(key="citation_recall", label="引用召回 cite R"),
    Metric(key="grounding_violation_rate", label="含无据事实的答案 ungrounded", better="lower"),
    Metric(key="grounding_violations", label="无据事实/答案 violations/answer", better="lower", unit="ratio"),
    Metric(key="abstention_accuracy", label="拒答判断准确率 abstention acc"),
    Metric(key="abstain_recall", label="不可答题拒答率 abstain on unanswerable"),
    Metric(key="false_refusal_rate", label="误拒率 false refusals", better="lower"),
    Metric(key="hit_at_1", label="检索 hit@1"),
    Metric(key="hit_at_5", label="检索 hit@5"),
    Metric(key="mrr", label="检索 MRR", unit="ratio"),
    Metric(key="latency_p50", label="耗时 p50 (s)", better="lower", unit="seconds"),
    Metric(key="latency_p95", label="耗时 p95 (s)", better="lower", unit="seconds"),
    Metric(key="errors", label="出错题数 errors", better="lower", unit="count"),
]
METRIC_BY_KEY = {m.key: m for m in METRICS}


class GroupSummary(BaseModel):
    """Aggregated metrics of a group of questions (all, or one type); None: no question it applies to."""

    n: int
    values: dict[str, float | None]
    counts: dict[str, int] = Field(default_factory=dict, description="questions each metric was averaged over")


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarise(scores: Sequence[QuestionScore]) -> GroupSummary:
    """Aggregate question scores: means over the questions each metric applies to."""
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    ranked = [s for s in scores if s.retrieval_scored]
    columns: dict[str, list[float]] = {
        "correct_cited": [float(s.correct_cited) for s in scores],
        "correct": [float(s.correct) for s in scores],
        "fact_recall": [s.fact_recall for s in answerable if s.fact_recall is not None],
        "name_precision": [s.name_precision for s in scores if s.name_precision is not None],
        "name_recall": [s.name_recall for s in scores if s.name_recall is not None],
        "name_f1": [s.name_f1 for s in scores if s.name_f1 is not None],
        "citation_precision": [s.citation_precision for s in scores if s.citation_precision is not None],
        "citation_recall": [s.citation_recall for s in scores if s.citation_recall is not None],
        "grounding_violation_rate": [float(bool(s.grounding_violations)) for s in scores],
        "grounding_violations": [float(len(s.grounding_violations)) for s in scores],
        "abstention_accuracy": [float(s.abstained != s.answerable) for s in scores],
        "abstain_recall": [float(s.abstained) for s in unanswerable],
        "false_refusal_rate": [float(s.abstained) for s in answerable],
        "hit_at_1": [float(s.gold_rank is not None and s.gold_rank <= 1) for s in ranked],
        "hit_at_5": [float(s.gold_rank is not None and s.gold_rank <= 5) for s in ranked],
        "mrr": [1.0 / s.gold_rank if s.gold_rank else 0.0 for s in ranked],
    }
    values = {k: _mean(v) for k, v in columns.items()}
    counts = {k: len(v) for k, v in columns.items()}
    seconds = [s.seconds for s in scores]
    values["latency_p50"] = percentile(seconds, 50)
    values["latency_p95"] = percentile(seconds, 95)
    values["errors"] = float(sum(1 for s in scores if s.error or s.mode == "error"))
    counts.update(latency_p50=len(seconds), latency_p95=len(seconds), errors=len(scores))
    return GroupSummary(n=len(scores), values=values, counts=counts)


def summarise_by_type(scores: Sequence[QuestionScore]) -> dict[str, GroupSummary]:
    """`overall` first, then one summary per question type in first-seen order, then per facet (`#tag`)."""
    out = {"overall": summarise(scores)}
    for kind in dict.fromkeys(s.type for s in scores):
        out[kind] = summarise([s for s in scores if s.type == kind])
    for facet in sorted({f for s in scores for f in s.facets}):
        out[f"#{facet}"] = summarise([s for s in scores if facet in s.facets])
    return out
