"""Routing a question to the part of the system that can answer it exactly (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.english import english_dates
from qa.answer.when import question_window
from typing import Literal

RouteKind = Literal["issue", "meeting", "person_meetings", "person_role", "title_holder", "retrieval"]
MeetingRole = Literal["chair", "attendee", "participant", "speaker", "leader", "observer", "accompany", "meet",
                      "witness", "inspector", "viewer", "any"]

ISSUE_NO = re.compile(r"第\s*(\d{3,5})\s*期|issue\s*(?:no\.?\s*)?(\d{3,5})", re.I)
_ASKS_DATE = re.compile(r"哪天|哪一天|日期|什么时候|何时|出版|when|date|published", re.I)
_ASKS_ISSUE_NO = re.compile(r"第几期|哪一期|期号|which issue|issue number|issue no", re.I)
_ABOUT_PHOTO = re.compile(r"图片|照片|图中|画面|配图|\bphoto|\bpicture|\bimage", re.I)
_THAT_ISSUE = re.compile(r"[这那该本]一?期|报纸上|报纸里|见报|\bissue\b|\bedition\b", re.I)
_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_MONTH = re.compile(r"(?:(?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
_ORDINAL = re.compile(r"第\s*([0-9一二三四五六七八九十百]+)\s*次")

TITLES = ("区委书记", "区委副书记", "区长", "副区长", "区人大常委会主任", "区人大常委会副主任", "区政协主席", "区政协副主席",
          "市委书记", "市长", "区委常委")
_TITLE_EN = {"mayor": "区长", "party secretary": "区委书记"}

# The report's role verbs as a question words them; the first that matches decides (specific before general:
# 「参加接见」 is taking part in a meeting with guests, 「谁接见」 is the host).
_ROLE_WORDS: list[tuple[MeetingRole, re.Pattern]] = [
    ("chair", re.compile(r"主持|(?<![-\w])chair(?:ed|s|ing)?\b|presid", re.I)),
    ("observer", re.compile(r"列席|sat in|sit in|observer", re.I)),
    ("accompany", re.compile(r"陪同|陪着|陪伴|随同|跟着|一起去|accompan", re.I)),
    ("viewer", re.compile(r"收看|看会|watch", re.I)),
    ("witness", re.compile(r"见证|witness", re.I)),
    ("leader", re.compile(r"带领|率队|率领|带队|领队|\blead\b|\bled\b|headed", re.I)),
    ("speaker", re.compile(r"讲话|讲了话|讲的话|致辞|发言|作.{0,6}报告|汇报|辅导|讲课|授课|通报|speak|spoke|speech|brief|report(?!ed\s+(?:in|by|on)\b)", re.I)),
    ("participant", re.compile(r"参加|参与|参会|到会|take part|took part|participat", re.I)),
    ("attendee", re.compile(r"出席|与会|到场|在场|在会上(?=[？?]|$)|哪些领导|attend", re.I)),
    ("meet", re.compile(r"会见|接见|会晤|会面|接待|见面|met with|\bmet\b|\bmeets?\b", re.I)),
    ("inspector", re.compile(r"调研|视察|检查|督导|考察|观摩|inspect|visit", re.I)),
]
_ASKS_PERSON_MEETINGS = re.compile(
    r"(哪些|什么|哪几[场次个]?|别的|其他|其它)[^\s，。？！,?]{0,4}(会议?|活动)|(?:忙|干|做)了?(?:哪些|什么)事|(会议?|活动)[^\s，。？！,?]{0,8}(哪些|哪几)|"
    r"\b(?:which|what|other)\s+(?:meetings?|events?|activities|activity|sessions?)\b", re.I)
# What is left of a who-holds-this-post question once the post, the time and the asking are taken away.
_POST_QUESTION_NOISE = re.compile(
    r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月(?:份)?|\d{1,2}\s*[日号]|年初|年底|年中|上半年|下半年|[春夏秋冬]天|前后|左右|那会儿?|"
    r"时候?|期间|当时|叫什么|名字|区政府里?|区里|"
    r"谁|哪位|哪一位|是|的|担任|出任|任|由|一职|现任|当年|即墨区?|我区|全区|那|这|呢|啊|请问|"
    r"到了?|换成了?|换了|变成了?|接任|后来|现在|如今|又|[A-Za-z']+|[？?，,。\s\d]")
_ASKS_ROLE = re.compile(r"(什么|何)(职务|职位|身份|职)|担任何职|的职务|的职位|的身份|[干做]的?什么工作|是干什么的|"
                        # 「干到什么位置了」「在哪个街道当书记」「是管什么的领导」: a post in the user's words
                        r"什么(?:位置|岗位)|在哪个[^，。？?]{1,6}当|管什么的|"
                        r"what (?:post|position|title|role|job)|which (?:post|position)", re.I)
_ASKS_WHO = re.compile(r"谁|哪位|哪一位|叫什么|什么名字|who", re.I)
# 「哪几位」 asks who, 「几位」 how many
# 「孙杰主持的座谈会，哪些副区长参加？」 asks for people at a meeting, not for a person's meetings.
_ASKS_PEOPLE = re.compile(r"谁|哪位|哪[几两二三四五六七八九十]位|哪些(?:人|领导|副|区领导|同志|嘉宾)|哪(?:个|位)?领导")
_ASKS_COUNT = re.compile(r"(?<!哪)(?:几位|几名|几个人|几人)|多少位|多少名|多少人|how many", re.I)
# 「会上到了几个副区长」: counting people by what they are at an event, with no role verb
_NAMES_EVENT = re.compile(r"会|活动|视察|调研|检查|督导|座谈|仪式|学习|考察|观摩|走访|下基层|分头|分别|分赴|下到|查[^询看]")
_COUNTS_PEOPLE = re.compile(r"(?<!哪)(?:几|多少)\s*(?:个|位|名)?\s*(?:副?区长|[区市]?领导|委员|代表|干部|同志|嘉宾|常委|副主任|副主席)")


# asking for people: 「哪些企业」「哪几个镇」 ask for things, and go to the text
_ASKS_FOR_NAMES = re.compile(
    r"谁|哪一?位|哪[几两二三四五六七八九十]位|哪(?:些|几个|两个|个)(?:[区市省县镇]?领导|人|副|同志|嘉宾|负责人|干部|委员|代表|专家|区长|书记|主任|主席|成员)|"
    r"(?:领导|人员?|同志|嘉宾|负责人|干部|委员|代表|专家|成员)(?:都|还|分别|一共|共)?(?:有|是)(?:哪些|谁)|"
    # 「出席的区政协副主席有哪些」: people named by their post
    r"(?:主席|主任|区长|市长|书记|部长|局长|常委)(?:都|还|分别|一共|共)?(?:有|是)(?:哪些|哪几位|谁)|"
    r"名单|(?:领导|人员|嘉宾|同志)[？?。]?$|哪[个家]?[\u4e00-\u9fff]{1,6}?的?(?:负责人|一把手|领导)|who|which\b[\w\s-]{0,30}?\b(?:leaders?|officials?|people|persons?|members?|deput(?:y|ies)|mayors?)\b", re.I)


# what follows 「主持的」 when the verb says which meeting: a meeting or an event (座谈会, 活动, 仪式 …)
_MEETING_HEAD = re.compile(r"[^，,。？?]{0,20}?(?:会|会议|活动|仪式|典礼|论坛|调研|视察|检查|签约)(?=[，,。？?是有的上中]|$)")


def names_role(word: str) -> bool:
    """Whether a word is one of the role verbs (主持, 出席…)."""
    return any(p.search(word) for _, p in _ROLE_WORDS)


def roles_named(question: str) -> set[MeetingRole]:
    """The roles a question's verbs name, however they are used."""
    return {role for role, _ in _roles(question)}


def _roles(q: str) -> list[tuple[MeetingRole, bool]]:
    """The roles the question's verbs name, in _ROLE_WORDS order, each with whether it only modifies a noun.

    「X主持的座谈会」 uses the verb to say which meeting (a verb before 的 and a meeting); 「讲话的区长是谁」 asks; 「是谁主持的？」
    asks about it (the question word is right before it, or nothing follows 的).
    """
    out: list[tuple[MeetingRole, bool]] = []
    for role, pattern in _ROLE_WORDS:
        matches = list(pattern.finditer(q))
        if not matches:
            continue
        modifier = all(
            (q[m.end():m.end() + 1] == "的" and _MEETING_HEAD.match(q[m.end() + 1:])
             and not _ASKS_FOR_NAMES.search(q[max(0, m.start() - 4):m.start()]))
            # 「除了主持人，还有谁参加」: the chair is set aside, not asked for
            or re.search(r"除了?[^，,。？?]{0,6}$", q[:m.start()]) is not None
            # 「主任主持之外，还有哪几位副主任到会」: set aside after the verb too
            or re.match(r"(?:人|的人|者)?(?:之外|以外)", q[m.end():]) is not None
            # "the meeting that Han Shijun chaired": an English relative clause says which meeting
            or re.search(r"[A-Za-z\u4e00-\u9fff]\s+(?:that|which)\s+(?:\S+\s+){0,3}$", q[:m.start()], re.I) is not None
            # "apart from the person chairing it": set aside, as 除了 is
            or re.search(r"\b(?:apart from|aside from|besides|except(?: for)?|other than)\s+(?:\S+\s+){0,3}$", q[:m.start()],
                         re.I) is not None
            for m in matches)
        out.append((role, modifier))
    return out


# 「区发改局的一把手」「区政协是谁当家」「总工会的头儿」: the head of a body, in the user's words
_HEAD_OF = re.compile(r"(?P<body>[\u4e00-\u9fff]{2,10}?)(?:的|里|这边|那边)?(?:是谁)?(?:一把手|头儿|头头|当家人?|掌门人|主要负责人|负责人|老大)")
_HEAD_POST = re.compile(r"(?<!副)(?:主席|局长|主任|书记|部长|院长|检察长|会长|区长|市长|县长|镇长)$")


# 「负责即墨应急管理工作的局长」「管组织工作的部长」「负责常务工作的那位副区长」: a post by what it is in charge of
_IN_CHARGE = re.compile(r"(?:负责|分管|主管|管)(?P<field>[\u4e00-\u9fff]{2,10}?)(?:工作|口|方面)?的(?:那位|那个|这位)?"
                        # 「管教育体育口的那个局，局长叫什么」: the office, then its head
                        r"(?:(?:[局委办]|部门|单位)[，,]\s*)?"
                        r"(?P<post>[\u4e00-\u9fff]{2,5}?)(?=是谁|叫什么|是哪位|由谁|是)")
# 「管市场监管的那个局换成谁当局长了」: the office first, the post after who holds it
_IN_CHARGE_THEN = re.compile(r"(?:负责|分管|主管|管)(?P<field>[\u4e00-\u9fff]{2,10}?)(?:工作|口|方面)?的(?:那个|这个)?"
                             r"(?:[局委办]|部门|单位)[^，。？?]{0,8}?谁(?:来)?(?:当|任|做|是)(?P<post>[\u4e00-\u9fff]{2,3}?)"
                             r"(?=了|呢|啊|[？?]|$)")
_GENERIC_FIELD = set("即墨区市县工作管理的")


def in_charge_of(question: str, known_titles) -> tuple[str, str] | None:
    """(the printed title of the post in charge of what the question names, the words): the titles ending in
    the post asked whose other characters share most with the field (应急管理 → 区应急局局长), at least two."""
    m = _IN_CHARGE.search(question) or _IN_CHARGE_THEN.search(question)
    if not m:
        return None
    field, post = set(m.group("field")) - _GENERIC_FIELD, m.group("post")
    # the paper's own district before another body's (区应急局局长, not 市应急局局长) when both fit
    scored = [(len(field & set(t[: -len(post)])), t.startswith("区"), -len(t), t) for t in known_titles if t.endswith(post)]
    best = max(scored, default=None)
    return (best[3], m.group(0)) if best and best[0] >= 2 else None


def head_of(question: str, known_titles) -> tuple[str, str] | None:
    """(the archive's title for the head of the body a question names in its own words, the words): 区发改局的
    一把手 → 区发改局局长. The printed titles of that body's top post (not 副…), the shortest if several."""
    m = _HEAD_OF.search(question)
    if not m:
        return None
    body = re.sub(r"^(?:年|月|日|[春夏秋冬]天|年初|年底|年中|那会儿?|的时候|时|前后|左右)+", "", m.group("body"))
    body = re.sub(r"^.*?(?:分管|主管|管|负责)", "", body)  # 「区里管商务局的」
    body = re.sub(r"^(?:即墨区?|我区|全区|区里)", "区", body)
    heads = [t for t in known_titles if (t.startswith(body) or t.startswith("区" + body))
             and _HEAD_POST.search(t) and "副" not in t]
    return (min(heads, key=len), m.group(0)) if heads else None


def with_place(q: str, title: str) -> str:
    """The title with the place the question puts before it (胶州市市长, 城阳区区长): the records keep each
    title's body, and a bare 市长 means another one."""
    from qa.meetings.bodies import place_of

    # 「胶州那边当市长的」: a colloquial "over there, serving as" between the place and the post
    q = re.sub(r"(?:那边|这边|那里|这里)(?:的)?(?:当|做|任|担任)?", "", q)
    i = q.rfind(title)  # the title nearest the end: 「…区长上官立新」 reads what stands before the name
    # what stands between the title and the time or verb before it (「2021年担任即墨区区长」 → 即墨区)
    before = re.split(r"[\d年月日的时任在是为和与及、，,]", q[max(0, i - 8):i])[-1] if i > 0 else ""
    for k in range(len(before)):
        # 「胶州市长」 writes the 市 of 胶州市 once: read it as 胶州市市长 too
        for written in (before[k:] + title, before[k:] + title[0] + title):
            place = place_of(written)
            # a place is a name, not 「底即墨区」 or 「那边当市」 cut from the words around it
            if (place and written.startswith(place) and len(written) > len(place) + 1
                    and not re.search(r"[那这边当底初末时候前后起]", place)):
                return written
    return title


def said_forms(title: str) -> set[str]:
    """A printed post as people say it: without the district's 区 or 区委 (住建局局长, 政协副主席, 组织部部长),
    and contracted (组织部长, 应急局长)."""
    # never a bare 委… (区委副书记 is not 委副书记, which 市委副书记 holds too)
    bare = (title[2:] if title.startswith("区委") and len(title) > 5
            else title[1:] if title.startswith("区") and title[1:2] != "委" and len(title) > 3 else title)
    return {short for said in {bare, title}
            for short in (said, said.replace("部部长", "部长"), said.replace("局局长", "局长"))}


@dataclass(frozen=True)
class Route:
    """Where a question goes, with the entities it names."""

    kind: RouteKind
    role: MeetingRole = "any"
    person: str | None = None
    title: str | None = None
    year: int | None = None
    month: int | None = None
    issue_no: int | None = None
    date: tuple[int, int, int] | None = None
    ordinals: tuple[str, ...] = ()
    count: bool = False
    in_issue: bool = False  # `date` is the day of the issue that reported it (「2023年4月13日这期报纸里」)


def _year_month(question: str) -> tuple[int | None, int | None]:
    m = _YEAR.search(question)
    year = int(m.group(1)) if m else None
    mm = _MONTH.search(question)
    return year, int(mm.group(1)) if mm else None


def route(question: str, known_people: set[str], known_titles: set[str] = frozenset()) -> Route:
    """Decide how to answer; `known_people` and `known_titles` are the archive's vocabularies (longest wins)."""
    q = english_dates(question.strip())  # "in June 2022" is 2022年6月 for every reader below
    year, month = _year_month(q)
    ordinals = tuple(_ORDINAL.findall(q))
    person = next((p for p in sorted(known_people, key=len, reverse=True) if p in q), None)

    issue = ISSUE_NO.search(q)
    # "the photo published in issue 3247": published names the issue, the photo is asked about
    if issue and _ASKS_DATE.search(q) and not _ABOUT_PHOTO.search(q):
        return Route("issue", issue_no=int(issue.group(1) or issue.group(2)))
    full = _FULL_DATE.search(q)
    if full and _ASKS_ISSUE_NO.search(q):
        return Route("issue", date=tuple(int(x) for x in full.groups()))
    if _ASKS_ISSUE_NO.search(q) and (w := question_window(q, slack_days=0)) and w.precision == "day":
        return Route("issue", date=(w.start.year, w.start.month, w.start.day))  # "the paper dated May 21, 2024"

    titles = set(TITLES) | {t for t in known_titles if len(t) >= 2}
    head = head_of(q, known_titles) or in_charge_of(q, known_titles)
    # a district office's post asked without its 区 (「住建局局长」) is the district's; and as people say it,
    # 组织部长 for 组织部部长, 应急局长 for 应急局局长
    printed = {t: t for t in titles}
    for t in sorted(titles):
        for short in said_forms(t):
            printed.setdefault(short, t)
    said = None if head else next((t for t in sorted(printed, key=len, reverse=True) if t in q), None)
    title = head[0] if head else printed.get(said)
    if title is None and "的" in q:
        # 「即墨区政协的主席」 names the post 区政协主席
        title = next((t for t in sorted(titles, key=len, reverse=True) if len(t) >= 3 and t in q.replace("的", "")), None)
    title = title or next((zh for en, zh in _TITLE_EN.items() if en in q.lower()), None)
    bare = title
    title = with_place(q.replace("的", ""), title) if title else title
    if person and _ASKS_ROLE.search(q):
        return Route("person_role", person=person, year=year, month=month)
    # what the question says besides the post (as written, with its place, or contracted: 胶州市长)
    rest = q.replace(head[1], "") if head else q
    rest = rest.replace("的", "")
    for written in (title, re.sub(r"(市|区)\1", r"\1", title or ""), bare, said):
        rest = rest.replace(written, "") if written else rest
    if (title and _ASKS_WHO.search(q) and not any(p.search(q) for _, p in _ROLE_WORDS)
            and len(_POST_QUESTION_NOISE.sub("", rest)) <= 4):
        # only the post, a time and the asking: 「2022年谁担任即墨区区长？」, not 「哪位副区长陪着去的」
        return Route("title_holder", title=title, year=year, month=month)

    roles = _roles(q)
    if person and _ASKS_PERSON_MEETINGS.search(q) and not _ASKS_PEOPLE.search(q):
        # 「孙杰主持的会议有哪些」: here the verb before 的 is what is asked about
        # 「参加或主持过哪些会」 names two roles: the meetings in either, each with the role it printed
        joined = re.search(r"或者?|和|、|及|与|\bor\b|\band\b", q)
        role = roles[0][0] if roles and (len({r for r, _ in roles}) == 1 or not joined) else "any"
        day = _FULL_DATE.search(q)  # 「2023年2月25日这一天孙杰都忙了哪些事」: that day only
        # 「2023年4月13日这期报纸里」 "as reported in the 17 April 2025 issue": what that issue reported
        in_issue = bool(day and _THAT_ISSUE.search(q))
        return Route("person_meetings", person=person, role=role, year=year, month=month,
                     date=tuple(int(x) for x in day.groups()) if day else None, in_issue=in_issue)
    count = bool(_ASKS_COUNT.search(q))
    if not roles and _COUNTS_PEOPLE.search(q) and _NAMES_EVENT.search(q):
        return Route("meeting", role="any", person=person, title=title, year=year, month=month, ordinals=ordinals,
                     count=True)
    if roles and (count or _ASKS_FOR_NAMES.search(q)):
        # 「孙杰主持的座谈会，哪些副区长参加？」 asks who took part: 「主持的」 only says which meeting
        asked = [r for r, modifier in roles if not modifier]
        return Route("meeting", role=asked[0] if asked else "any", person=person, title=title, year=year,
                     month=month, ordinals=ordinals, count=count)
    return Route("retrieval", person=person, year=year, month=month, ordinals=ordinals)
