"""Follow-up questions: put the previous turn's person, meeting or topic back into the question (pure).

Rules rather than an LLM rewrite, because the local model is too small to rewrite reliably.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.english import english_dates

_PERSON_PRONOUN = re.compile(r"他们|她们|他|她|\bhe\b|\bshe\b|\bhim\b|\bher\b", re.I)
_MEETING_REF = re.compile(r"(?:这|那|此|该|本|上述)(?:次|场|个)?(?:会议|会|活动)|这次|此次|那次|那场|这场|"
                          # 「会议由谁主持？」「会上谁讲了话？」: a bare 会议 opening the question is the one just asked about
                          r"^(?:会议|会上|会议上|活动|活动中)(?=由|是|在|上|的|有|哪|几|谁|什么|都|共|一共|开|召开|举行)|"
                          r"\b(?:that|this|the same)\s+(?:meeting|session|conference|event|activity)\b", re.I)
# 「这个职务换成了谁」: the post the previous turn was about
_POST_REF = re.compile(r"(?:这|那|该|此)(?:个|一)?(?:职务|职位|岗位|位置)|\b(?:that|this|the same)\s+(?:post|position|office|job)\b",
                       re.I)
_TOPIC_REF = re.compile(r"它的|它|该项目|这个项目|该公司|这家公司|\bit\b|\bits\b", re.I)
_MORE = re.compile(r"^(还有|另外|其他|还)")
_TOPIC_END = re.compile(r"(的|是|在|由|有|一年|多少|哪|何|什么|为|共|已|预计|组织|举行|召开)")


@dataclass(frozen=True)
class Focus:
    """What the previous turn was about."""

    person: str | None = None
    meeting: str | None = None
    topic: str | None = None
    title: str | None = None
    when: str | None = None  # the day of that meeting (ISO): 「那次会议」 is that one, not another of its name


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
    if focus.title and _POST_REF.search(q):
        return _POST_REF.sub(focus.title, q, count=1)
    if focus.meeting and (_MEETING_REF.search(q) or _MORE.match(q)):
        q = _MEETING_REF.sub("", q)
        day = ""
        if focus.when and not re.search(r"\d{4}\s*年", q):
            y, m, d = (int(x) for x in focus.when.split("-"))
            day = f"{y}年{m}月{d}日"
        return f"{day}{focus.meeting}{_MORE.sub('', q)}"
    if focus.topic and _TOPIC_REF.search(q):
        return _TOPIC_REF.sub(focus.topic, q, count=1)
    return q


# A time a question names: 2022年, 2023年4月, 2026年3月下旬, 2023年春天
TIME_PHRASE = (r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"
               r"(?:上旬|中旬|下旬|初|底|年初|年中|年底|上半年|下半年|[春夏秋冬]天)?")
_TIME_IN = re.compile(TIME_PHRASE)
# 「那2024年呢？」「再往前，2022年2月呢？」: only a new time, the rest is the previous question
_TIME_ONLY = re.compile(r"^(?:那么?|再往前|往前|之前|后来|到了?|换到)?[，,\s]*(" + TIME_PHRASE + ")"
                        r"(?:的时候|时|那会儿?)?(?:又|的)?(?:呢|怎么样|是谁|又是谁|是什么|如何|(?:又)?(?:换成|变成|换)了?谁)?[？?。]?$")
_EN_LEAD = re.compile(r"^(?:and|then|what about|how about)?\s*(?:earlier|later|before that|after that)?,?\s*(?:who|what|which)?\s*(?:was it|were they|is it)?\s*"
                      r"(?:in|by|for|on|during|as of)?\s*(?=(?:19|20)\d{2})", re.I)


_ISSUE_ONLY = re.compile(r"^(?:那么?|那)?[，,\s]*(第\s*\d{3,5}\s*期)(?:呢|又是哪天|是哪天)?[？?。]?$")
_ISSUE_IN = re.compile(r"第\s*\d{3,5}\s*期")


def with_new_time(previous: str, question: str) -> str | None:
    """The previous question asked again for the time (or the issue: 「第3026期呢？」) this one names; None when
    this one says more than that."""
    if (issue := _ISSUE_ONLY.match(question.strip())) and _ISSUE_IN.search(previous):
        return _ISSUE_IN.sub(issue.group(1), previous, count=1)
    question, previous = english_dates(question), english_dates(previous)
    # "And in 2022?", "Who in 2023?": the English asks the same with a time of its own
    m = _TIME_ONLY.match(_EN_LEAD.sub("", question.strip()))
    if not m:
        return None
    when = re.sub(r"\s+", "", m.group(1))
    if _TIME_IN.search(previous):
        return _TIME_IN.sub(when, previous, count=1)
    return f"{when}{previous}"
