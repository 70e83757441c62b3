"""English questions meet a Chinese archive: names by their pinyin, the paper's titles and nouns by a glossary.

People are linked through the archive's own vocabulary: every person the records know is
turned into pinyin (pypinyin, every reading of a heteronym), so "Qi Jianguo" or "Ouyang
Zhenbang" finds 綦建国 or 欧阳振邦 without a list of names. The glossary maps the report
language's titles, roles and event nouns; it only adds Chinese words for search and routing
beside the English (a feature: a question it does not cover still goes to dense retrieval,
which is cross-lingual).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

# Longest first when applied; each English phrase adds its Chinese beside the question.
GLOSSARY: dict[str, str] = {
    "party secretary": "区委书记",
    "deputy party secretary": "区委副书记",
    "district mayor": "区长",
    "deputy district mayor": "副区长",
    "deputy district head": "副区长",
    "vice district head": "副区长",
    "executive deputy": "常务副区长",
    "district head": "区长",
    "mayor": "市长",
    "people's congress": "人大常委会",
    "standing committee": "常委会",
    "cppcc": "政协",
    "political consultative": "政协",
    "vice-chairperson": "副主席",
    "vice-chairpersons": "副主席",
    "vice chairperson": "副主席",
    "vice-chairman": "副主席",
    "vice-chairmen": "副主席",
    "vice-chair": "副主席",
    "vice-chairs": "副主席",
    "chairperson": "主席",
    "chairman": "主席",
    "chairwoman": "主席",
    "director": "主任",
    "executive meeting": "常务会议",
    "party group": "党组",
    "work conference": "工作会议",
    "symposium": "座谈会",
    "seminar": "座谈会",
    "signing ceremony": "签约仪式",
    "signing": "签约",
    "inspection": "视察",
    "inspected": "视察",
    "investigated": "调研",
    "research visit": "调研",
    "business environment": "营商环境",
    "safety": "安全生产",
    "epidemic": "疫情防控",
    "total investment": "总投资",
    "investment": "投资",
    "output value": "产值",
    "project": "项目",
    "chaired": "主持",
    "presided": "主持",
    "attended": "出席",
    "took part": "参加",
    "participated": "参加",
    "sat in": "列席",
    "observers": "列席",
    "accompanied": "陪同",
    "met with": "会见",
    "received": "会见",
    "witnessed": "见证",
    "led": "带队",
    "spoke": "讲话",
    "speech": "讲话",
    "report": "报告",
    "caption": "图片",
    "photo": "图片",
    "jiaozhou": "胶州",
    "chengyang": "城阳",
    "laixi": "莱西",
    "west coast": "西海岸",
    "qingdao": "青岛",
    "jimo": "即墨",
}
_TITLES_EN = [en for en, zh in GLOSSARY.items() if zh.endswith(("长", "书记", "主席", "主任"))]
_TITLE_OF = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _TITLES_EN), key=len, reverse=True))
                       + r")\s+of\s+(?:the\s+)?([A-Z][a-z]+|[\u4e00-\u9fff]{2,5})", re.I)
GLOSSARY_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, GLOSSARY), key=len, reverse=True)) + r")\b", re.I)
# a heteronym-rich word would have hundreds of readings; the first few are the usual ones
MAX_READINGS = 16
# capitalised English words in a run: "Qi Jianguo", "Desheng Group"
CAPITALISED_RUN = re.compile(r"\b([A-Z][a-z]+(?:[\s-]+[A-Z][a-z]+){0,3})\b")


_MONTH_NAMES = "january february march april may june july august september october november december".split()
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_YR = r"((?:19|20)\d{2})"
# the English ways of writing a date, most precise first, each with how to write it in Chinese
_EN_DATES = [
    (re.compile(rf"\b(\d{{1,2}}){_ORD}\s*[–—-]\s*(\d{{1,2}}){_ORD}\s+{_MON},?\s+{_YR}\b", re.I),
     lambda m: f"{m[4]}年{_mon(m[3])}月{int(m[1])}日至{int(m[2])}日"),
    (re.compile(rf"\b(\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MON},?\s+{_YR}\b", re.I),
     lambda m: f"{m[3]}年{_mon(m[2])}月{int(m[1])}日"),
    (re.compile(rf"\b{_MON}\s+(\d{{1,2}}){_ORD},?\s+{_YR}\b", re.I),
     lambda m: f"{m[3]}年{_mon(m[1])}月{int(m[2])}日"),
    (re.compile(rf"\b{_MON}\s*[–—-]\s*{_MON},?\s+{_YR}\b", re.I),
     lambda m: f"{m[3]}年{_mon(m[1])}—{_mon(m[2])}月"),
    (re.compile(rf"\b{_MON},?\s+(?:of\s+)?{_YR}\b", re.I), lambda m: f"{m[2]}年{_mon(m[1])}月"),
    (re.compile(rf"\b(\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MON}\b(?!\s*\d)", re.I), lambda m: f"{_mon(m[2])}月{int(m[1])}日"),
    (re.compile(rf"\b{_MON}\s+(\d{{1,2}}){_ORD}\b(?![\d,])", re.I), lambda m: f"{_mon(m[1])}月{int(m[2])}日"),
    (re.compile(rf"(?<![\d年—])\b{_YR}\b(?![年\d])"), lambda m: f"{m[1]}年"),
]


def _mon(name: str) -> int:
    return next(i for i, full in enumerate(_MONTH_NAMES, 1) if full.startswith(name.lower().rstrip(".")[:3]))


def english_dates(text: str) -> str:
    """English dates written the paper's way: "9 September 2024" → 2024年9月9日, "June 2023" → 2023年6月, "in 2022" → 2022年.

    One reading of English dates for the whole engine: after it, the Chinese date readers
    (qa.answer.when, qa.meetings.dates) see an English question's time as they see a Chinese one's.
    "May" alone stays a word ("may I ask"): only with a day or a year is it a month.
    """
    for pattern, chinese in _EN_DATES:
        text = pattern.sub(chinese, text)
    return text


_WH = re.compile(r"\b(who|whom|whose|where|when|how\s+(?:many|much|large|big|long|far|high)|what|which)\b((?:\s+[a-z'-]+){0,4})", re.I)
# the noun after "what"/"which" says what kind of answer is wanted
_WHAT_KIND = [
    ("date", re.compile(r"\b(date|day|time|year|month)s?\b", re.I)),
    ("place", re.compile(r"\b(place|venue|location|town|township|subdistrict|street|village|city|hall|site|school|where)s?\b", re.I)),
    ("who", re.compile(r"\b(leader|official|people|person|deputy|vice|head|member|chair|director|mayor|secretary|cadre|guest)s?\b", re.I)),
    ("number", re.compile(r"\b(figure|rate|amount|total|number|percentage|value|investment|area|output|revenue|growth|capacity|"
                          r"budget|cost|price|spending|funding|tax|salary|income|sum)s?\b", re.I)),
]


def english_asks(question: str) -> str | None:
    """What kind of answer an English question wants, from its first question word; None for a question not in English.

    The first question word governs: "What was Jiao Liqun's post when the district head toured…"
    asks for a post, though "when" comes later; "Who chaired the meeting where…" asks who.
    """
    if len(re.findall(r"[A-Za-z]{2,}", question)) < 3 or len(re.findall(r"[A-Za-z]", question)) < 2 * len(
            re.findall(r"[\u4e00-\u9fff]", question)):
        return None
    m = _WH.search(question)
    if not m:
        return None
    if m.group(1).lower() in ("when", "where") and (later := re.search(r"[,;]\s*(?=" + _WH.pattern + ")", question, re.I)):
        # "When Sun Jie visited the firms, who took part?": the clause before the comma only sets the scene
        m = _WH.search(question, later.end())
    word, after = m.group(1).lower(), m.group(2)
    if word in ("who", "whom", "whose"):
        return "who"
    if word in ("where", "when"):
        return "place" if word == "where" else "date"
    if word.startswith("how"):
        return "number"
    return next((kind for kind, noun in _WHAT_KIND if noun.search(after)), "other")


_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEENS = ("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
          "nineteenth").split()
_TENS = {"twent": 20, "thirt": 30, "fort": 40, "fift": 50, "sixt": 60, "sevent": 70, "eight": 80, "ninet": 90}
ORDINAL_WORD = re.compile(r"\b(?:(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-]?)?("
                           + "|".join(_TEENS + _UNITS) + r")\b|\b(twentieth|thirtieth|fortieth|fiftieth|sixtieth|"
                           r"seventieth|eightieth|ninetieth)\b|\b(\d{1,3})(?:st|nd|rd|th)\b", re.I)
# what the paper numbers, a few words after an ordinal word
_NUMBERED_THING = re.compile(r"^(?:\s+[\w'()-]+){0,4}?\s+(?:sessions?|meetings?|plenar|conferences?|sittings?|congress|"
                             r"committee|cppcc|rounds?|batch|group)", re.I)
# what a term of office numbers (届), as against a session or a meeting (次)
_TERM_OF = re.compile(r"^\s*(?:(?:jimo\s+)?district\s+)?(?:people'?s\s+congress|standing\s+committee|cppcc|"
                      r"(?:district\s+)?committee|political\s+consultative|party\s+congress|government|npc)", re.I)


def _ordinal_value(m: re.Match) -> int:
    tens, unit, round_tens, digits = m.groups()
    if digits:
        return int(digits)
    if round_tens:
        return next(v for k, v in _TENS.items() if round_tens.lower().startswith(k))
    word = unit.lower()
    value = _UNITS.index(word) + 1 if word in _UNITS else _TEENS.index(word) + 10
    return value + (next(v for k, v in _TENS.items() if tens.lower().startswith(k)) if tens else 0)


def ordinals_in_chinese(question: str) -> list[str]:
    """An English question's ordinals the paper's way: "the sixth session" → 第六次, "the 88th regular meeting" →
    第88次, "the 19th Standing Committee" → 十九届 (a term of office is numbered in 届, and without 第)."""
    import cn2an

    out = []
    for m in ORDINAL_WORD.finditer(question):
        n = _ordinal_value(m)
        if not 0 < n < 1000 or not m.group(4) and not _NUMBERED_THING.match(question[m.end():]):
            continue  # "for the first time", "the second half" number nothing the paper numbers
        # a term is printed in Chinese numerals (十九届); a session as the question wrote it (第88次, 第六次)
        if _TERM_OF.match(question[m.end():]):
            out.append(f"{cn2an.an2cn(n)}届")
        else:
            out.append(f"第{m.group(4) or cn2an.an2cn(n)}次")
    return list(dict.fromkeys(out))


def is_english(question: str) -> bool:
    """English, though its dates may be written the paper's way already (english_dates: 2024年9月9日)."""
    undated = re.sub(r"\d+\s*[年月日号]|[至—]", "", question)
    return not re.search(r"[\u4e00-\u9fff]", undated) and bool(re.search(r"[A-Za-z]", question))


def pinyin_readings(zh: str) -> list[str]:
    """The toneless pinyin of a Chinese word, every reading of its heteronyms (up to a cap), usual reading first."""
    from pypinyin import Style, pinyin

    syllables = pinyin(zh, style=Style.NORMAL, heteronym=True)
    return ["".join(parts) for parts in itertools.islice(itertools.product(*syllables), MAX_READINGS)]


@lru_cache(maxsize=8)
def _pinyin_index(people: frozenset[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for person in people:
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", person):
            continue
        for reading in pinyin_readings(person):
            index.setdefault(reading, person)
    return index


def link_names(question: str, people: Iterable[str]) -> list[tuple[str, str]]:
    """(pinyin as written, person) for each run of capitalised words that reads as a known person."""
    index = _pinyin_index(frozenset(people))
    found = []
    for m in CAPITALISED_RUN.finditer(question):
        words = re.split(r"[\s-]+", m.group(1))
        # the longest run of words that reads as a name: "Qi Jianguo", "Ouyang Zhen Bang"
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                key = "".join(words[start : start + size]).lower()
                if key in index:
                    found.append((" ".join(words[start : start + size]), index[key]))
                    break
            else:
                continue
            break
    return found


def chinese_cues(question: str, people: Iterable[str],
                 spelled: Callable[[str], list[tuple[str, str]]] | None = None,
                 drop: Callable[[str], bool] = lambda term: False) -> str:
    """An English question with the archive's Chinese for its names put in place and its terms added after it.

    `spelled`: other names the archive prints, from their pinyin (qa.answer.bridge.EnglishBridge.spelled);
    people the records know are linked first. `drop`: glossary terms not to add (the role verbs, which the
    English verbs already say in their own order).
    """
    out = english_dates(question)
    for written, person in link_names(question, people):
        out = out.replace(written, person)
    for written, zh in spelled(out) if spelled else []:
        if written.lower() not in GLOSSARY:  # the glossary's own places (Jiaozhou → 胶州) come first
            out = out.replace(written, zh, 1)
    terms = [t for t in dict.fromkeys(GLOSSARY[m.group(1).lower()] for m in GLOSSARY_RE.finditer(question)) if not drop(t)]
    # "the mayor of Jiaozhou" is 胶州市长: the post with the place it belongs to, as the paper writes it
    for m in _TITLE_OF.finditer(out):
        place = GLOSSARY.get(m.group(2).lower(), m.group(2))
        if re.fullmatch(r"[\u4e00-\u9fff]{2,5}", place):
            title = GLOSSARY[m.group(1).lower()]
            terms = [t for t in terms if t not in (place, title)] + [place + title]
    terms += ordinals_in_chinese(question)
    return f"{out} {' '.join(terms)}".strip() if terms else out
