"""Person names found in an issue (pure), so the BM25 tokenizer keeps each name one token.

A first, rule-based harvest: bylines, names after a role title (区委书记韩世军), 、-joined
lists before 参加/出席, and sub-headlines (孙杰主持). The meeting-records module has a
better registry; ingestion accepts its names as extra words.
"""

from __future__ import annotations

import re
from typing import Iterable

from qa.corpus.models import Article

_HAN = r"[\u4e00-\u9fff]"
_NAME = rf"{_HAN}{{2,3}}?"
_ROLE = (
    r"(?:书记|区长|市长|主任|主席|局长|部长|司长|总指挥|常委|秘书长|院长|校长|董事长|总经理|经理|队长|所长|成员)"
)
# What may follow a name: punctuation or a verb of the report formula.
_AFTER = (
    r"(?=[，。、；：,;:\s（(“]|主持|出席|参加|讲话|强调|指出|表示|带领|陪同|调研|视察|走访|致辞|介绍|通报"
    r"|正在|在|对|作|等|率|一行|说|和|与|及|为|向|到|先后|$)"
)
_ROLE_THEN_NAMES = re.compile(rf"{_ROLE}((?:{_NAME}、)*{_NAME}){_AFTER}")
_LIST_BEFORE_VERB = re.compile(rf"(?:^|(?<=[，。；：\n]))((?:{_HAN}{{2,3}}、)+{_HAN}{{2,3}})(?=参加|出席)", re.M)
_SUBHEAD_NAME = re.compile(rf"(?:^|(?<=\s))({_HAN}{{2,3}})(?=出席|主持|讲话|等领导)")
# Characters that end organisations and places, never a person's name.
_NOT_IN_NAME = set("区市县镇街局委会部组办院校司厂所处科室站中心队团社村省国党政府的和与及等各全")


def plausible_name(word: str) -> bool:
    """Two to four Han characters and none of the characters that mark an organisation."""
    return bool(re.fullmatch(rf"{_HAN}{{2,4}}", word)) and not (set(word) & _NOT_IN_NAME)


def names_in_text(text: str) -> set[str]:
    """Names introduced by a role title or listed before 参加/出席 in running text."""
    found: set[str] = set()
    for m in _ROLE_THEN_NAMES.finditer(text):
        found.update(m.group(1).split("、"))
    for m in _LIST_BEFORE_VERB.finditer(text):
        found.update(m.group(1).split("、"))
    return {n for n in found if plausible_name(n)}


def names_in_subtitle(subtitle: str) -> set[str]:
    """Names in a sub-headline such as `韩世军出席并讲话 孙杰主持`."""
    return {n for n in _SUBHEAD_NAME.findall(subtitle) if plausible_name(n)}


def person_names(articles: Iterable[Article]) -> set[str]:
    """Every person name the rules find in articles: bylines, role titles, lists, sub-headlines."""
    names: set[str] = set()
    for article in articles:
        names.update(n for n in article.byline if plausible_name(n))
        names |= names_in_text(article.body)
        names |= names_in_subtitle(article.subtitle)
    return names
