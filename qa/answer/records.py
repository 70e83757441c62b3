"""The meeting records as the answer engine uses them: routes become sentences with evidence."""

from __future__ import annotations

import datetime as dt
import re

from qa.answer.models import Evidence, RecordAnswer, cn_date
from qa.answer.followup import Focus
from qa.answer.route import TITLES, Route, said_forms
from qa.answer.relevance import nominal
from qa.answer.select import ASKS_OTHER_PARTY, ASKS_OTHER_PARTY_EN, content_terms
from qa.answer.when import REPORT_LAG, Window
from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning
from qa.meetings.bodies import same_post, split_body
from qa.meetings.models import HOME_BODY, ROLE_LABELS, Evidence as RecordEvidence, Meeting, MeetingMatch, RoleAnswer, TitleSpan
from qa.meetings.query import asked_bigrams, meeting_grams, role_answer
from qa.meetings.store import MeetingStore

# Roles a person-meetings question may ask about by name; 出席 and 参加 mean any taking part.
_ROLE_QUESTIONS = {"chair", "speaker", "leader", "observer", "accompany", "meet", "witness", "inspector", "viewer"}


def held_within(meeting: Meeting, window: Window) -> bool:
    """Whether a meeting can be the one a question dates: its own day in the window, or, dated vaguely,
    reported within the window (or soon after it)."""
    if meeting.date and not meeting.date_approximate:
        last = meeting.date_end or meeting.date
        return meeting.date <= window.end and last >= window.start
    ref = meeting.date or meeting.issue_date
    if ref is None:
        return True  # nothing to rule it out with
    return window.start <= ref <= window.end + REPORT_LAG


def period(year: int | None, date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The days both the question's year and the user's date filter allow (either may be open).

    Empty (start after end) when they do not overlap: then nothing in the records is asked about.
    """
    start, end = date_from, date_to
    if year is not None:
        start = max(start or dt.date.min, dt.date(year, 1, 1))
        end = min(end or dt.date.max, dt.date(year, 12, 31))
    return start, end


# 「欧阳振华到潮海街道，检查了…」: the place a person's own clause says they went to
_WENT_TO = re.compile(r"^(?:一行)?(?:带队|率队)?(?:先后)?(?:到|赴|前往|深入)([\u4e00-\u9fff]{2,16}?)(?:[，,。；、]|检查|调研|督导|察看|查看|走访|视察|考察|慰问|开展)")


def is_post(title: str) -> bool:
    """A post, not how a report groups people (「区领导欧阳振邦、矫玉芬…」: 区领导 is nobody's post)."""
    return not title.endswith("领导")


# a place that says no more than that each went somewhere (「各自联系镇街」)
_NO_PLACE = re.compile(r"各自|分别|各镇街|联系镇街")


def _went_to(quote: str, person: str) -> str | None:
    at = "".join(quote.split()).find(person)
    m = _WENT_TO.match("".join(quote.split())[at + len(person):]) if at >= 0 else None
    return "到" + m.group(1) if m else None


def _told_apart(question: str, found: list[RoleAnswer]) -> RoleAnswer:
    """Of meetings whose names match equally (区政协十二届常委会第九次会议, …第十次会议), the one whose own
    sentences hold more of the question's other words (「专门商量即墨老酒的那次」), else the first."""
    if len(found) < 2:
        return found[0]
    names = "".join(f.meeting.name + f.meeting.article_title for f in found)
    words = [t for t in content_terms(question) if len(t) >= 2 and t not in names]
    said = sorted(((sum(w in f.meeting.text for w in words), -n) for n, f in enumerate(found)), reverse=True)
    return found[-said[0][1]] if said[0][0] > said[1][0] else found[0]


def _empty(start: dt.date | None, end: dt.date | None) -> bool:
    return start is not None and end is not None and start > end


# A speaker question that names the kind of speech: only those the report says gave that one.
_SPEECH_KIND = re.compile(r"作[^，。？]{0,6}报告|通报|汇报|辅导|授课|讲课|宣讲|领学|\bbrief")
_OBSERVER_KIND = re.compile(r"列席指导")
# Kinds of speech a user may name for one another: a report, a lecture
_SPEECH_GROUPS = [("报告", "汇报", "通报"), ("辅导", "授课", "讲课", "宣讲", "领学")]
# words for speaking and for who spoke, no qualifier of the speaker (讲话的领导, 发言人)
_ROLE_NOUN = re.compile(r"讲话|发言|致辞|领导|人员|同志|会议|大会|会上")


def _clause_of(person: str, sentence: str, stops: str = "，；。") -> str:
    """The clause of a sentence that names the person, up to the next comma: where their own verb stands.
    With `stops="；。"`, the part of a roundup sentence about one leader's stop and who went with them."""
    at = sentence.find(person)
    if at < 0:
        return sentence
    start = max(sentence.rfind(p, 0, at) for p in stops) + 1
    ends = [i for i in (sentence.find(p, at) for p in stops) if i >= 0]
    return sentence[start:min(ends) if ends else len(sentence)]


# A post printed right before a name in an event's name: dropped with the name, or the post would read as
# a title before whatever follows (「副市长来我区」 looks like 副市长 + a person 来我区)
_POST_BEFORE = re.compile(r"(?:常务)?副?(?:区长|市长|县长|省长|书记|主任|主席|部长|局长|秘书长)$|(?:董事长|总经理|院长|会长|主席|总裁)$")


def _without_people(name: str, people: set[str]) -> str:
    """An event's name without the people in it (「孙杰到蓝村街道调研」 → 「到蓝村街道调研」,
    「青岛市副市长阚怀远来我区调研」 → 「青岛市领导来我区调研」)."""
    for person in sorted(people, key=len, reverse=True):
        if len(person) >= 2 and person in name and name.replace(person, "").strip():
            i = name.index(person)
            post = _POST_BEFORE.search(name[:i])
            if post:
                guest = re.search(r"董事长|总经理|院长|会长|总裁", post.group(0))
                name = name[:post.start()] + ("客人" if guest else "领导") + name[i + len(person):]
            else:
                name = name.replace(person, "")
    return name


def _ev(e: RecordEvidence) -> Evidence:
    return Evidence(e.article_id, e.title, e.issue_no, e.issue_date, e.source, e.quote)


def _with_body(span: TitleSpan) -> str:
    """A post held outside the district with its body, as the paper writes it (胶州市委副书记, 胶州市长); the
    district's own posts as printed."""
    body = span.body
    if not body or body == HOME_BODY or span.title.startswith(body) or not re.fullmatch(r"[\u4e00-\u9fff]{2,6}[市区县省]", body):
        return span.title
    return (body[:-1] if span.title.startswith(body[-1]) else body) + span.title


def _span_years(span: TitleSpan) -> str:
    first, last = span.first_seen, span.last_seen
    if not first:
        return ""
    return f"{first.year}年" if not last or last.year == first.year else f"{first.year}—{last.year}年"


# Roles users name loosely: 「参会」「到会」 for a report's 出席, and the other way round.
_NEAR_ROLE = {"participant": ("attendee",), "attendee": ("participant",)}


class MeetingRecords:
    """Answers chair/attendee/participant/role/aggregate questions from a MeetingStore."""

    def __init__(self, store: MeetingStore, tuning: AnswerTuning = DEFAULT_TUNING):
        self.store, self.tuning = store, tuning
        self._people: set[str] | None = None

    def known_people(self) -> frozenset[str]:
        # frozen: it keys the per-archive caches of the question readers (normalise.with_archive_names)
        if self._people is None:
            self._people = frozenset(self.store.known_people())
        return self._people

    def known_titles(self) -> set[str]:
        """Every title the paper printed before a name: the vocabulary a question's title is read against."""
        if getattr(self, "_titles", None) is None:
            self._titles = set(self.store.known_titles()) if hasattr(self.store, "known_titles") else set()
        return self._titles

    def answer(self, question: str, r: Route, date_from: dt.date | None, date_to: dt.date | None,
               window: Window | None = None, articles: list[str] = ()) -> RecordAnswer | None:
        """What the records say; `window` is the time the question itself names (a meeting outside it is
        not the one); `articles`, the articles retrieval found for the question, best first."""
        if r.kind == "meeting":
            return self._who(question, r, date_from, date_to, window, articles)
        if r.kind == "person_meetings":
            return self._meetings_of(r, date_from, date_to)
        # the user's date filter applies to every route, posts and office holders too
        if r.kind == "person_role":
            return self._titles_of(r, date_from, date_to)
        if r.kind == "title_holder":
            return self._holders(r, date_from, date_to)
        return None

    def _who(self, question, r: Route, date_from, date_to, window: Window | None = None,
             articles: list[str] = ()) -> RecordAnswer | None:
        role = None if r.role == "any" else r.role
        # 「到会的有哪几位」 says neither 出席 nor 参加: when the report lists no one under the one asked, the
        # other is what the user meant; the answer's label says which the report used
        for role in (role, *_NEAR_ROLE.get(role, ())):
            found = self.store.who(question, role, date_from=date_from, date_to=date_to,
                                   min_score=self.tuning.meeting_min_match, margin=self.tuning.meeting_tie_margin)
            if window is not None:
                found = [f for f in found if held_within(f.meeting, window)]
            if (not found or not found[0].attendances) and articles:
                found = self._in_articles(articles, role, date_from, date_to, window)
            if (not found or not found[0].attendances) and window is not None and window.precision in ("day", "month"):
                found = self._held_that_day(question, role, window, date_from, date_to)
            if found and found[0].attendances:
                break
        if not found or not found[0].attendances:
            return None
        best = _told_apart(question, found)
        attendances = best.attendances
        if "分会场" in question:
            attendances = [a for a in attendances if a.venue == "branch"] or attendances
        elif "主会场" in question or "市领导" in question:
            attendances = [a for a in attendances if a.venue == "main"] or attendances
        if r.count and role is None:
            # 「几位区领导分头下到镇街」: the leaders themselves, not the bureau chiefs who went along with them
            attendances = [a for a in attendances if a.role != "accompany"] or attendances
        asked_titles = self._titles_in(question, best.meeting.name)
        if asked_titles:
            # 「哪些副区长参加」, 「常务副区长和副区长几位」: only those the report titles so (a 常务副区长 is a 副区长 too)
            titled = [a for a in attendances if any(t in held for t in asked_titles for held in a.titles)]
            if not titled and role in ("accompany", "participant", "attendee"):
                # 「跟着去的政协副主席是哪两位」: the post asked is what the report says; the user's verb for going
                # along (跟着) may be the report's 参加视察 rather than 陪同
                titled = [a for a in best.meeting.attendances if a.role in ("accompany", "participant", "attendee")
                          and any(t in held for t in asked_titles for held in a.titles)]
                role = titled[0].role if titled and len({a.role for a in titled}) == 1 else role
            attendances = titled or attendances
        if r.person and role == "accompany" and len(attendances) > 1:
            # 「区领导分别到……，孙杰到温泉街道时是谁陪同的」: those who went with him, printed in his part of the report
            with_him = [a for a in attendances if r.person in _clause_of(a.person, a.evidence.quote, "；。")]
            attendances = with_him or attendances
        kind = _SPEECH_KIND.search(question) if role == "speaker" else _OBSERVER_KIND.search(question) if role == "observer" else None
        if kind:
            # 「谁作的工作报告」「谁通报了进展」「谁列席指导」: the one whose own clause says so, not everyone who
            # spoke or sat in; when no record says it, the text may (None: retrieval reads the report)
            # the user's word or its near ones (汇报 for one who 作工作报告; 宣讲 for one who 辅导)
            asked = "报告" if kind.group(0).lower() == "brief" else kind.group(0)[-2:]  # "who briefed the meeting"
            words = next((g for g in _SPEECH_GROUPS if asked in g), (asked,))
            said = [a for a in attendances if any(w in _clause_of(a.person, a.evidence.quote) for w in words)]
            if not said:
                return None
            attendances = said
        elif role == "speaker" and len(attendances) > 1:
            # 「作为企业家代表发言的是谁」: the question's own words for the speaker (not the meeting's) pick
            # those whose clause says them, when some clauses do and others do not
            words = [t for t in content_terms(question) if len(t) >= 2 and t not in best.meeting.name
                     and t not in best.meeting.article_title and nominal(t) and not _ROLE_NOUN.fullmatch(t)]
            said = [a for a in attendances if any(w in _clause_of(a.person, a.evidence.quote) for w in words)]
            attendances = said if said and len(said) < len(attendances) else attendances
        names = list(dict.fromkeys(a.person for a in attendances))
        if r.person and names == [r.person] and (ASKS_OTHER_PARTY.search(question) or ASKS_OTHER_PARTY_EN.search(question)):
            return None  # 「孙杰会见了谁」: not 孙杰 himself but whom he met, which the text names
        meeting, who = best.meeting, "、".join(names)
        label = ROLE_LABELS.get(role, "参加") if role else "参加"
        # 「陪同孙杰到…调研的有：逄锦涛」 would name the host as if among those asked for; the citation keeps
        # the headline, the label drops names the list does not hold
        event = _without_people(meeting.name, {a.person for a in meeting.attendances} - set(names))
        if r.count:
            # a count is the list counted: the names are the evidence, the number is theirs
            kind = "、".join(asked_titles) if asked_titles else "人"
            text = f"{label}{event}的{kind}共{len(names)}位：{who}。"
        elif role in ("chair", "leader"):
            text = f"{meeting.name}由{who}{ROLE_LABELS[role]}。"
        elif role == "speaker":
            text = f"在{event}上讲话或致辞的有：{who}。"
        else:
            text = f"{label}{event}的有：{who}。"
        evidence = list(dict.fromkeys(_ev(a.evidence) for a in attendances))
        return RecordAnswer([(text, evidence)], Focus(person=names[0] if len(names) == 1 else None, meeting=meeting.name,
                                                          when=meeting.when.isoformat() if meeting.when else None),
                            set(names), derived={str(len(names))} if r.count else set())

    def _titles_in(self, question: str, meeting_name: str) -> list[str]:
        """The posts a question names (longest first, each place in the question once), not those in the meeting's name."""
        text = question.replace(meeting_name, "")
        found = []
        # 「政协副主席」 asked of the district's 区政协副主席: the post as people say it
        said = {s for t in self.known_titles() | set(TITLES) if is_post(t) for s in said_forms(t)}
        for title in sorted(said, key=len, reverse=True):
            if len(title) >= 2 and title in text:
                found.append(title)
                text = text.replace(title, "□")
        return found

    def _in_articles(self, articles: list[str], role, date_from, date_to, window) -> list[RoleAnswer]:
        """The meetings told by the articles retrieval found for the question (best article first) that
        have someone in the role asked: how a question names a meeting in other words (or in English)."""
        by_article: dict[str, list[Meeting]] = {}
        for m in self.store.meetings(date_from=date_from, date_to=date_to):
            by_article.setdefault(m.article_id, []).append(m)
        for article_id in articles:
            for m in by_article.get(article_id, []):
                if window is not None and not held_within(m, window):
                    continue
                answer = role_answer(MeetingMatch(meeting=m, score=0.0), role)
                if answer.attendances:
                    return [answer]
        return []

    def _held_that_day(self, question: str, role, window: Window, date_from, date_to) -> list[RoleAnswer]:
        """The meeting of the day a question names, when its name is said in other words ("the marine economy
        meeting held on 10 September 2025"): of that day's meetings with someone in the role, the one whose
        name shares most with the question, or the only one."""
        held = [m for m in self.store.meetings(date_from=window.start, date_to=window.end + REPORT_LAG)
                if held_within(m, window) and (date_from is None or (m.when or date_from) >= date_from)
                and (date_to is None or (m.when or date_to) <= date_to)]
        answers = [a for m in held if (a := role_answer(MeetingMatch(meeting=m, score=0.0), role)).attendances]
        if window.precision == "month":
            # a month holds many meetings: 「7月初那次区人大常委会例会」 is one of the body it names (its name
            # shares a few pieces with the question), the only one that month
            answers = [a for a in answers if len(asked_bigrams(question, dict.fromkeys(meeting_grams(a.meeting), 1.0))) >= 3]
        if len(answers) <= 1:
            return answers
        # the one sharing most of the question's two-character pieces (its name and headline), each weighed by
        # how rare it is among all the archive's meeting names (建设 is in many, 现场 in few), if one shares
        # more than every other
        grams = [meeting_grams(a.meeting) for a in answers]
        weight = self.store.name_weights() if hasattr(self.store, "name_weights") else {}
        asked = asked_bigrams(question, dict.fromkeys(set().union(*grams), 1.0))  # the day itself left out
        shared = sorted(((round(sum(weight.get(b, 1.0) for b in asked & g), 6), n) for n, g in enumerate(grams)),
                        reverse=True)
        if shared[0][0] == 0 or shared[0][0] == shared[1][0]:
            return []  # two meetings that day and nothing to tell them apart: no guess
        return [answers[shared[0][1]]]

    def _meetings_of(self, r: Route, date_from, date_to) -> RecordAnswer | None:
        roles = [r.role] if r.role in _ROLE_QUESTIONS else None
        date_from, date_to = period(r.year, date_from, date_to)
        printed = None
        if r.date:
            try:
                day = dt.date(*r.date)
            except ValueError:
                return None  # 「2月30日」: no such day, so nothing happened on it
            if r.in_issue:
                # what the issue of that day reported: the days before it came out
                printed, day = day, day - REPORT_LAG
                date_from, date_to = max(date_from or day, day), min(date_to or printed, printed)
            else:
                date_from, date_to = max(date_from or day, day), min(date_to or day, day)
        if _empty(date_from, date_to):
            return None
        found = self.store.meetings_of(r.person, roles=roles, date_from=date_from, date_to=date_to)
        if printed is not None:
            found = [pm for pm in found if pm.meeting.issue_date == printed]
        if not found:
            return None
        verb = ROLE_LABELS[r.role] if roles else "出席或参加"
        # no count and no list numbers: every figure in an answer must be one the paper printed
        lines = [(f"据报纸记载，{r.person}{verb}过以下会议或活动：", [])]
        for pm in found:
            m = pm.meeting
            when = cn_date(m.date) + ("前后" if m.date_approximate else "") if m.date else "日期不详"
            roles_text = "、".join(dict.fromkeys(ROLE_LABELS[x] for x in pm.roles))
            evidence = list(dict.fromkeys(_ev(a.evidence) for a in pm.attendances))
            # 「区领导分别到镇街检查」: where this person went is in their own clause, not the event's name
            went = [p for a in pm.attendances if (p := _went_to(a.evidence.quote, r.person)) and p not in m.name]
            if not went and m.place and m.place not in m.name and not _NO_PLACE.search(m.place):
                # 「…会议（会后）」 says what it followed, not where they went: the event's own place does
                went = [f"在{m.place}"]
            where = f"，{'、'.join(dict.fromkeys(went))}" if went else ""
            lines.append((f"- {when} {m.name}（{roles_text}{where}）", evidence))
        # one meeting found: 「它在哪天开的」 next refers to it
        only = found[0].meeting if len(found) == 1 else None
        focus = Focus(person=r.person, meeting=only.name if only else None,
                      when=only.when.isoformat() if only and only.when else None)
        return RecordAnswer(lines, focus, {r.person})

    def _titles_of(self, r: Route, date_from: dt.date | None = None, date_to: dt.date | None = None) -> RecordAnswer | None:
        start, end = period(r.year, date_from, date_to)
        if _empty(start, end):
            return None
        spans = self.store.titles_of(r.person, date_from=start, date_to=end)
        spans = [s for s in spans if is_post(s.title)] or spans
        if r.year and r.month:
            # 「2023年2月…是什么职务」: the posts printed around that month, if any were
            at = dt.date(r.year, r.month, 15)
            spans = [s for s in spans if any(x.date and abs((x.date - at).days) <= 62 for x in s.sightings)] or spans
        if not spans:
            return None
        # as the paper chains them (区委常委、副区长): by where the latest printing puts each post
        latest = max((x for s in spans for x in s.sightings), key=lambda x: x.date or dt.date.min).evidence.quote
        spans = sorted(spans, key=lambda s: (s.title not in latest, latest.find(s.title), s.first_seen or dt.date.min))
        filtered = bool(date_from or date_to)
        # a filter's dates are not in any article: the answer names the range without them (the UI shows it)
        when = f"{r.year}年" if r.year else "在所选日期范围内" if filtered else ""
        parts, evidence = [], []
        for span in spans:
            years = "" if r.year or filtered else f"（{_span_years(span)}）" if _span_years(span) else ""
            parts.append(f"{_with_body(span)}{years}")
            evidence.append(_ev(span.sightings[-1].evidence))
        text = f"{r.person}{when}的职务：{'、'.join(parts)}。"
        return RecordAnswer([(text, list(dict.fromkeys(evidence)))], Focus(person=r.person), {r.person})

    def _holders(self, r: Route, date_from: dt.date | None = None, date_to: dt.date | None = None) -> RecordAnswer | None:
        start, end = period(r.year, date_from, date_to)
        if _empty(start, end):
            return None
        holders = self.store.holders_of(r.title, date_from=start, date_to=end)
        # the same office's post printed long or short (区住建局局长, 区住房城乡建设局局长): one post
        for other in sorted(t for t in self.known_titles() if t != r.title and same_post(r.title, t)):
            seen = {h.person for h in holders}
            holders = holders + [h for h in self.store.holders_of(other, date_from=start, date_to=end) if h.person not in seen]
        if not holders:
            # 「区委组织部部长」 asked where the paper prints 「区委常委、组织部部长」: the post under a shorter
            # printed name the archive knows, in the same body
            place, post = split_body(r.title)
            for k in range(1, len(post) - 3):
                if post[k:] in self.known_titles():
                    holders = self.store.holders_of((place or "") + post[k:], date_from=start, date_to=end)
                    break
        if r.year and r.month:
            at = dt.date(r.year, r.month, 15)
            near = sorted(holders, key=lambda h: min(abs(((s.date or at) - at).days) for s in h.sightings))
            holders = near[:1] or holders
        if not holders:
            return None
        if r.year:
            names = "、".join(h.person for h in holders)
            text = f"{r.year}年的{r.title}：{names}。"
        elif date_from or date_to:
            # 「（2023年起）」 would be the first printing inside the filter, not when the post began
            text = f"所选日期范围内报纸记载的{r.title}：{'、'.join(h.person for h in holders)}。"
        else:
            names = "、".join(f"{h.person}（{h.first_seen.year if h.first_seen else ''}年起）" for h in holders)
            text = f"报纸记载的{r.title}：{names}。"
        # the first printing grounds 「（2021年起）」, the last one that the post was still held
        shown = [h.sightings[-1] for h in holders] if r.year or date_from or date_to else \
            [s for h in holders for s in (h.sightings[0], h.sightings[-1])]
        evidence = list(dict.fromkeys(_ev(s.evidence) for s in shown))
        person = holders[0].person if len(holders) == 1 else None
        return RecordAnswer([(re.sub(r"（年起）", "", text), evidence)], Focus(person=person, title=r.title),
                            {h.person for h in holders})
