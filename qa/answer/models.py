"""Typed answers and citations: the contract of `qa ask --json` and the UI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, Field

from qa.answer.followup import Focus

if TYPE_CHECKING:
    from qa.answer.route import Route
    from qa.answer.select import Candidate, Passage

AnswerMode = Literal["meetings", "issue", "retrieval", "extractive", "abstain", "error"]


class Citation(BaseModel):
    """One cited article, with the sentence that supports the claim marked [n]."""

    n: int
    article_id: str
    issue_no: int | None
    issue_date: str | None = Field(description="ISO date of the issue")
    title: str
    source: str = Field(description="the input file's path")
    quote: str = Field(description="the exact supporting sentence from the clean text")


class Answer(BaseModel):
    """An answer whose `answer` text carries [n] markers into `citations`."""

    question: str
    answer: str
    mode: AnswerMode
    citations: list[Citation] = Field(default_factory=list)
    nearest: list[Citation] = Field(default_factory=list, description="closest articles when abstaining")
    grounding_violations: int = Field(0, description="unsupported facts removed from the generated text")
    focus: dict[str, str] = Field(default_factory=dict, description="person/meeting/topic of this turn, for follow-ups")
    retrieved: list[str] = Field(default_factory=list, description="article ids in retrieval order (for evaluation)")
    seconds: float = 0.0

    def contract(self) -> dict:
        """The JSON object of design §5."""
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "citations": [
                {k: c.model_dump()[k] for k in ("n", "issue_no", "issue_date", "title", "source", "quote")}
                | {"article_id": c.article_id}
                for c in self.citations
            ],
        }


# -- what the answer stages pass each other ------------------------------------------------------

NOT_FOUND = "未在报纸中找到"


@dataclass(frozen=True)
class Evidence:
    """A supporting sentence in an article: becomes a Citation."""

    article_id: str
    title: str
    issue_no: int | None
    issue_date: dt.date | None
    source: str
    quote: str


@dataclass
class RecordAnswer:
    """What the meeting records say: sentences of text, each with the evidence it rests on."""

    lines: list[tuple[str, list[Evidence]]]
    focus: Focus
    names: set[str] = field(default_factory=set)
    derived: set[str] = field(default_factory=set)  # numbers computed from the evidence (a count of its names)


class PassageSource(Protocol):
    def passages(self, query: str, k: int, date_from: dt.date | None, date_to: dt.date | None) -> list[Passage]: ...


class Records(Protocol):
    """The meeting records, as the engine needs them; None means the records do not say."""

    def known_people(self) -> set[str]: ...

    def answer(self, question: str, r: Route, date_from: dt.date | None, date_to: dt.date | None,
               window=None) -> RecordAnswer | None: ...


class Citations:
    """Numbers citations in order of first use, one per (article, quote)."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def mark(self, ev: Evidence) -> str:
        for c in self.items:
            if c.article_id == ev.article_id and c.quote == ev.quote:
                return f"[{c.n}]"
        n = len(self.items) + 1
        self.items.append(
            Citation(n=n, article_id=ev.article_id, issue_no=ev.issue_no,
                     issue_date=ev.issue_date.isoformat() if ev.issue_date else None,
                     title=ev.title, source=ev.source, quote=ev.quote)
        )
        return f"[{n}]"


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def evidence_of(c: Candidate) -> Evidence:
    """A sentence chosen from retrieved text, as evidence."""
    p = c.passage
    return Evidence(p.article_id, p.title, p.issue_no, p.issue_date, p.source, c.sentence)
