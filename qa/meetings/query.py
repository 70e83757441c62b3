"""Answering from meeting records: pure functions over lists of meetings and title sightings.

`MeetingStore` calls these on the records its read model (qa.meetings.readmodel) holds; the
answer engine can call them on any list of meetings too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from qa.meetings.bodies import event_place, person_body, split_body
from qa.meetings.models import (
    Meeting,
    MeetingMatch,
    PersonMeeting,
    PersonProfile,
    Role,
    RoleAnswer,
    TitleHolder,
    TitleSighting,
    TitleSpan,
    Venue,
)

# Question words and role verbs carry nothing about which meeting is meant.
_QUESTION_NOISE = re.compile(
    r"谁|哪些|哪位|哪个|哪天|哪里|什么|是否|有没有|吗|呢|[？?！!，,。、\s]|主持人?|出席|参加|参与|讲话|讲了话|致辞|发言|带领|陪同|"
    r"召开|举行|举办|由|了|过|的|人员?|领导|会上|时|上"
)
_ORDINAL = re.compile(r"第\s*([0-9一二两三四五六七八九十百零〇]+)\s*(次|届|期)")
_YEAR_IN_NAME = re.compile(r"((?:19|20)\d{2})年")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A question must share at least this much of its distinctive text with a meeting's name.
MIN_MATCH_SCORE = 0.5
# Matches this close to the best are returned with it: `区政府党组（扩大）会议` names two meetings.
TIE_MARGIN = 0.02
_DEPUTY = ("副", "代理")


def chinese_number(text: str) -> int | None:
    """`18` → 18, `十八` → 18, `第一` → 1 (up to the hundreds)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _ordinals(text: str) -> set[tuple[int, str]]:
    return {(n, unit) for raw, unit in _ORDINAL.findall(text) if (n := chinese_number(raw)) is not None}


# Days in a question are filters, never part of a meeting's name (names hold years and ordinals only).
_DAY_IN_QUESTION = re.compile(r"(\d{4}年)?\d{1,2}月(\d{1,2}日)?(上午|下午|晚上)?|(上午|下午|晚上)")


# a numbered session or term, in whichever numerals it is written (第二十四次 = 第24次, 十九届 = 19届)
_NUMBERED = re.compile(r"(第?)\s*([0-9一二两三四五六七八九十百零〇]+)\s*(次|届|期)")


def _digits_numbered(text: str) -> str:
    def digits(m: re.Match) -> str:
        n = chinese_number(m.group(2))
        return f"{m.group(1)}{n}{m.group(3)}" if n is not None else m.group(0)

    return _NUMBERED.sub(digits, text)


def _bigrams(text: str) -> set[str]:
    pieces = _QUESTION_NOISE.split(_DAY_IN_QUESTION.sub(" ", _digits_numbered(text)))
    return {piece[i : i + 2] for piece in pieces for i in range(len(piece) - 1)}


def _conflicts(question: str, name: str) -> bool:
    """The question names another number than the meeting (第90次 vs 第88次, 2022年 vs 2023年)."""
    asked, named = _ordinals(question), _ordinals(name)
    for unit in {u for _, u in asked}:
        mine = {n for n, u in named if u == unit}
        if mine and not ({n for n, u in asked if u == unit} & mine):
            return True
    asked_years, named_years = set(_YEAR_IN_NAME.findall(question)), set(_YEAR_IN_NAME.findall(name))
    return bool(asked_years and named_years and not asked_years & named_years)


def _unnumbered(question: str, meeting: Meeting) -> bool:
    """The question asks for the Nth session (第七次) and neither the meeting nor its report numbers one."""
    asked = {unit for _, unit in _ordinals(question)}
    return "次" in asked and "次" not in {unit for _, unit in _ordinals(meeting.name + meeting.article_title)}


def named_share(question: str, name: str) -> float:
    """How much of a meeting's own name (its year aside) the question writes out: 1.0 for
    「2024年全区民营经济发展大会…」 and the 全区民营经济发展大会 of any year."""
    own = _bigrams(_YEAR_IN_NAME.sub(" ", name))
    return len(own & _bigrams(_YEAR_IN_NAME.sub(" ", question))) / len(own) if own else 0.0


def meeting_grams(meeting: Meeting) -> set[str]:
    """What a meeting is matched on: the bigrams of its own name and of its article's headline."""
    return _bigrams(meeting.name) | _bigrams(meeting.article_title)


def name_idf(gram_sets: list[set[str]]) -> dict[str, float]:
    """Each bigram's weight among these meetings: the rarer across their names, the more it says."""
    frequency = Counter(b for grams in gram_sets for b in grams)
    return {b: math.log(1 + len(gram_sets) / n) for b, n in frequency.items()}


def asked_bigrams(text: str, idf: dict[str, float]) -> set[str]:
    """The question's bigrams that some meeting name has."""
    return {b for b in _bigrams(text) if b in idf}


def match_meetings(
    text: str, meetings: list[Meeting], *, limit: int = 5, min_score: float = MIN_MATCH_SCORE
) -> list[MeetingMatch]:
    """Meetings whose name (or headline) best covers the question's distinctive characters, best first.

    Bigrams are weighted by rarity across all meeting names, so `第88次` and `奇瑞` count
    for more than `会议`; a different ordinal or year in the question rules a meeting out.
    """
    docs = [(m, meeting_grams(m)) for m in meetings]
    return score_meetings(text, docs, name_idf([grams for _, grams in docs]), limit=limit, min_score=min_score)


def score_meetings(
    text: str, docs: list[tuple[Meeting, set[str]]], idf: dict[str, float], *, limit: int = 5,
    min_score: float = MIN_MATCH_SCORE,
) -> list[MeetingMatch]:
    """`match_meetings` on meetings whose bigrams and weights are already known (the read model keeps them)."""
    asked = asked_bigrams(text, idf)
    if not docs or not asked:
        return []
    total = sum(idf[b] for b in asked)
    # a year the question names is no part of a name's words: 「2022年即墨区两会」 is not every 2022 meeting
    years = asked - asked_bigrams(_YEAR_IN_NAME.sub(" ", text), idf)
    scored: list[MeetingMatch] = []
    for meeting, grams in docs:
        if _conflicts(text, meeting.name) or _conflicts(text, meeting.article_title) or _unnumbered(text, meeting):
            continue  # 「第七次会议」 is not the 宪法宣誓仪式 after the 第三十二次 that its report's headline names
        common = asked & grams
        score = sum(idf[b] for b in common) / total
        if len(common - years) >= 2 and score >= min_score:
            own = sum(idf[b] for b in asked & _bigrams(meeting.name)) / total
            scored.append(MeetingMatch(meeting=meeting, score=round(score, 4), name_score=round(own, 4)))
    scored.sort(key=lambda m: (-m.score, -m.name_score, m.meeting.when or dt.date.min, m.meeting.id))
    return scored[:limit]


def best_matches(matches: list[MeetingMatch], margin: float = TIE_MARGIN) -> list[MeetingMatch]:
    """The best match and any that tie with it (the question cannot tell them apart)."""
    if not matches:
        return []
    tied = [m for m in matches if m.score >= matches[0].score - margin]
    # Events of one article share its headline: of those, the one whose own name fits best (the first told on ties).
    best: dict[str, MeetingMatch] = {}
    for m in tied:
        kept = best.get(m.meeting.article_id)
        if kept is None or m.name_score > kept.name_score + margin:
            best[m.meeting.article_id] = m
    return [m for m in tied if best[m.meeting.article_id] is m]


def in_range(day: dt.date | None, date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """Open bounds let everything through; an unknown day passes only unbounded filters."""
    if date_from is None and date_to is None:
        return True
    if day is None:
        return False
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def filter_meetings(meetings: Iterable[Meeting], date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[Meeting]:
    return [m for m in meetings if in_range(m.when, date_from, date_to)]


def role_answer(match: MeetingMatch, role: Role | None = None, venue: Venue | None = None) -> RoleAnswer:
    """The people of a matched meeting in one role (or all), optionally at one venue, each with their sentence."""
    people = [
        a for a in match.meeting.attendances if (role is None or a.role == role) and (venue is None or a.venue == venue)
    ]
    return RoleAnswer(meeting=match.meeting, score=match.score, role=role, attendances=people)


def person_meetings(
    person: str,
    meetings: Iterable[Meeting],
    *,
    roles: Iterable[Role] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[PersonMeeting]:
    """Every meeting where `person` had any of `roles` (default: any role), oldest first."""
    wanted = set(roles) if roles else None
    out: list[PersonMeeting] = []
    for meeting in meetings:
        mine = [a for a in meeting.attendances if a.person == person]
        if wanted is not None and not any(a.role in wanted for a in mine):
            continue
        if mine and in_range(meeting.when, date_from, date_to):
            out.append(PersonMeeting(meeting=meeting, roles=list(dict.fromkeys(a.role for a in mine)), attendances=mine))
    out.sort(key=lambda pm: (pm.meeting.when or dt.date.min, pm.meeting.id))
    return out


def title_sightings(meetings: Iterable[Meeting]) -> list[TitleSighting]:
    """Each title printed before a name, once per meeting, only where its sentence shows it."""
    seen: set[tuple[str, str, str]] = set()
    out: list[TitleSighting] = []
    for meeting in meetings:
        for a in meeting.attendances:
            for title in a.titles:
                key = (a.person, title, meeting.id)
                # Speaker records borrow titles from elsewhere in the article; cite only printings.
                if key in seen or title not in a.evidence.quote:
                    continue
                seen.add(key)
                # the event's place, else its report's (胶州市重点项目集中签约): 市长 there is 胶州市's
                context = event_place(meeting.name) or event_place(meeting.article_title)
                body = person_body(a.titles[: a.titles.index(title) + 1], context) or a.body
                out.append(TitleSighting(person=a.person, title=title, body=body, date=meeting.when, meeting_id=meeting.id,
                                         evidence=a.evidence))
        # 「任命郜明川为区农业农村局局长，免去其移风店镇党委书记职务」: the post held from that day, and the one
        # held until it
        context = event_place(meeting.name) or event_place(meeting.article_title)
        for appointed in meeting.appointments:
            for title in filter(None, (appointed.title, appointed.former_title)):
                key = (appointed.person, title, meeting.id)
                if key not in seen:
                    seen.add(key)
                    out.append(TitleSighting(person=appointed.person, title=title, body=person_body([title], context),
                                             date=meeting.when, meeting_id=meeting.id, evidence=appointed.evidence))
    return out


def timeline(sightings: Iterable[TitleSighting]) -> list[TitleSpan]:
    """Titles with first and last dates seen, in the order they were first held."""
    by_title: dict[tuple[str, str | None], list[TitleSighting]] = defaultdict(list)
    for s in sightings:
        by_title[(s.title, s.body)].append(s)
    spans = []
    for (title, body), group in by_title.items():
        group.sort(key=lambda s: (s.date or dt.date.min, s.meeting_id))
        dates = [s.date for s in group if s.date]
        spans.append(TitleSpan(title=title, body=body, first_seen=min(dates, default=None), last_seen=max(dates, default=None),
                               sightings=group))
    spans.sort(key=lambda t: (t.first_seen or dt.date.min, t.title))
    return spans


def titles_at(
    sightings: Iterable[TitleSighting],
    *,
    at: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[TitleSpan]:
    """A person's titles printed in a period, or held across a day (seen on or before and on or after it)."""
    sightings = list(sightings)
    if at is None:
        return timeline(s for s in sightings if in_range(s.date, date_from, date_to))
    return [t for t in timeline(sightings) if t.first_seen and t.last_seen and t.first_seen <= at <= t.last_seen]


def title_matches(asked: str, title: str) -> bool:
    """`区长` matches `区长` but not `副区长`; `人大常委会主任` matches `区人大常委会主任`."""
    asked = asked.strip()
    if not asked or not title.endswith(asked):
        return False
    qualifier = title[: -len(asked)]
    return not qualifier.endswith(_DEPUTY) and not qualifier.endswith("常务副")


def holders(
    sightings: Iterable[TitleSighting],
    title: str,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    body: str | None = None,
) -> list[TitleHolder]:
    """Who was printed with a title in a period, longest-serving first, with the printings.

    `body`: only titles held there (`即墨区`); a title asked with its place (`城阳区区长`) is
    matched on the place's sightings whatever `body` says.
    """
    place, bare = split_body(title)
    if place:
        title, body = bare, place
    by_person: dict[tuple[str, str], list[TitleSighting]] = defaultdict(list)
    for s in sightings:
        printed_place, printed_bare = split_body(s.title)
        matches = title_matches(title, s.title) or (printed_place is not None and title_matches(title, printed_bare))
        if matches and in_range(s.date, date_from, date_to) and (body is None or s.body == body):
            by_person[(s.person, s.title)].append(s)
    out = []
    for (person, printed), group in by_person.items():
        group.sort(key=lambda s: (s.date or dt.date.min, s.meeting_id))
        dates = [s.date for s in group if s.date]
        out.append(
            TitleHolder(person=person, title=printed, body=group[-1].body, first_seen=min(dates, default=None),
                        last_seen=max(dates, default=None), sightings=group)
        )
    out.sort(key=lambda h: (-len(h.sightings), h.first_seen or dt.date.min, h.person))
    return out


def profile(name: str, meetings: Iterable[Meeting]) -> PersonProfile | None:
    """A person's titles over time and every meeting they appear in; None if never recorded."""
    meetings = list(meetings)
    attended = person_meetings(name, meetings)
    if not attended:
        return None
    return PersonProfile(name=name, titles=timeline(s for s in title_sightings(meetings) if s.person == name), meetings=attended)


def mentioned(text: str, vocabulary: Iterable[str]) -> list[str]:
    """Known names or titles that occur in `text`, longest first, without overlaps."""
    found: list[str] = []
    taken = [False] * len(text)
    for word in sorted(set(vocabulary), key=len, reverse=True):
        start = text.find(word)
        while start != -1:
            if not any(taken[start : start + len(word)]):
                found.append(word)
                for k in range(start, start + len(word)):
                    taken[k] = True
                break
            start = text.find(word, start + 1)
    return sorted(found, key=text.find)


def period(text: str, *, end: bool) -> dt.date:
    """`2023` / `2023-02` / `2023-02-24` as the first (or, with end=True, last) day it covers."""
    m = re.fullmatch(r"\s*(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?\s*", text)
    if not m:
        raise ValueError(f"无法识别的日期：{text}（请写成 2023、2023-02 或 2023-02-24）")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if day:
        return dt.date(year, int(month), int(day))
    if month:
        first = dt.date(year, int(month), 1)
        if not end:
            return first
        following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
