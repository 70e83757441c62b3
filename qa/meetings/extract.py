"""Meetings from articles: pure functions over the formulaic language of meeting reports.

A report names its people in chains like `区委副书记、区长张元升，区政协主席于澎出席会议`:
titles accumulate until a name, a verb after the last name gives everyone in the chain
its role. Every field keeps the sentence it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.corpus.models import Article, Issue
from qa.meetings.dates import resolve_date
from qa.meetings.models import Attendance, Evidence, Meeting, Role, Venue
from qa.meetings.names import PersonPart, is_title, parse_person_part

# Bump when extraction changes, so stores re-extract issues whose text has not changed.
EXTRACTOR_VERSION = 1

_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】"}
_MASK = "＿"
_SENTENCE_END = "。！？"
_CLAUSE_SEPS = "，、；：,"
_SUBTITLE_SEPS = _CLAUSE_SEPS + " "

_ROLE_VERBS: list[tuple[str, Role]] = [
    ("主持召开", "chair"),
    ("组织召开", "convener"),
    ("主持", "chair"),
    ("出席", "attendee"),
    ("参加", "participant"),
    ("参与", "participant"),
    ("带领", "leader"),
    ("率领", "leader"),
    ("率队", "leader"),
    ("率", "leader"),
    ("陪同", "accompany"),
    ("走访", "leader"),
    ("视察", "leader"),
    ("调研", "leader"),
    ("考察", "leader"),
    ("督导", "leader"),
    ("看望", "leader"),
    ("慰问", "leader"),
    ("作", "speaker"),
]
_VERB_ROLE = dict(_ROLE_VERBS)
_VERB = re.compile("|".join(sorted((re.escape(v) for v, _ in _ROLE_VERBS), key=len, reverse=True)))
_VISIT_VERBS = {"走访", "视察", "调研", "考察", "督导", "看望", "慰问"}
# `作` and `率` are roles only as `作…讲话/报告` and `率…代表团/队`, never in 工作/作为/利用率.
_TALK_AFTER_ZUO = re.compile(r"^(?![为出])[^，。；]{0,40}?(讲话|报告|宣讲|发言|辅导|动员)")
_GROUP_AFTER_LV = re.compile(r"^[^，。；]{0,15}?(代表团|考察团|工作组|调研组|检查组|督导组|团|队|一行)")
_NEEDS_OBJECT = {"作": _TALK_AFTER_ZUO, "率": _GROUP_AFTER_LV}
_ALSO_SPOKE = re.compile(r"^[^，。；]*?并(?:作)?(?:重要)?(?:讲话|致辞|发言)")
_PASSIVE_CHAIR = re.compile(r"由(?P<subj>[^，。；]+?)主持")
# `出席会议的区领导还有刘伟、闫丕云`: the verb first, the names after 有.
_LIST_AFTER_VERB = re.compile(r"^(?P<verb>出席|参加|参与|陪同)[^，。；、]{0,12}?的(?P<title>[^，。；、]{0,8}?)(?:还|也)?有(?P<first>.+)$")
_LEADING_ADVERB = re.compile(r"^(会上|会前|会后|随后|同时|期间|其间|此外|另外)")
_TRAILING_ADVERB = re.compile(r"(先后|一行|分别|一同|共同|专程|亲自|再次|还|也|又|均|等一行)$")
_VISIT_HEAD = re.compile(r"^(?P<head>.+?)(?:先后|一行|专程)?(?:到|赴|深入|来到|前往|在)")
_SPOKE = re.compile(
    r"^(?:同志)?(?:在[^，。；]{0,15}?(?:时|中|上|后|期间))?(?:强调|指出|表示|说(?!明)|要求|致辞|讲话|发言|通报|提出|寄语|作(?![为出]))"
)

_MEETING_NOUNS = (
    r"(?:会议|例会|座谈会|观摩会|推进会|现场会|发布会|对接会|见面会|交流会|研讨会|报告会|动员会|部署会|调度会|培训会|"
    r"大会|论坛|仪式|典礼|活动|大赛|比赛|运动会|开放日|培训班|展览会|博览会|洽谈会|启动会|联席会|会)"
)
_HELD = r"(?:召开|举行|举办|开幕|启动)"
_NAME_AFTER_VERB = re.compile(r"(?:主持召开|组织召开|召开|举行|举办|开展)了?(?!的)(?P<name>[^，。；]*?" + _MEETING_NOUNS + r")(?![^，。；]*" + _MEETING_NOUNS + r")")
_NAME_BEFORE_VERB = re.compile(r"^(?P<name>[^，。；]+?" + _MEETING_NOUNS + r")(?:在(?P<place>[^，。；]{2,30}?))?" + _HELD)
_ORG_MEETS = re.compile(r"^(?P<org>[^，。；]{2,20}?)召开(?P<kind>(?:全体|常务|专题|扩大)?会议)")
_SPONSOR_PREFIX = re.compile(r"^由[^，。；]+?(?:主办|举办|承办|组织|联合举办|联合主办)的")
_GENERIC_NAMES = {"会议", "全体会议", "常务会议", "专题会议", "扩大会议", "会", "座谈会", "活动"}
_NOT_ORGANISERS = {"我区", "全区", "我市", "全市", "我省", "我县", "我镇"}
_HEADLINE_EVENT = re.compile(r"(召开|举行|举办|开幕|闭幕|启动|走访|视察|调研|考察|观摩|慰问|督导)")
_HEADLINE_LEADING_ACTOR = re.compile(r"^[^，。；]{2,6}?(?:主持召开|组织召开|召开)")
_HEADLINE_TRAILING = re.compile(r"(?:在[^，。；]{2,15}?)?" + _HELD + r"$")
_PLACE = re.compile(r"在(?P<place>[^，。；在]{2,30}?)(?P<verb>设分会场|" + _HELD + r")")
_PLACE_LEADING = re.compile(r"^(?:分别|同时|共同)")


@dataclass(frozen=True)
class _Sentence:
    text: str
    masked: str
    start: int
    part: str = "body"


@dataclass(frozen=True)
class _Clause:
    text: str
    masked: str
    sep: str = ""


@dataclass
class _Found:
    person: str
    role: Role
    titles: list[str]
    venue: Venue
    sentence: _Sentence


def mask_brackets(text: str) -> str:
    """Blank out what stands inside balanced quotes and brackets, keeping the length.

    Commas and 。 inside `“推广使用清洁煤炭，建设生态文明城市”` must not split clauses.
    """
    chars = list(text)
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif stack and ch == _PAIRS[stack[-1][0]]:
            _, opened = stack.pop()
            if not stack:
                for k in range(opened + 1, i):
                    chars[k] = _MASK
    return "".join(chars)


def split_sentences(body: str) -> list[_Sentence]:
    """Sentences ending in 。！？ (outside quotes), with their offsets in the body."""
    sentences: list[_Sentence] = []
    offset = 0
    for line in body.split("\n"):
        masked = mask_brackets(line)
        begin = 0
        for i, ch in enumerate(masked):
            if ch in _SENTENCE_END:
                _add_sentence(sentences, line, masked, begin, i + 1, offset)
                begin = i + 1
        _add_sentence(sentences, line, masked, begin, len(line), offset)
        offset += len(line) + 1
    return sentences


def _add_sentence(out: list[_Sentence], line: str, masked: str, begin: int, end: int, offset: int) -> None:
    text = line[begin:end]
    stripped = text.strip()
    if stripped:
        lead = len(text) - len(text.lstrip())
        out.append(_Sentence(stripped, masked[begin + lead : begin + lead + len(stripped)], offset + begin + lead))


def split_clauses(sentence: _Sentence, seps: str = _CLAUSE_SEPS) -> list[_Clause]:
    """Clauses between ，、；： outside quotes, each with the separator before it."""
    clauses: list[_Clause] = []
    begin, sep = 0, ""
    for i, ch in enumerate(sentence.masked):
        if ch in seps:
            clauses.append(_Clause(sentence.text[begin:i], sentence.masked[begin:i], sep))
            begin, sep = i + 1, ch
    tail = sentence.text[begin:].rstrip(_SENTENCE_END)
    clauses.append(_Clause(tail, sentence.masked[begin : begin + len(tail)], sep))
    return clauses


def _subject(text: str, visit: bool, known: frozenset[str]) -> PersonPart | None:
    """The person named right before a role verb, if the whole text is a title/name phrase."""
    text = _TRAILING_ADVERB.sub("", _LEADING_ADVERB.sub("", text))
    part = parse_person_part(text, known)
    if part is not None and part.name:
        return part
    if visit and (m := _VISIT_HEAD.match(text)):
        head = _TRAILING_ADVERB.sub("", m.group("head"))
        part = parse_person_part(head, known)
        if part is not None and part.name:
            return part
    return None


def _chain(clauses: list[_Clause], i: int, last: PersonPart, known: frozenset[str]) -> list[tuple[str, PersonPart]]:
    """The name list ending in clause i: earlier clauses joined on while they are titles or names."""
    chain = [(clauses[i].sep, last)]
    for j in range(i - 1, -1, -1):
        part = parse_person_part(clauses[j].text, known)
        if part is None:
            break
        chain.insert(0, (clauses[j].sep, part))
    return chain


def _list_after(clauses: list[_Clause], i: int, first: str, known: frozenset[str]) -> list[tuple[str, PersonPart]]:
    """The name list that starts in clause i (`出席会议的还有刘伟`) and runs on while clauses are names."""
    chain: list[tuple[str, PersonPart]] = []
    part = parse_person_part(first, known)
    j = i
    while part is not None:
        chain.append((clauses[j].sep if j > i else "", part))
        j += 1
        part = parse_person_part(clauses[j].text, known) if j < len(clauses) else None
    return chain if any(p.name for _, p in chain) else []


def _people_of_chain(chain: list[tuple[str, PersonPart]]) -> list[tuple[str, list[str]]]:
    """Give each name its titles: the titles printed before it, or the shared title of `副主任刘伟、闫丕云`."""
    people: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    shared: list[str] = []
    for sep, part in chain:
        if part.name is None:
            pending.extend(part.titles)
            shared = []
            continue
        if part.titles or pending:
            titles = pending + part.titles
            shared = part.titles or titles[-1:]
        elif sep == "、" and shared:
            titles = list(shared)
        else:
            titles, shared = [], []
        pending = []
        people.append((part.name, titles))
        people.extend((name, list(titles)) for name in part.also)
    return people


def _roles_in_sentence(sentence: _Sentence, known: frozenset[str] = frozenset(), seps: str = _CLAUSE_SEPS) -> list[_Found]:
    """Everyone a sentence gives a role, with the titles printed before their names."""
    found: list[_Found] = []
    clauses = split_clauses(sentence, seps)
    for i, clause in enumerate(clauses):
        passive = _PASSIVE_CHAIR.search(clause.masked)
        if passive:
            part = _subject(clause.text[passive.start("subj") : passive.end("subj")], visit=False, known=known)
            if part is not None:
                found.extend(_Found(p, "chair", t, "main", sentence) for p, t in _people_of_chain([("", part)]))
                continue
        listed = _LIST_AFTER_VERB.match(clause.masked)
        if listed:
            role = _VERB_ROLE[listed.group("verb")]
            chain = _list_after(clauses, i, clause.text[listed.start("first") :], known)
            group = clause.text[listed.start("title") : listed.end("title")]
            if chain and is_title(group):
                chain.insert(0, ("", PersonPart(titles=[group])))
            found.extend(_Found(p, role, t, "main", sentence) for p, t in _people_of_chain(chain))
            if chain:
                continue
        for m in _VERB.finditer(clause.masked):
            verb = m.group(0)
            role = _VERB_ROLE[verb]
            rest = clause.text[m.end() :]
            if verb in _NEEDS_OBJECT and not _NEEDS_OBJECT[verb].match(clause.masked[m.end() :]):
                continue
            part = _subject(clause.text[: m.start()], visit=verb in _VISIT_VERBS, known=known)
            if part is None:
                continue
            venue: Venue = "branch" if "分会场" in rest else "main"
            also_spoke = role != "speaker" and bool(_ALSO_SPOKE.match(rest))
            for person, titles in _people_of_chain(_chain(clauses, i, part, known)):
                found.append(_Found(person, role, titles, venue, sentence))
                if also_spoke:
                    found.append(_Found(person, "speaker", titles, venue, sentence))
            break
    return found


def _speakers(sentences: list[_Sentence], known: dict[str, list[str]]) -> list[_Found]:
    """`韩世军强调`, `张建刚在致辞时表示`: clauses opening with a known name and a verb of speech."""
    found: list[_Found] = []
    names = sorted(known, key=len, reverse=True)
    for sentence in sentences:
        for clause in split_clauses(sentence, _SUBTITLE_SEPS if sentence.part == "subtitle" else _CLAUSE_SEPS):
            text = _LEADING_ADVERB.sub("", clause.text)
            for name in names:
                if text.startswith(name) and _SPOKE.match(text[len(name) :]):
                    found.append(_Found(name, "speaker", known[name], "main", sentence))
                    break
    return found


def _evidence(sentence: _Sentence, article: Article, issue: Issue) -> Evidence:
    in_body = sentence.part == "body"
    return Evidence(
        article_id=article.id,
        title=article.title,
        issue_no=issue.issue_no,
        issue_date=issue.date,
        source=issue.source,
        quote=sentence.text,
        start=sentence.start if in_body else 0,
        end=sentence.start + len(sentence.text) if in_body else 0,
        part=sentence.part,
    )


def _headline(article: Article) -> _Sentence:
    return _Sentence(article.title, mask_brackets(article.title), 0, "title")


def _subtitle_sentences(subtitle: str) -> list[_Sentence]:
    """Sub-headline lines (`韩世军出席并讲话 孙杰主持`), where spaces separate the clauses."""
    lines = [line.strip() for line in subtitle.split(" / ") if line.strip()]
    return [_Sentence(line, mask_brackets(line), 0, "subtitle") for line in lines]


def _names_from_lead(lead: _Sentence) -> list[tuple[str, str | None]]:
    """Candidate (name, place) pairs from the opening sentence's `…会议召开` / `召开…会议` clause."""
    candidates: list[tuple[str, str | None]] = []
    # Names can hold 、 (`由区委老干部局、区教体局…联合举办的…活动`), so split on ，；： only.
    for clause in split_clauses(lead, seps="，；：,"):
        org = _ORG_MEETS.match(clause.masked)
        if org and org.group("org") not in _NOT_ORGANISERS and parse_person_part(org.group("org")) is None:
            # `区委常委会召开会议`: the body that meets names the meeting.
            candidates.append((clause.text[: org.end("kind")].replace("召开", ""), None))
            continue
        m = _NAME_BEFORE_VERB.match(clause.masked)
        if m:
            name = _SPONSOR_PREFIX.sub("", clause.text[m.start("name") : m.end("name")])
            place = clause.text[m.start("place") : m.end("place")] if m.group("place") else None
            candidates.append((name, place))
            continue
        m = _NAME_AFTER_VERB.search(clause.masked)
        if m:
            candidates.append((clause.text[m.start("name") : m.end("name")], None))
    return [(n, p) for n, p in candidates if n and n not in _GENERIC_NAMES][:1]


def _name_from_headline(title: str) -> str | None:
    """`韩世军主持召开奇瑞项目推进工作专题会` → `奇瑞项目推进工作专题会`; None if not an event headline."""
    if not _HEADLINE_EVENT.search(title):
        return None
    org = _ORG_MEETS.match(title)
    if org and org.group("org") not in _NOT_ORGANISERS and not parse_person_part(org.group("org")):
        return org.group("org") + org.group("kind")
    name = _HEADLINE_TRAILING.sub("", _HEADLINE_LEADING_ACTOR.sub("", title))
    return name or None


def _place(sentences: list[_Sentence]) -> tuple[str | None, _Sentence | None, str | None]:
    """(place, its sentence, branch venue place) from `在即墨宾馆召开` / `在即墨宾馆设分会场`."""
    place: tuple[str | None, _Sentence | None] = (None, None)
    branch: str | None = None
    for sentence in sentences:
        for m in _PLACE.finditer(sentence.masked):
            text = _PLACE_LEADING.sub("", sentence.text[m.start("place") : m.end("place")])
            if m.group("verb") == "设分会场":
                branch = branch or text
            elif place[0] is None:
                place = (text, sentence)
    return place[0], place[1], branch


def _people(article: Article, sentences: list[_Sentence]) -> list[_Found]:
    """Everyone the article gives a role, body first, then the sub-headline and speech verbs."""
    found = [f for s in sentences for f in _roles_in_sentence(s)]
    named = frozenset(f.person for f in found)
    if not named:
        return []
    # Once the article has named its people, names run together by OCR repair can be cut,
    # and the sub-headline can add roles, for those people only.
    subtitles = _subtitle_sentences(article.subtitle)
    found = [f for s in sentences for f in _roles_in_sentence(s, named)]
    found += [f for s in subtitles for f in _roles_in_sentence(s, named, _SUBTITLE_SEPS) if f.person in named]
    titles: dict[str, list[str]] = {}
    for f in found:
        titles.setdefault(f.person, [])
        titles[f.person].extend(t for t in f.titles if t not in titles[f.person])
    return found + _speakers(sentences + subtitles, titles)


def extract_meetings(article: Article, issue: Issue) -> list[Meeting]:
    """The meeting or activity an article reports (at most one), or [] for other articles."""
    sentences = split_sentences(article.body)
    if not sentences:
        return []
    found = _people(article, sentences)
    lead = sentences[0]
    from_lead = _names_from_lead(lead)
    headline = _name_from_headline(article.title) if article.kind == "article" else None
    if not found and not from_lead and headline is None:
        return []

    candidates = [n for n, _ in from_lead] + ([headline] if headline else [])
    name = max(candidates, key=len) if candidates else article.title
    name_sentence = lead if from_lead and name == from_lead[0][0] else None
    when = resolve_date(lead.text, issue.date)
    place, place_sentence, branch = _place(sentences)
    if place is None and from_lead and from_lead[0][1]:
        place, place_sentence = from_lead[0][1], lead

    meeting_id = f"{article.id}#1"
    return [
        Meeting(
            id=meeting_id,
            name=name,
            name_evidence=_evidence(name_sentence or _headline(article), article, issue),
            date=when.date if when else None,
            date_end=when.date_end if when else None,
            date_approximate=when.approximate if when else False,
            date_text=when.text if when else None,
            date_evidence=_evidence(lead, article, issue) if when else None,
            place=place,
            place_evidence=_evidence(place_sentence, article, issue) if place_sentence else None,
            branch_place=branch,
            article_id=article.id,
            article_title=article.title,
            issue_no=issue.issue_no,
            issue_date=issue.date,
            issue_date_inferred=issue.date_inferred,
            source=issue.source,
            attendances=_attendances(meeting_id, found, article, issue),
        )
    ]


def _attendances(meeting_id: str, found: list[_Found], article: Article, issue: Issue) -> list[Attendance]:
    """One record per (person, role), the first sentence that shows it; branch venue wins if printed."""
    out: dict[tuple[str, Role], Attendance] = {}
    for f in found:
        key = (f.person, f.role)
        if key in out:
            if f.venue == "branch":
                out[key].venue = "branch"
            continue
        out[key] = Attendance(
            meeting_id=meeting_id,
            person=f.person,
            role=f.role,
            titles=f.titles,
            venue=f.venue,
            evidence=_evidence(f.sentence, article, issue),
        )
    return list(out.values())


def extract_issue(issue: Issue) -> list[Meeting]:
    """All meetings reported in an issue, in article order."""
    return [m for article in issue.articles for m in extract_meetings(article, issue)]
