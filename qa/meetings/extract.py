"""Meetings from articles: pure functions over the formulaic language of meeting reports.

A report names its people in chains like `区委副书记、区长张元升，区政协主席于澎出席会议`:
titles accumulate until a name, a verb after the last name gives everyone in the chain
its role. Every field keeps the sentence it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.corpus.models import Article, Issue
from qa.meetings.bodies import event_place, person_body
from qa.meetings.dates import resolve_date
from qa.meetings.models import HOME_BODY, Appointment, Attendance, Evidence, Meeting, Role, Venue
from qa.meetings.names import PersonPart, is_name, is_title, name_shaped, parse_person_part

# Bump when extraction changes, so stores re-extract issues whose text has not changed.
EXTRACTOR_VERSION = 11

_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】"}
_MASK = "＿"
_SENTENCE_END = "。！？"
_CLAUSE_SEPS = "，、；：,"
_SUBTITLE_SEPS = _CLAUSE_SEPS + " "

_ROLE_VERBS: list[tuple[str, Role]] = [
    ("主持召开", "chair"),
    ("组织召开", "convener"),
    ("主持", "chair"),
    ("列席指导", "observer"),
    ("列席", "observer"),
    ("参加收看", "viewer"),
    ("组织收看", "viewer"),
    ("收看", "viewer"),
    ("出席", "attendee"),
    ("参加", "participant"),
    ("参与", "participant"),
    ("参会", "participant"),
    ("带领", "leader"),
    ("率领", "leader"),
    ("率队", "leader"),
    ("带队", "leader"),
    ("领队", "leader"),
    ("率", "leader"),
    ("陪同", "accompany"),
    ("随同", "accompany"),
    ("走访", "leader"),
    ("看望", "leader"),
    ("慰问", "leader"),
    ("视察", "inspector"),
    ("调研", "inspector"),
    ("考察", "inspector"),
    ("督导", "inspector"),
    ("检查", "inspector"),
    ("观摩", "inspector"),
    ("查看", "inspector"),
    ("会见", "meet"),
    ("接见", "meet"),
    ("会晤", "meet"),
    ("见证", "witness"),
    ("作", "speaker"),
    ("致辞", "speaker"),
    ("致词", "speaker"),
    ("致欢迎辞", "speaker"),
    ("致开幕辞", "speaker"),
    ("致闭幕辞", "speaker"),
    ("宣读", "speaker"),
    ("讲话", "speaker"),
    ("发言", "speaker"),
    ("通报", "speaker"),
]
_VERB_ROLE = dict(_ROLE_VERBS) | {"与会": "participant"}
_VERB = re.compile("|".join(sorted((re.escape(v) for v, _ in _ROLE_VERBS), key=len, reverse=True)))
_VISIT_VERBS = {"走访", "视察", "调研", "考察", "督导", "看望", "慰问", "检查", "观摩", "查看", "会见", "接见"}
_LEAD_VERBS = {"带领", "率领", "率队", "带队", "率"}
# 「带队到青岛蓝晟精细化工有限公司、潮海街道燃气调压站检查」: a list of places may stand between
_INSPECT_AFTER_LEAD = re.compile(r"^(?:[^，。；]{0,20}?|(?:到|赴|前往|深入)[^，。；]{0,40}?)(视察|检查|调研|督导|考察|观摩)")
# `作` and `率` are roles only as `作…讲话/报告` and `率…代表团/队`, never in 工作/作为/利用率.
_TALK_AFTER_ZUO = re.compile(r"^(?![为出])[^，。；]{0,40}?(讲话|报告|宣讲|发言|辅导|动员|部署|点评|总结|说明|解读)")
_GROUP_AFTER_LV = re.compile(r"^[^，。；]{0,15}?(代表团|考察团|工作组|调研组|检查组|督导组|视察组|团|队|一行)")
_NOT_A_SPEECH = re.compile(r"^(?:精神|稿|材料|要点|内容)")
_NEEDS_OBJECT = {"作": _TALK_AFTER_ZUO, "率": _GROUP_AFTER_LV}
_SPEECH_NOUNS = {"讲话", "发言", "致辞", "通报"}
_ALSO_SPOKE = re.compile(r"^[^，。；]*?并(?:作)?(?:重要)?(?:讲话|致辞|发言)")
# `出席签约仪式并见证签约`, `主持会议并讲话`: a second role joined by 并.
_ALSO_ROLE = re.compile(r"^[^，。；]*?并(?:共同|一同)?(?P<verb>见证|主持|观摩|调研|视察|检查|督导)")
# `副区长王某强调`: a speaker the article has not named in any other role.
_TITLED_SPEECH = re.compile(r"^(?P<who>[^，。；]{2,30}?)(?:在[^，。；]{0,15}?(?:时|中|上))?(?:强调|指出|要求|提出)")
_PASSIVE_CHAIR = re.compile(r"由(?P<subj>[^，。；]+?)主持")
_PASSIVE_ACCOMPANY = re.compile(r"在(?P<subj>[^，。；在]+?)(?:等)?(?:的)?陪同下")
# `出席会议的区领导还有刘伟、闫丕云`: the verb first, the names after 有.
_LIST_AFTER_VERB = re.compile(r"^(?P<verb>出席|参加|参与|参会|与会|陪同|列席)[^，。；、]{0,12}?的(?P<title>[^，。；、]{0,8}?)(?:还|也)?有(?P<first>.+)$")
_LEADING_ADVERB = re.compile(r"^(?:会上|会前|会后|随后|同时|期间|其间|此外|另外|邀请|特邀|并|由|其中)+")
_TRAILING_ADVERB = re.compile(r"(?:先后|一行|分别|一同|共同|专程|亲自|再次|还|也|又|均|等一行|集体|现场|实地|深入|一起|应邀|受邀|等)+$")
# What may stand between a subject and its verb: `在签约仪式上`, `对…工作`, `作为人才代表`, `在即墨分会场`.
_TRAILING_PHRASE = re.compile(r"(?:在[^，。；]{1,20}?(?:上|中|时|下|期间|分会场|主会场|现场)?|对[^，。；]{1,30}|作为[^，。；]{1,20}|代表[^，。；]{1,20}|就[^，。；]{1,30})$")
_VISIT_HEAD = re.compile(r"^(?P<head>.+?)(?:先后|一行|专程|分别)?(?:到|赴|深入|来到|前往|莅临|来|在)")
_SPOKE = re.compile(
    r"^(?:同志)?(?:在[^，。；]{0,15}?(?:时|中|上|后|期间))?(?:强调|指出|表示|说(?!明)|要求|致辞|讲话|发言|通报|提出|寄语|作(?![为出]))"
)
_SPOKE_BARE = re.compile(r"^(?:强调|指出|要求|提出)")

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


def _strip(text: str) -> str:
    return _TRAILING_ADVERB.sub("", _LEADING_ADVERB.sub("", text.strip()))


def _parse_subject(text: str, known: frozenset[str]) -> PersonPart | None:
    """A title/name phrase, or two joined by 与/和/同 (`韩世军与司马文清`; `孙杰与长孙惟一` is two people, not
    a title 孙杰与长 before 孙惟一, so the joined reading is tried first)."""
    for joiner in ("与", "和", "同"):
        if joiner in text:
            pieces = [parse_person_part(_strip(p), known) for p in text.split(joiner)]
            if all(p is not None and p.name for p in pieces):
                first = pieces[0]
                return PersonPart(titles=first.titles, name=first.name,
                                  also=[*first.also, *(n for p in pieces[1:] for n in (p.name, *p.also))])
    part = parse_person_part(text, known)
    return part if part is not None and part.name else None


def _subject(text: str, visit: bool, known: frozenset[str]) -> PersonPart | None:
    """The person named right before a role verb, if the text is a title/name phrase.

    What may stand between subject and verb is cut off when the whole does not parse:
    `孙杰在签约仪式上`, `逄锦涛对…工作`, `东方若兰作为人才代表`, `司马文清一行`.
    """
    text = _strip(text)
    for _ in range(3):
        part = _parse_subject(text, known)
        if part is not None:
            return part
        shorter = _strip(_TRAILING_PHRASE.sub("", text))
        if shorter.endswith("在"):
            shorter = _strip(shorter[:-1])
        if shorter == text or not shorter:
            break
        text = shorter
    if visit and (m := _VISIT_HEAD.match(text)):
        head = _strip(m.group("head"))
        part = _parse_subject(head, known)
        if part is not None and part.name:
            return part
    return None


def _clause_part(clause: _Clause, known: frozenset[str]) -> PersonPart | None:
    part = parse_person_part(clause.text, known)
    if part is None and name_shaped(clause.text.strip()):
        return PersonPart(name=clause.text.strip())
    return part


def _chain(clauses: list[_Clause], i: int, last: PersonPart, known: frozenset[str]) -> list[tuple[str, PersonPart]]:
    """The name list ending in clause i: earlier clauses joined on while they are titles or names.

    A clause the recogniser cannot read does not end the list when it stands between 、
    like a name (`郗振华、仉立伟`), so one unknown name never drops the names before it.
    """
    chain = [(clauses[i].sep, last)]
    for j in range(i - 1, -1, -1):
        part = parse_person_part(clauses[j].text, known)
        if part is None and clauses[j + 1].sep == "、" and name_shaped(clauses[j].text.strip()):
            part = PersonPart(name=clauses[j].text.strip())
        if part is None:
            break
        chain.insert(0, (clauses[j].sep, part))
    return chain


# 「陪同钟离嘉禾一行考察」: whom someone went along with, and what those guests did
_GUEST_LED = re.compile(r"^(?P<who>[^，。；、]{2,14}?)一行(?:先后|实地|深入)?(?:考察|调研|参观|视察|察看|观摩|走访)")
# The unnamed people at the end of a list: 「区住建局、区交通运输局主要负责同志」「企业家代表」
_GROUP = re.compile(r"(?:主要)?负责(?:同志|人)|代表|人员|干部|同志$")


def _names_before_group(clauses: list[_Clause], i: int, known: frozenset[str]) -> list[tuple[str, list[str]]]:
    """The named people listed before the unnamed group that ends clause i (its bodies' clauses skipped),
    so that 「…主要负责同志参加会议」 does not drop the names printed before it."""
    j = i - 1
    while j >= 0 and i - j <= 4 and clauses[j + 1].sep == "、" and parse_person_part(clauses[j].text, known) is None:
        j -= 1  # 「区住建局、」: another body of the group
    if j < 0:
        return []
    part = parse_person_part(clauses[j].text, known)
    if part is None or part.name is None:
        return []
    return _people_of_chain(_chain(clauses, j, part, known))


def _list_after(clauses: list[_Clause], i: int, first: str, known: frozenset[str]) -> list[tuple[str, PersonPart]]:
    """The name list that starts in clause i (`出席会议的还有刘伟`) and runs on while clauses are names."""
    chain: list[tuple[str, PersonPart]] = []
    part = parse_person_part(first, known)
    j = i
    while part is not None:
        chain.append((clauses[j].sep if j > i else "", part))
        j += 1
        if j >= len(clauses):
            break
        part = parse_person_part(clauses[j].text, known)
        if part is None and clauses[j].sep == "、" and name_shaped(clauses[j].text.strip()):
            part = PersonPart(name=clauses[j].text.strip())
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


def _visit_head(text: str, known: frozenset[str]) -> PersonPart | None:
    """`区委书记韩世军到蓝村街道…`: the person of a clause that only says where someone went."""
    m = _GOING.match(_strip(text))
    if not m:
        return None
    part = _parse_subject(_strip(m.group("head")), known)
    return part if part is not None and part.name else None


_GOES = re.compile(r"^(?:先后|分别|随后|一同)?(?:到|赴|来到|前往|深入)")
# `陆治原现场调研确定的任务`: a verb inside a modifier reports no event.
_MODIFIER = re.compile(r"^(?:确定|提出|部署|作出|交办|批示|安排)?的")
_GOING = re.compile(r"^(?P<head>[^，。；]+?)(?:先后|一行|专程|分别|深入)?(?:到|赴|来到|前往|深入)")


def _roles_in_sentence(
    sentence: _Sentence,
    known: frozenset[str] = frozenset(),
    seps: str = _CLAUSE_SEPS,
    inspection: bool = False,
) -> list[_Found]:
    """Everyone a sentence gives a role, with the titles printed before their names.

    `inspection`: the event is an inspection tour, so whoever the sentence sends somewhere
    (`副区长逄锦涛到田横岛…`) inspected.
    """
    found: list[_Found] = []
    clauses = split_clauses(sentence, seps)
    carry: list[tuple[str, list[str]]] = []  # the last subject, for clauses that start with the verb

    def add(people: list[tuple[str, list[str]]], role: Role, venue: Venue = "main") -> None:
        found.extend(_Found(p, role, t, venue, sentence) for p, t in people)

    for i, clause in enumerate(clauses):
        passive = _PASSIVE_CHAIR.search(clause.masked)
        if passive:
            part = _subject(clause.text[passive.start("subj") : passive.end("subj")], visit=False, known=known)
            if part is not None:
                add(_people_of_chain([("", part)]), "chair")
                continue
        escorted = _PASSIVE_ACCOMPANY.search(clause.masked)
        if escorted:
            part = _subject(clause.text[escorted.start("subj") : escorted.end("subj")], visit=False, known=known)
            if part is not None:
                add(_people_of_chain([("", part)]), "accompany")
                guest = _subject(clause.text[: escorted.start()], visit=False, known=known)
                if guest is not None:
                    carry = _people_of_chain([("", guest)])
                if not _VERB.search(clause.masked[escorted.end() :]):
                    continue
        listed = _LIST_AFTER_VERB.match(clause.masked)
        if listed:
            role = _VERB_ROLE[listed.group("verb")]
            chain = _list_after(clauses, i, clause.text[listed.start("first") :], known)
            group = clause.text[listed.start("title") : listed.end("title")]
            if chain and is_title(group):
                chain.insert(0, ("", PersonPart(titles=[group])))
            add(_people_of_chain(chain), role)
            if chain:
                continue
        matched = False
        for m in _VERB.finditer(clause.masked):
            verb = m.group(0)
            role = _VERB_ROLE[verb]
            rest = clause.masked[m.end() :]
            if verb in _NEEDS_OBJECT and not _NEEDS_OBJECT[verb].match(rest):
                continue
            if verb in _SPEECH_NOUNS and _NOT_A_SPEECH.match(rest):
                continue
            if _MODIFIER.match(rest):
                continue
            head = clause.text[: m.start()]
            part = _subject(head, visit=verb in _VISIT_VERBS, known=known)
            if part is not None:
                people = _people_of_chain(_chain(clauses, i, part, known))
            elif _GROUP.search(_strip(head)) and (named := _names_before_group(clauses, i, known)):
                people = named  # 「…检察长郗正阳，区住建局、区交通局主要负责同志参加会议」
            elif carry and not _strip(_TRAILING_PHRASE.sub("", _strip(head))).strip("了"):
                people = carry  # `，检查危化品储存…` / `，到汽车产业新城实地考察`: the subject said before
            elif carry and (_GOING.match(_strip(head)) and not _visit_head(head, known) or _GOES.match(_strip(head))):
                people = carry
            else:
                continue
            venue: Venue = "branch" if "分会场" in clause.text else "main"
            add(people, role, venue)
            if role != "speaker" and _ALSO_SPOKE.match(rest):
                add(people, "speaker", venue)
            if also := _ALSO_ROLE.match(rest):
                add(people, _VERB_ROLE[also.group("verb")], venue)
            # the places after 带队到 may run over 、 into the next clauses: read on to the inspection verb
            onward = rest + "".join(c.sep + c.masked for c in clauses[i + 1:] if c.sep == "、")
            if verb in _LEAD_VERBS and _INSPECT_AFTER_LEAD.match(onward):
                add(people, "inspector", venue)
            if role == "accompany" and (guest := _GUEST_LED.match(clause.text[m.end():])):
                # 「逄锦璐陪同钟离嘉禾一行考察了…」: the guests' visit, led by the one named before 一行
                part = parse_person_part(_strip(guest.group("who")), known)
                if part is not None and part.name:
                    add([(part.name, list(part.titles))], "leader", venue)
            carry = people
            matched = True
            break
        if matched:
            continue
        head = _visit_head(clause.text, known)
        if head is not None:
            people = _people_of_chain(_chain(clauses, i, head, known))
            carry = people
            if inspection:
                add(people, "inspector")
    return found


# 「听取区教体局局长宓红霞的工作汇报」: the one whose report the meeting heard spoke at it
_HEARD_REPORT = re.compile(r"听取(?P<who>[^，。；“”]{3,30}?)(?:关于[^，。；]{2,40}?)?的(?:工作)?(?:汇报|报告)")


def _reporters(sentences: list[_Sentence], known: frozenset[str]) -> list[_Found]:
    """Speakers a meeting heard: a named person in 「听取…的汇报」 (a body's report, 听取区水务局的汇报, names no one)."""
    found = []
    for sentence in sentences:
        for m in _HEARD_REPORT.finditer(sentence.text):
            part = parse_person_part(re.sub(r"\s+", "", m.group("who")), known)
            if part is not None and part.name:
                found.append(_Found(part.name, "speaker", list(part.titles), "main", sentence))
    return found


def _speakers(
    sentences: list[_Sentence], known: dict[str, list[str]], seps_of=lambda s: _CLAUSE_SEPS
) -> list[_Found]:
    """`韩世军强调`, `张建刚在致辞时表示`, `…主持召开调度会，强调`: a known name and a verb of speech."""
    found: list[_Found] = []
    names = sorted(known, key=len, reverse=True)
    for sentence in sentences:
        last: str | None = None
        for clause in split_clauses(sentence, _SUBTITLE_SEPS if sentence.part == "subtitle" else _CLAUSE_SEPS):
            text = _LEADING_ADVERB.sub("", clause.text)
            hit = None
            for name in names:
                if text.startswith(name):
                    hit = name
                    if _SPOKE.match(text[len(name) :]):
                        found.append(_Found(name, "speaker", known[name], "main", sentence))
                    break
            if hit is None and last and clause.sep in "，," and _SPOKE_BARE.match(text):
                found.append(_Found(last, "speaker", known[last], "main", sentence))
            elif hit is None and (m := _TITLED_SPEECH.match(text)):
                part = parse_person_part(m.group("who"))
                if part is not None and part.name and part.titles:
                    hit = part.name
                    found.append(_Found(part.name, "speaker", part.titles, "main", sentence))
            last = hit or next((n for n in names if n in clause.text), last)
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


# -- events ---------------------------------------------------------------------------------------
# A later sentence starts its own event when it opens with a sequence marker (会前, 会后, 随后,
# 调研结束后, 同日下午…) or a day, and tells something happening: a meeting held, a place visited
# to inspect, a signing witnessed, a guest met. `会上` stays in the meeting.
_SEQUENCE = re.compile(
    r"^(?P<mark>会前|会后|会见后|随后|之后|此后|其后|同日|当日|当天|次日|翌日|此前|[^，。；]{1,8}?结束后|[^，。；]{1,5}?[后前])"
    r"(?:[上下]午|晚上|晚|中午)?(?:[，,]|(?=举行|召开|举办))"  # 「会后举行宪法宣誓仪式」
)
_DAY_LEAD = re.compile(
    r"^(?:同日|当日|当天|次日|翌日|\d{1,2}月\d{1,2}日|昨日|昨天|前天|今天|今日|上周.|本周.)(?:[上下]午|晚上|晚|中午)?[，,]"
)
_ASIDE_MARKS = re.compile(r"前$")
_NOT_MARKS = {"目前", "日前", "近日", "此外", "当前", "之前", "提前", "事前", "年前", "以前"}
_EVENT_TRIGGER = re.compile(
    r"(?:召开|举行|举办)[^，。；]{0,40}?(?:会|仪式|学习|活动|论坛|典礼)"
    r"|[^，。；]{2,40}?(?:会议|会|仪式|学习|活动)(?:在[^，。；]{2,20})?(?:召开|举行|举办)"
    # 「会前，韩世军、张元升到…公司和…平台，观摩了…」: the places may stand in a clause of their own
    r"|(?:到|赴|来到|前往|深入)[^，。；]{1,30}?[，,]?(?:实地)?(?:观摩|考察|调研|视察|检查|参观|走访|看望|慰问|督导)"
    # 「会前，孙杰带领与会人员观摩了…」「同日下午，逄锦璐陪同客人考察了…」: someone takes others to see something
    r"|(?:带领|率领|带队|陪同)[^，。；]{0,20}?(?:观摩|考察|调研|视察|检查|参观|走访|看望|慰问)"
    # 「会前，韩世军、逄立勋一行观摩了…」
    r"|一行(?:先后|实地|深入)?(?:观摩|考察|调研|视察|检查|参观|走访)"
    # 「会前，韩世军、张元升等区领导观摩了…」「…一行在呼延晓峰陪同下登上田横岛，实地考察了…」
    r"|(?:观摩|考察|调研|视察|参观|走访)了"
    r"|见证|会见|接见|签约"
)
_ACTIVITY_VERB = re.compile(r"率队|带队|率领|带领|走访|视察|调研|考察|督导|检查|观摩|会见|接见|见证|看望|慰问|参观")
_INSPECTION = re.compile(r"视察|调研|考察|督导|检查|观摩|查看")
_MEETING_KIND = re.compile(r"(?:召开|举行|举办|主持)|(?:会议|会|座谈|学习|论坛|仪式|典礼)$")
_ACTIVITY_NAME = re.compile(r"(?P<verb>见证|会见|接见|观摩|考察|调研|视察|检查|参观|走访|看望|慰问|督导)了?(?P<obj>[^，。；]{2,30})")
_GOING_TO = re.compile(r"(?:到|赴|来到|前往|深入)(?P<place>[^，。；、]{2,20}?)(?:实地|先后|分别)?(?:观摩|考察|调研|视察|检查|参观|走访|开展|督导)")


@dataclass
class _Event:
    sentences: list[_Sentence]
    mark: str | None = None  # the sequence marker that opened it, None for the article's lead event
    parent: int | None = None
    aside: bool = False  # 会前/此前: told in passing; the report returns to the parent event after it

    @property
    def first(self) -> _Sentence:
        return self.sentences[0]


def _opens_event(sentence: _Sentence) -> str | None:
    """The marker with which a later sentence opens an event of its own, else None."""
    text = sentence.masked
    m = _SEQUENCE.match(text)
    if m and m.group("mark") not in _NOT_MARKS and _EVENT_TRIGGER.search(text[m.end() :]):
        return m.group("mark")
    m = _DAY_LEAD.match(text)
    if m and _EVENT_TRIGGER.search(text[m.end() :]) and re.search(r"召开|举行|举办", text):
        return text[: m.end() - 1]
    return None


def split_events(sentences: list[_Sentence]) -> list[_Event]:
    """The events a report tells, each with its sentences, in the order told."""
    events = [_Event([sentences[0]])]
    current = 0
    line_of = _line_starts(sentences)
    for k, sentence in enumerate(sentences[1:], 1):
        mark = _opens_event(sentence)
        if mark:
            aside = bool(_ASIDE_MARKS.search(mark)) and mark not in _NOT_MARKS
            parent = events[current].parent if events[current].aside else current
            events.append(_Event([sentence], mark=mark, parent=parent, aside=aside))
            current = len(events) - 1
            continue
        if events[current].aside and line_of[k] != line_of[sentences.index(events[current].first)]:
            current = events[current].parent or 0
        events[current].sentences.append(sentence)
    return events


def _line_starts(sentences: list[_Sentence]) -> list[int]:
    """A paragraph number for each sentence (sentences of one body line share it)."""
    out, line, last_end = [], 0, None
    for s in sentences:
        if last_end is not None and s.start > last_end:
            line += 1
        out.append(line)
        last_end = s.start + len(s.text)
    return out


def _kind(event: _Event, name: str | None, headline: str = "") -> str:
    """`meeting` when a meeting is held or chaired, else `activity` (调研, 会见, 见证, 率队…)."""
    head = event.first.masked[len(event.mark or "") :][:60]
    held = re.search(r"召开|举行|举办|主持", head)
    act = next((m for m in _ACTIVITY_VERB.finditer(head) if not re.match(r"[组团队]", head[m.end() : m.end() + 1])), None)
    if act and (not held or act.start() < held.start()):
        return "activity"
    if held or (name and _MEETING_KIND.search(name)):
        return "meeting"
    if not event.mark and _ACTIVITY_VERB.search(headline):
        return "activity"
    return "meeting" if name and re.search(r"会议|会$|座谈|学习", name) else "activity"


def _event_name(event: _Event) -> tuple[str | None, str | None]:
    """(name, place) of a later event from its first sentence."""
    lead = event.first
    # cut the marker so `会后，张元升主持召开…` reads like a lead
    text = lead.text[len(event.mark or "") :].lstrip("，, ") if event.mark else lead.text
    trimmed = _Sentence(text, mask_brackets(text), lead.start, lead.part)
    found = _names_from_lead(trimmed)
    if found:
        return found[0]
    held = _NAME_AFTER_VERB.search(trimmed.masked)
    if held:  # `视察组召开座谈会`: a generic name, qualified by the caller
        return trimmed.text[held.start("name") : held.end("name")], None
    m = next((x for x in _ACTIVITY_NAME.finditer(trimmed.masked) if not re.match(r"[组团队]", x.group("obj"))), None)
    if m:
        obj = trimmed.text[m.start("obj") : m.end("obj")]
        if re.search(r"(签约|仪式|活动)$", obj):
            return obj, None
        going = _GOING_TO.search(trimmed.masked[: m.start() + 2])
        if going:
            return f"{m.group('verb')}{trimmed.text[going.start('place') : going.end('place')]}", None
        return f"{m.group('verb')}{obj}", None
    held = _NAME_AFTER_VERB.search(trimmed.masked)
    if held:
        return trimmed.text[held.start("name") : held.end("name")], None
    return None, None


def _resolve(event: _Event, issue: Issue, parent_date) -> tuple:
    """(ResolvedDate-like fields) of an event: its own time expression, else its parent's day."""
    when = resolve_date(event.first.text, issue.date, previous=parent_date.date if parent_date else None)
    if when is None and parent_date is not None:
        return parent_date, False
    return when, True


_TITLE_RUN = re.compile(r"[\u4e00-\u9fff（）()]{2,30}$")


def _titles_printed_before(person: str, body: str) -> list[str]:
    """`会见了浙江恒岳新能源集团董事长司马文清`: the title printed before a name anywhere in the article."""
    start = body.find(person)
    while start != -1:
        run = _TITLE_RUN.search(body[max(0, start - 30) : start])
        if run:
            text = run.group(0)
            for cut in range(len(text) - 1):
                title = text[cut:]
                if is_title(title) and not re.search(r"[了的在与和对把将]", title) and not _VERB.search(title):
                    return [title]
        start = body.find(person, start + 1)
    return []


def _known_titles(found: list[_Found]) -> dict[str, list[str]]:
    titles: dict[str, list[str]] = {}
    for f in found:
        titles.setdefault(f.person, [])
        titles[f.person].extend(t for t in f.titles if t not in titles[f.person])
    return titles


def extract_meetings(article: Article, issue: Issue, known: frozenset[str] | set[str] = frozenset()) -> list[Meeting]:
    """The events an article reports (a meeting, what happened before and after it, a roundup), or []."""
    sentences = split_sentences(article.body)
    if not sentences:
        return []
    events = split_events(sentences)
    headline = _name_from_headline(article.title) if article.kind == "article" else None
    inspection_lead = bool(_INSPECTION.search(events[0].first.masked) and _kind(events[0], headline, article.title) == "activity")

    # First pass over the whole article: who is named at all, so that the second pass can cut
    # names run together by OCR repair and accept list members the recogniser does not know.
    first = [f for s in sentences for f in _roles_in_sentence(s, frozenset(known))]
    named = frozenset(f.person for f in first) | frozenset(n for n in known if n in article.body)
    if not first and not _names_from_lead(sentences[0]) and headline is None:
        return []

    subtitles = _subtitle_sentences(article.subtitle)
    out: list[Meeting] = []
    all_found: list[list[_Found]] = []
    kinds: list[str] = []
    names: list[tuple[str | None, str | None, _Sentence | None]] = []
    for n, event in enumerate(events):
        if n == 0:
            from_lead = _names_from_lead(event.first)
            candidates = [x for x, _ in from_lead] + ([headline] if headline else [])
            name = max(candidates, key=len) if candidates else None
            place = from_lead[0][1] if from_lead and from_lead[0][1] else None
            name_sentence = event.first if from_lead and name == from_lead[0][0] else None
        else:
            name, place = _event_name(event)
            name_sentence = event.first
        kind = _kind(event, name, article.title if n == 0 else "")
        inspection = (inspection_lead if n == 0 else bool(_INSPECTION.search(event.first.masked))) and kind == "activity"
        found = [f for s in event.sentences for f in _roles_in_sentence(s, named, inspection=inspection)]
        if n == 0:
            found += [f for s in subtitles for f in _roles_in_sentence(s, named, _SUBTITLE_SEPS) if f.person in named]
        all_found.append(found)
        kinds.append(kind)
        names.append((name, place, name_sentence))

    titles = _known_titles([f for found in all_found for f in found])
    for person, printed in titles.items():
        if not printed:
            printed.extend(_titles_printed_before(person, article.body))
    for n, event in enumerate(events):
        if kinds[n] == "meeting":
            speech_sentences = event.sentences + (subtitles if n == 0 else [])
            all_found[n] += _speakers(speech_sentences, titles)
            all_found[n] += _reporters(event.sentences, named)

    dates: list = []
    for n, event in enumerate(events):
        parent = dates[event.parent] if event.parent is not None and event.parent < len(dates) else (dates[0] if dates else None)
        when, own = _resolve(event, issue, parent if n else None)
        dates.append(when)
        name, place, name_sentence = names[n]
        if n and not (all_found[n] or name):
            continue
        found = all_found[n]
        if n and not found and not re.search(r"会|仪式|活动|学习|签约|观摩|考察|视察|调研", name or ""):
            continue
        if name is None:
            name = names[0][0] or article.title if n == 0 else f"{article.title}（{event.mark}）"
        elif n and name in _GENERIC_NAMES | {"座谈会", "调度会"}:
            name = f"{name}（{names[0][0] or article.title}）"
        event_place_, place_sentence, branch = _place(event.sentences)
        if event_place_ is None and place:
            event_place_, place_sentence = place, event.first
        if event_place_ is None and kinds[n] == "activity":
            going = _GOING_TO.search(event.first.masked)
            if going:
                event_place_, place_sentence = event.first.text[going.start("place") : going.end("place")], event.first
        meeting_id = f"{article.id}#{len(out) + 1}"
        context = event_place(name) or event_place(article.title)
        parent_id = None
        if event.parent is not None and n:
            parent_id = next((m.id for m in out if m.id.endswith(f"#{event.parent + 1}")), out[0].id if out else None)
        out.append(
            Meeting(
                id=meeting_id,
                name=name,
                name_evidence=_evidence(name_sentence or _headline(article), article, issue),
                date=when.date if when else None,
                date_end=when.date_end if when else None,
                date_approximate=when.approximate if when else False,
                date_text=when.text if when else None,
                date_evidence=_evidence(event.first if own else events[0].first, article, issue) if when else None,
                place=event_place_,
                place_evidence=_evidence(place_sentence, article, issue) if place_sentence else None,
                branch_place=branch,
                article_id=article.id,
                article_title=article.title,
                issue_no=issue.issue_no,
                issue_date=issue.date,
                issue_date_inferred=issue.date_inferred,
                source=issue.source,
                kind=kinds[n],
                text="".join(s.text for s in event.sentences),
                parent_id=parent_id,
                attendances=_attendances(meeting_id, found, titles, context, article, issue),
                appointments=[a for s in event.sentences for a in appointments_in(s, article, issue)],
            )
        )
    return out


# 「任命郜明川为区农业农村局局长，免去其移风店镇党委书记职务」: the post given, then the one it ends
_APPOINTED = re.compile(r"任命(?P<person>[\u4e00-\u9fff]{2,4}?)(?:同志)?为(?P<title>[\u4e00-\u9fff（）]{2,30}?)"
                        r"(?=[，,；;。、]|$)(?:[，,]免去(?:其|该同志|他|她)(?P<former>[\u4e00-\u9fff（）]{2,30}?)职务)?")


def appointments_in(sentence: _Sentence, article: Article, issue: Issue) -> list[Appointment]:
    """The appointments a sentence reads out (a people's congress session's 人事任免事项), each with the post
    it ends when the report says so."""
    text = re.sub(r"\s+", "", sentence.text)
    out = []
    for m in _APPOINTED.finditer(text):
        if not (is_name(m["person"], after_title=True) or name_shaped(m["person"])) or not is_title(m["title"]):
            continue
        former = m["former"] if m["former"] and is_title(m["former"]) else None
        out.append(Appointment(person=m["person"], title=m["title"], former_title=former,
                               evidence=_evidence(sentence, article, issue)))
    return out


def _attendances(
    meeting_id: str, found: list[_Found], titles: dict[str, list[str]], context: str | None, article: Article, issue: Issue
) -> list[Attendance]:
    """One record per (person, role), the first sentence that shows it; branch venue wins if printed.

    A person printed without a title here takes the titles printed with their name elsewhere in
    the article; the body comes from the titles (胶州市委副书记 → 胶州市, 区委书记 → 即墨区).
    """
    out: dict[tuple[str, Role], Attendance] = {}
    for f in found:
        key = (f.person, f.role)
        if key in out:
            if f.venue == "branch":
                out[key].venue = "branch"
            continue
        printed = f.titles or titles.get(f.person, [])
        out[key] = Attendance(
            meeting_id=meeting_id,
            person=f.person,
            role=f.role,
            titles=printed,
            body=person_body(printed, context) if printed else (context or HOME_BODY),
            venue=f.venue,
            evidence=_evidence(f.sentence, article, issue),
        )
    return list(out.values())


def extract_issue(issue: Issue, known: frozenset[str] | set[str] = frozenset()) -> list[Meeting]:
    """All events reported in an issue, in article order; `known`: people already in the archive."""
    known = frozenset(known)
    return [m for article in issue.articles for m in extract_meetings(article, issue, known)]
