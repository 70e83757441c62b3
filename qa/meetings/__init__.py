"""Meeting records: who chaired, attended, spoke at and took part in which meeting, and who held which title when."""

from qa.meetings.extract import EXTRACTOR_VERSION, extract_issue, extract_meetings
from qa.meetings.models import (
    ROLE_LABELS,
    ROLES,
    Appointment,
    Attendance,
    Evidence,
    Meeting,
    MeetingMatch,
    PersonMeeting,
    PersonProfile,
    Role,
    RoleAnswer,
    TitleHolder,
    TitleSighting,
    TitleSpan,
)
from qa.meetings.store import MeetingStore

__all__ = [
    "EXTRACTOR_VERSION",
    "ROLES",
    "ROLE_LABELS",
    "Appointment",
    "Attendance",
    "Evidence",
    "Meeting",
    "MeetingMatch",
    "MeetingStore",
    "PersonMeeting",
    "PersonProfile",
    "Role",
    "RoleAnswer",
    "TitleHolder",
    "TitleSighting",
    "TitleSpan",
    "extract_issue",
    "extract_meetings",
]
