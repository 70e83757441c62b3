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
from collections.abc import Iterable
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
GLOSSARY_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, GLOSSARY), key=len, reverse=True)) + r")\b", re.I)
_NAME_RUN = re.compile(r"\b([A-Z][a-z]+(?:[\s-]+[A-Z][a-z]+){0,2})\b")


def is_english(question: str) -> bool:
    return not re.search(r"[\u4e00-\u9fff]", question) and bool(re.search(r"[A-Za-z]", question))


def _readings(name: str) -> set[str]:
    from pypinyin import Style, pinyin

    syllables = pinyin(name, style=Style.NORMAL, heteronym=True)
    return {"".join(parts) for parts in itertools.product(*syllables)}


@lru_cache(maxsize=8)
def _pinyin_index(people: frozenset[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for person in people:
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", person):
            continue
        for reading in _readings(person):
            index.setdefault(reading, person)
    return index


def link_names(question: str, people: Iterable[str]) -> list[tuple[str, str]]:
    """(pinyin as written, person) for each run of capitalised words that reads as a known person."""
    index = _pinyin_index(frozenset(people))
    found = []
    for m in _NAME_RUN.finditer(question):
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


def chinese_cues(question: str, people: Iterable[str]) -> str:
    """An English question with the archive's Chinese for its names put in place and its terms added after it."""
    out = question
    for written, person in link_names(question, people):
        out = out.replace(written, person)
    terms = list(dict.fromkeys(GLOSSARY[m.group(1).lower()] for m in GLOSSARY_RE.finditer(question)))
    # "the 88th regular meeting" is the paper's 第88次
    terms += [f"第{n}次" for n in re.findall(r"\b(\d{1,3})(?:st|nd|rd|th)\b", question)]
    return f"{out} {' '.join(terms)}".strip() if terms else out
