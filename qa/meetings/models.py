"""Typed meeting records: meetings, who did what at them, and people's titles over time."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["chair", "convener", "leader", "speaker", "attendee", "participant", "accompany"]
Venue = Literal["main", "branch"]

ROLES: tuple[Role, ...] = ("chair", "convener", "leader", "attendee", "participant", "accompany", "speaker")

ROLE_LABELS: dict[Role, str] = {
    "chair": "主持",
    "convener": "组织召开",
    "leader": "带领",
    "speaker": "讲话",
    "attendee": "出席",
    "participant": "参加",
    "accompany": "陪同",
}


class Evidence(BaseModel):
    """The sentence a field was read from, with everything a citation needs."""

    article_id: str
    title: str = Field(description="the article's headline")
    issue_no: int | None = None
    issue_date: dt.date | None = None
    source: str = Field(description="the input file's path")
    quote: str = Field(description="the sentence, exactly as in the article's clean body (or its headline)")
    start: int = Field(description="offset of the sentence in Article.body (0 when `part` is not the body)")
    end: int
    part: Literal["body", "title", "subtitle"] = "body"


class Attendance(BaseModel):
    """One person in one role at one meeting, with the titles printed before the name."""

    meeting_id: str
    person: str
    role: Role
    titles: list[str] = Field(default_factory=list)
    venue: Venue = "main"
    evidence: Evidence

    @property
    def sentence(self) -> str:
        return self.evidence.quote


class Meeting(BaseModel):
    """A meeting or activity reported in one article, with its people and the sentences behind each field."""

    id: str = Field(description="<article id>#<n>")
    name: str
    name_evidence: Evidence
    date: dt.date | None = Field(None, description="the day it took place; for approximate dates, the latest possible day")
    date_end: dt.date | None = Field(None, description="last day of a multi-day event")
    date_approximate: bool = Field(False, description="日前/近日: some day on or before `date`")
    date_text: str | None = Field(None, description="the time expression as printed: 昨日下午, 2月24日上午, 日前")
    date_evidence: Evidence | None = None
    place: str | None = None
    place_evidence: Evidence | None = None
    branch_place: str | None = Field(None, description="where the district's branch venue (分会场) was")
    article_id: str
    article_title: str
    issue_no: int | None = None
    issue_date: dt.date | None = None
    issue_date_inferred: bool = False
    source: str
    attendances: list[Attendance] = Field(default_factory=list)

    def people(self, role: Role | None = None) -> list[str]:
        """Names in the order printed, optionally only those in one role."""
        seen: dict[str, None] = {}
        for a in self.attendances:
            if role is None or a.role == role:
                seen.setdefault(a.person, None)
        return list(seen)

    def roles_of(self, person: str) -> list[Role]:
        return [a.role for a in self.attendances if a.person == person]

    @property
    def day_text(self) -> str:
        """The date as shown to users: `2023-02-23至2023-02-24`, `2024-11-22前` for 日前/近日."""
        if self.date is None:
            return "日期不详"
        text = self.date.isoformat()
        if self.date_end:
            text += f"至{self.date_end.isoformat()}"
        return f"{text}前" if self.date_approximate else text

    @property
    def when(self) -> dt.date | None:
        """The best date for ordering and filtering: the meeting's own, else the issue's."""
        return self.date or self.issue_date


class TitleSighting(BaseModel):
    """One printing of a title before a person's name."""

    person: str
    title: str
    date: dt.date | None = Field(description="the meeting's date, else the issue's")
    meeting_id: str
    evidence: Evidence


class TitleSpan(BaseModel):
    """A title a person was printed with, first and last seen, and every printing."""

    title: str
    first_seen: dt.date | None
    last_seen: dt.date | None
    sightings: list[TitleSighting]


class PersonMeeting(BaseModel):
    """A meeting a person took part in, with every role they had there."""

    meeting: Meeting
    roles: list[Role]
    attendances: list[Attendance]


class PersonProfile(BaseModel):
    """Everything the records say about one person: titles over time and meetings."""

    name: str
    titles: list[TitleSpan]
    meetings: list[PersonMeeting]


class TitleHolder(BaseModel):
    """A person printed with a title in the asked period, with the printings that show it."""

    person: str
    title: str
    first_seen: dt.date | None
    last_seen: dt.date | None
    sightings: list[TitleSighting]


class MeetingMatch(BaseModel):
    """A meeting found for a question or name fragment, best first."""

    meeting: Meeting
    score: float = Field(description="0–1: share of the question's distinctive characters found in the name")


class RoleAnswer(BaseModel):
    """Who had a role (or any role) at a matched meeting, each with their sentence."""

    meeting: Meeting
    score: float
    role: Role | None
    attendances: list[Attendance]

    @property
    def people(self) -> list[str]:
        return list(dict.fromkeys(a.person for a in self.attendances))
