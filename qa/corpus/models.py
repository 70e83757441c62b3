"""Typed newspaper data crossing every layer: an issue and its articles."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

ArticleKind = Literal["article", "caption"]


class Article(BaseModel):
    """One article or photo caption, with clean text and the raw text it came from."""

    id: str = Field(description="stable id: <file stem>-<ordinal> (another prefix when two indexed files share a stem)")
    title: str
    subtitle: str = ""
    title_inferred: bool = Field(False, description="title derived from the text (no headline printed)")
    body: str = Field(description="OCR-repaired text, one paragraph per line")
    raw: str = Field(description="the lines of the file this article was parsed from")
    byline: list[str] = Field(default_factory=list)
    kind: ArticleKind = "article"
    withheld: list[str] = Field(
        default_factory=list,
        description="text addressed to a model (instructions, role-play), taken out of body: never evidence or a record")


class Issue(BaseModel):
    """One printed issue: where it came from, when it appeared, and its articles."""

    source: str
    sha256: str
    issue_no: int | None = None
    date: dt.date | None = None
    date_inferred: bool = False
    masthead: str | None = Field(None, description="the raw masthead lines, when printed")
    articles: list[Article] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """How a citation names this issue: 第2415期 2021-11-04."""
        no = f"第{self.issue_no}期" if self.issue_no else "期号不详"
        if self.date is None:
            return f"{no} 日期不详"
        return f"{no} {self.date.isoformat()}{'（推断）' if self.date_inferred else ''}"
