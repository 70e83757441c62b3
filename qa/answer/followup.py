"""Follow-up questions: put the previous turn's person, meeting or topic back into the question (pure).

Rules rather than an LLM rewrite, because the local model is too small to rewrite reliably.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERSON_PRONOUN = re.compile(r"他们|她们|他|她|\bhe\b|\bshe\b|\bhim\b|\bher\b", re.I)
_MEETING_REF = re.compile(r"这次会议|此次会议|该会议|本次会议|这个会议?|这次活动|该活动|这次|此次")
_TOPIC_REF = re.compile(r"它的|它|该项目|这个项目|该公司|这家公司|\bit\b|\bits\b", re.I)
_MORE = re.compile(r"^(还有|另外|其他|还)")
_TOPIC_END = re.compile(r"(的|是|在|由|有|一年|多少|哪|何|什么|为|共|已|预计|组织|举行|召开)")


@dataclass(frozen=True)
class Focus:
    """What the previous turn was about."""

    person: str | None = None
    meeting: str | None = None
    topic: str | None = None


def topic_of(question: str) -> str | None:
    """The subject a question opens with: 「德国ITEM项目一年加工多少铝型材？」 → 德国ITEM项目."""
    q = question.strip()
    m = _TOPIC_END.search(q, 2)
    head = q[: m.start()] if m else q
    head = head.strip("，。？?！ ")
    return head if 2 <= len(head) <= 30 else None


def resolve(question: str, focus: Focus | None, names_in_question: bool) -> str:
    """The question with pronouns and elisions replaced by the previous turn's entity."""
    if focus is None:
        return question
    q = question
    if focus.person and not names_in_question and _PERSON_PRONOUN.search(q):
        return _PERSON_PRONOUN.sub(focus.person, q, count=1)
    if focus.meeting and (_MEETING_REF.search(q) or _MORE.match(q)):
        q = _MEETING_REF.sub("", q)
        return f"{focus.meeting}{_MORE.sub('', q)}"
    if focus.topic and _TOPIC_REF.search(q):
        return _TOPIC_REF.sub(focus.topic, q, count=1)
    return q
