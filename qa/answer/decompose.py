"""Compound questions become their parts (pure).

「在哪里召开？由谁主持？」, 「2022年和2025年分别是谁？」, "Where was it held and who
chaired it?": each part is answered and cited on its own, the answer joins them. A part
that lost its subject in the splitting (「由谁主持？」) gets the first part's subject back;
a part that leans on the one before (「还有哪些人参加？」) is asked as its follow-up.

The cues are the grammar of asking (an interrogative in each clause), not phrasings of any
question set: a clause without an interrogative is never split off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.followup import TIME_PHRASE, with_new_time

_ASK_ZH = r"谁|哪|什么|多少|几|何|吗|是否|怎样|怎么|如何"
_ASK_EN = r"\b(?:who|whom|whose|what|which|where|when|how|did|was|were|is|are)\b"
_ASK = re.compile(rf"{_ASK_ZH}|{_ASK_EN}", re.I)
_CLAUSE_END = re.compile(r"(?<=[？?；;])\s*")
_COMMA = re.compile(r"[，,、]\s*")
# 「2022年和2025年…分别…」: the same ask for each of several years (or dates).
_EACH_YEAR = re.compile(rf"({TIME_PHRASE})\s*(?:和|与|及|、)\s*({TIME_PHRASE})")
_EN_AND = re.compile(rf",?\s+and\s+(?={_ASK_EN})", re.I)
_LEANS = re.compile(r"^(还有|另外|其他|其中|此外|同时|那|这|他|她|它|此)")
_EN_BACK = re.compile(r"\b(it|its|he|she|him|her|they|them|their)\b", re.I)
# A later part that names its subject only generically (「会议由谁主持？」) means the first part's.
_GENERIC = re.compile(r"^(该会议?|本次会议|这次会议|此次会议|会议|会上|该活动|活动|该项目|项目|该公司|公司)")
# Where a Chinese subject ends: before the verb, preposition or interrogative that starts the ask.
_SUBJECT_END = re.compile(rf"(在|由|是|有(?!限)|于|以(?![后前来上下])|对|向|从|把|被|将|的(?:主持|地点|日期|时间)|召开|举行|举办|{_ASK_ZH})")
# A subject cut right after a verb (「区里接着开了」) is not a subject: the part is then a follow-up.
_VERB_TAIL = re.compile(r"(了|过|着|完|开|到|去|来|说|讲|做|作|看)$")


@dataclass(frozen=True)
class Part:
    """One ask of a question: its text, and whether it leans on the part before (a follow-up)."""

    text: str
    follows: bool = False


# 几 that counts rather than asks: 「那几年」「近几年」「几乎」「十几家」
_NOT_ASKING = re.compile(r"[那这前近头后]几(?:年|天|个月|次|届)|几年来|几乎|几十|十几|好几")


# 「专门商量怎么把老酒做起来的常委会」: a how-clause describing a noun (…的常委会) names what is asked about
_DESCRIBES = re.compile(r"(?:怎么|怎样|如何)[^，。？?]*的[\u4e00-\u9fff]{1,8}$")


def _asks(text: str) -> bool:
    return bool(_ASK.search(_NOT_ASKING.sub("", _DESCRIBES.sub("", text))))


# Where a named thing ends (…项目, …会议, …公司): what follows it before 多少/什么 is the attribute asked about.
_THING_END = re.compile(r"项目|会议|会|公司|集团|活动|工程|大赛|比赛|基地|产业园|园区|企业|仪式|中心|街道|学校|医院")


def subject_of(question: str) -> str:
    """The subject a Chinese ask opens with: 「2022年全区…会议在哪里召开？」 → 「2022年全区…会议」;
    「德国ITEM项目年产值多少？」 → 「德国ITEM项目」 (年产值 is what the first part asks, not its subject)."""
    m = _SUBJECT_END.search(question, 2)
    if not m:
        return ""
    subject = question[: m.start()].strip("，。？?、 ")
    if re.fullmatch(_ASK_ZH, m.group(0)):
        things = list(_THING_END.finditer(subject))
        if things and things[-1].end() < len(subject):
            subject = subject[: things[-1].end()]
    return subject


_EN_SUBJECT = re.compile(
    r"^\W*(?:where|when|how\s+\w+|what|who|which)\b.*?\b(?:was|were|did|is|are|does|do|will|has|have)\s+"
    r"(?P<subject>the\s+.+?|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)\s+(?:be\s+)?"
    r"(?:held|hold|convened|convene|take|took|open|opened|signed|sign|built|build|located|invest|investing|make|"
    r"making|produce|producing|start|started|begin|began|set|planned|plan|cost|chaired|launched|launch)\b", re.I)


def english_subject(question: str) -> str:
    """What an English ask is about: "Where was the June forum held" → "the June forum"; "" when unclear."""
    m = _EN_SUBJECT.search(question)
    if not m or re.search(r"\b(it|its|they|them|their|he|she)\b", m.group("subject"), re.I):
        return ""
    return m.group("subject")


def _years_split(question: str) -> list[str] | None:
    m = _EACH_YEAR.search(question)
    if not m or not re.search(r"分别|各(?=[干做任是当由在])", question):
        return None
    rest = re.sub(r"分别|各(?=[干做任是当由在])", "", question)
    return [rest[: m.start()] + year + rest[m.end() :] for year in (m.group(1), m.group(2))]


def _clauses(question: str) -> list[str]:
    """Clauses that each ask something: split at ？/；, else at commas between two asks, else at ", and who…"."""
    pieces = [p.strip() for p in _CLAUSE_END.split(question) if p.strip()]
    if len(pieces) >= 2:
        return pieces
    commas = [p.strip() for p in _COMMA.split(question) if p.strip()]
    asking = [i for i, c in enumerate(commas) if _asks(c)]
    if len(asking) >= 2:
        # clauses before the first ask (a topic, a time) stay with it: 「2022年那次会议，在哪里开，谁主持？」
        first = asking[0]
        out = ["，".join(commas[: first + 1])]
        for i in range(first + 1, len(commas)):
            if i in asking:
                out.append(commas[i])
            else:
                out[-1] += "，" + commas[i]
        return out
    return [p.strip() for p in _EN_AND.split(question) if p.strip()]


def _tidy(part: str) -> str:
    return re.sub(r"^(?:and|but|also)\s+", "", part.strip(), flags=re.I)


# An ask for the name of whoever the ask before asked for: no new ask of its own
_NAME_PLEASE = re.compile(r"^(?:那|他|她|此人|这人|这位|那位|对方)?(?:的)?(?:叫什么名字|叫什么|名字是什么|名字叫什么|姓甚名谁|叫啥|叫啥名字?)[？?。]?$")


def split_question(question: str) -> list[Part]:
    """The asks of a question, in order; a simple question is one part."""
    q = question.strip()
    by_year = _years_split(q)
    if by_year:
        # 「2023年和2024年…分别在哪里召开？各由谁作报告？」: each year's question may itself ask two things
        return [part for p in by_year for part in split_question(re.sub(r"各(?=由|是|在|有)", "", p))]
    clauses = [_tidy(c) for c in _clauses(q) if c]
    asking = [c for c in clauses if _asks(c)]
    if len(asking) < 2:
        return [Part(q)]
    # A clause without an interrogative (a topic, a time) belongs to the ask after it.
    merged: list[str] = []
    carry = ""
    for c in clauses:
        if not _asks(c):
            carry += c
            continue
        merged.append(carry + c)
        carry = ""
    if carry and merged:
        merged[-1] += carry
    subject = subject_of(merged[0])
    if _VERB_TAIL.search(subject):
        subject = ""
    parts = [Part(merged[0])]
    en_subject = english_subject(merged[0])
    for text in merged[1:]:
        if _NAME_PLEASE.match(text):
            # 「是哪个部门的负责人作的汇报？叫什么名字？」: the name of the one just asked for, one ask
            parts[-1] = Part(parts[-1].text.rstrip("？?") + "，" + text, follows=parts[-1].follows)
            continue
        if en_subject and (back := _EN_BACK.search(text)):
            # "…, and who chaired it?": "it" is what the first part asked about
            said = en_subject + "'s" if back.group(1).lower() in ("its", "their") else en_subject
            parts.append(Part(text[: back.start()] + said + text[back.end():]))
        elif _LEANS.match(text) or _EN_BACK.search(text) or with_new_time(merged[0], text):
            # 「到2026年又换成了谁？」: the first ask again for another time
            parts.append(Part(text, follows=True))
        elif (re.match(rf"^({_ASK_ZH}|由|在|是|有|于|共|一共|总|预计|同比|其|又)", text) or _GENERIC.match(text)
              or len(subject_of(text)) <= 2):
            bare = _GENERIC.sub("", text, count=1)
            parts.append(Part(subject + bare) if subject else Part(bare, follows=True))
        else:
            parts.append(Part(text))
    return parts
