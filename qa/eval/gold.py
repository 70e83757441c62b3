"""The gold side of the evaluation: questions from a split's `questions*.jsonl` and the article texts they refer to."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qa.corpus.models import Issue
from qa.errors import QAError


class BadEvalSet(QAError):
    """An eval set file that cannot be read as gold questions."""


class Evidence(BaseModel):
    """Where a question's answer is: a file of the archive and a substring of it inside the answering article.

    Gold refers to text, not to article ids, so a parser that splits an issue differently
    still finds the right article (ids are `<file stem>-<ordinal>` and shift with the parse).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="path from the project root, e.g. seeds/000_….txt")
    quote: str = Field(min_length=4, description="exact substring of the file; spaces may be kept or dropped")


class GoldQuestion(BaseModel):
    """One question of the eval set with what a correct answer must contain."""

    # Forbid unknown fields so a misspelt `gold_name` fails loudly instead of scoring nothing.
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    type: str
    question: str
    answerable: bool
    gold_facts: list[str] = Field(description="strings a correct answer must state; ISO dates in any written form")
    gold_articles: list[str] = Field(default_factory=list, description="article ids that state the facts")
    gold_names: list[str] = Field(default_factory=list, description="list questions: every name must be listed")
    ok_names: list[str] = Field(default_factory=list, description="names that may also appear without penalty")
    gold_source: str | None = Field(None, description="issue file stem, for questions the masthead answers")
    conversation: str | None = None
    turn: int | None = None
    lang: str = "zh"
    tags: list[str] = Field(default_factory=list, description="style facets: compound, paraphrase, traditional, english, count, relative_date, ocr")
    evidence: list[Evidence] = Field(default_factory=list, description="where the answer is; resolved to gold_articles on loading")
    en: str | None = Field(None, description="dev only: an English rendering without Chinese, for perturbations")
    paraphrase: str | None = Field(None, description="dev only: the same question in a user's own words, for perturbations")
    split: str = Field("dev", description="dev or sealed; set by the loader from the folder")

    @property
    def facets(self) -> list[str]:
        """The groups this question is reported in besides its type: its tags, english, unanswerable."""
        out = list(self.tags)
        if self.lang == "en" and "english" not in out:
            out.append("english")
        if not self.answerable:
            out.append("unanswerable")
        return out


class ArticleText(BaseModel):
    """What scoring needs to know about one article: its text and the issue it appeared in."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str = Field(description="title, subtitle and body")
    issue: str = Field(description="issue file stem")
    issue_no: int | None = None
    issue_date: dt.date | None = None
    dates: frozenset[dt.date] = Field(frozenset(), description="dates the article states, 昨日 resolved")


def load_questions(path: Path) -> list[GoldQuestion]:
    """The questions of a JSONL eval set, in file order."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BadEvalSet(f"无法读取评测集 {path}：{exc.strerror}。请给出 questions.jsonl 的路径。") from exc
    questions = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            questions.append(GoldQuestion.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[:3]
            raise BadEvalSet(f"{path} 第{no}行不是有效的评测题：{' '.join(first)}") from exc
    if not questions:
        raise BadEvalSet(f"{path} 里没有评测题。")
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise BadEvalSet(f"{path} 中题号重复：{', '.join(dup)}")
    return questions


def stated_dates(text: str, issue_date: dt.date | None) -> frozenset[dt.date]:
    """Dates a text states, 昨日, 前天, 上周五 and year-less month-days resolved against the issue date by the
    project's one date reader (qa.meetings.dates.days_stated); a vague 日前 states no day."""
    from qa.meetings.dates import days_stated

    return frozenset(days_stated(text, issue_date))


def article_texts(issues: Iterable[Issue]) -> dict[str, ArticleText]:
    """Every article of the parsed issues by id, as scoring sees it."""
    out = {}
    for issue in issues:
        stem = Path(issue.source).stem
        for a in issue.articles:
            text = "\n".join(part for part in (a.title, a.subtitle, a.body) if part)
            out[a.id] = ArticleText(
                id=a.id,
                text=text,
                issue=stem,
                issue_no=issue.issue_no,
                issue_date=issue.date,
                dates=stated_dates(text, issue.date),
            )
    return out


def known_names(questions: Iterable[GoldQuestion], issues: Iterable[Issue] = ()) -> set[str]:
    """People the scorer can recognise in an answer: the set's gold and allowed names and the bylines."""
    names = set()
    for q in questions:
        names.update(q.gold_names)
        names.update(q.ok_names)
    for issue in issues:
        for a in issue.articles:
            names.update(a.byline)
    return {n for n in names if len(n) >= 2}
