"""Typed meeting records: meetings, who did what at them, and people's titles over time."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

# The role taxonomy: one place, with the report language each role is read from.
# (Which verbs give which role is in extract._ROLE_VERBS; this table is what users see.)
#   chair        主持 / 主持召开 / 会议由…主持          区委副书记、区长张元升主持会议
#   convener     组织召开 (the official who called it, when someone else chairs)
#   attendee     出席                                  区政协主席于澎出席会议
#   participant  参加 / 参与 / 参会 / 参加会见 / 参加视察  副区长綦建国、毕安传参加会议
#   observer     列席 / 列席指导                        区委统战部部长郇海燕列席会议
#   accompany    陪同 / 在…陪同下                       副区长逄锦涛陪同
#   leader       率领 / 率队 / 带队 / 带领 / 走访 / 看望 / 慰问   区人大常委会主任辛启鑫带队视察…
#   speaker      讲话 / 致辞 / 作报告 / 发言 / 通报; at a meeting also 强调 / 指出 / 要求
#   meet         会见 / 接见                            区委书记韩世军会见了…董事长司马文清一行
#   witness      见证 (签约)                            韩世军与司马文清共同见证了…项目签约
#   inspector    调研 / 视察 / 检查 / 督导 / 考察 / 观摩 / 查看 (who did it; each leader of a
#                「区领导分别到……」 roundup)             区委副书记、区长孙杰到蓝村街道调研…
#   viewer       参加收看 (a broadcast meeting, at the district's venue)   …在即墨分会场参加收看
Role = Literal[
    "chair", "convener", "leader", "speaker", "attendee", "participant", "accompany",
    "observer", "meet", "witness", "inspector", "viewer",
]
Venue = Literal["main", "branch"]

ROLES: tuple[Role, ...] = (
    "chair", "convener", "meet", "leader", "inspector", "attendee", "participant", "observer", "viewer",
    "witness", "accompany", "speaker",
)

ROLE_LABELS: dict[Role, str] = {
    "chair": "主持",
    "convener": "组织召开",
    "leader": "带领",
    "speaker": "讲话",
    "attendee": "出席",
    "participant": "参加",
    "accompany": "陪同",
    "observer": "列席",
    "meet": "会见",
    "witness": "见证",
    "inspector": "调研视察",
    "viewer": "收看",
}

# The district the paper covers: titles without a place (区委书记, 副区长) belong to it.
HOME_BODY = "即墨区"
HOME_CITY = "青岛市"


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
    body: str | None = Field(None, description="the district or level the titles belong to: 即墨区, 胶州市, 青岛市, 山东省…")
    venue: Venue = "main"
    evidence: Evidence

    @property
    def sentence(self) -> str:
        return self.evidence.quote


class Appointment(BaseModel):
    """A post given to someone at an event (任命X为Y), and the one taken away with it (免去其Z职务)."""

    person: str
    title: str
    former_title: str | None = Field(None, description="the post held until then, when the report says it")
    evidence: Evidence


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
    kind: Literal["meeting", "activity"] = Field("meeting", description="a meeting (会议/座谈/学习) or an activity (调研/会见/签约…)")
    text: str = Field("", description="the sentences of the article that tell this event")
    parent_id: str | None = Field(None, description="the event this one happened before/after (会前/会后/随后)")
    attendances: list[Attendance] = Field(default_factory=list)
    appointments: list[Appointment] = Field(
        default_factory=list, description="posts given and taken away at this event (任命…为…，免去其…职务)")

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
    body: str | None = Field(None, description="where the title was held: 即墨区, 胶州市, 青岛市…")
    date: dt.date | None = Field(description="the meeting's date, else the issue's")
    meeting_id: str
    evidence: Evidence


class TitleSpan(BaseModel):
    """A title a person was printed with, first and last seen, and every printing."""

    title: str
    body: str | None = None
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
    body: str | None = None
    first_seen: dt.date | None
    last_seen: dt.date | None
    sightings: list[TitleSighting]


class MeetingMatch(BaseModel):
    """A meeting found for a question or name fragment, best first."""

    meeting: Meeting
    score: float = Field(description="0–1: share of the question's distinctive characters found in the name")
    name_score: float = Field(0.0, description="the same share counted on the event's own name only (not the headline)")


class RoleAnswer(BaseModel):
    """Who had a role (or any role) at a matched meeting, each with their sentence."""

    meeting: Meeting
    score: float
    role: Role | None
    attendances: list[Attendance]

    @property
    def people(self) -> list[str]:
        return list(dict.fromkeys(a.person for a in self.attendances))
