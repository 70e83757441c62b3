"""Question normalisation: one written form for the many a user types (pure).

Traditional characters become simplified (opencc), full-width letters, digits and
punctuation become half-width (NFKC), spaces inside Chinese (a name pasted from the
column-wrapped paper, 韩 世军) are dropped, and conversational filler around the ask
(请问…, …麻烦告诉我) is removed. Every later stage sees this form; the answer still
quotes the user's own question.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = r"\u3400-\u9fff"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# Polite openings and closings carry no content; removing them is harmless when absent.
_FILLER_HEAD = re.compile(
    r"^(?:请问一下|请问|麻烦问一下|麻烦|我想(?:了解|知道|问)(?:一下)?|想(?:了解|知道|问)(?:一下)?|能(?:否|不能)?告诉我|"
    r"帮我查(?:一下|查)?|查一下|你好|您好)[，,：:、\s]*"
)
_FILLER_TAIL = re.compile(r"[，,。.\s]*(?:麻烦|请)?(?:告诉我|说一下|查一下|谢谢(?:你|您)?)[。.!！]*$")
# NFKC turns Chinese full-width punctuation into ASCII; the stages after this read Chinese
# punctuation, so these are put back.
_BACK_TO_CJK = str.maketrans({"?": "？", ",": "，", ":": "：", ";": "；", "!": "！", "(": "（", ")": "）"})


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _has_cjk(text: str) -> bool:
    return bool(re.search(rf"[{_CJK}]", text))


# A meeting's number in Chinese numerals (第八次, 十九届): as digits, the way most reports print them
# (第8次); relevance compares numerals digit-wise, so 十九届 in a report still matches 19届.
_SERIES = re.compile(r"(第?)([零〇一二三四五六七八九十百两]+)(次|届)")


def _series_digits(m: re.Match) -> str:
    import cn2an

    try:
        return f"{m.group(1)}{int(cn2an.cn2an(m.group(2).replace('两', '二'), 'smart'))}{m.group(3)}"
    except (ValueError, KeyError, IndexError):
        return m.group(0)


_SERIES_DIGITS = re.compile(r"(第?)(\d{1,3})(次|届)")


def with_chinese_numerals(query: str) -> str:
    """A search query with each numbered session also in Chinese numerals (第26次 → 第二十六次): a report may
    print either, and word search matches only the form it was given."""
    import cn2an

    extra = [f"{m.group(1)}{cn2an.an2cn(m.group(2))}{m.group(3)}" for m in _SERIES_DIGITS.finditer(query)]
    return f"{query} {' '.join(extra)}" if extra else query


def normalise_question(question: str) -> str:
    """The question in simplified characters, half-width letters and digits, no OCR spaces, no filler."""
    text = unicodedata.normalize("NFKC", question).strip()
    if not _has_cjk(text):
        return text  # English: only widths; its punctuation stays ASCII
    text = _t2s().convert(text)
    text = text.translate(_BACK_TO_CJK)
    text = _SPACE_IN_CJK.sub("", text)
    for _ in range(2):  # 「请问，我想了解一下：…」
        text = _FILLER_HEAD.sub("", text).strip()
    text = _FILLER_TAIL.sub("", text).strip()
    text = _SERIES.sub(_series_digits, text)
    # 「23年春天」 at the start of a question is 2023年 (not a span of 23 years)
    text = re.sub(r"^(\d{2})年(?=[春夏秋冬上下初底中年]|\d{1,2}月)", r"20\1年", text)
    if text and not re.search(r"[？?。！]$", text) and re.search(r"谁|哪|什么|多少|几|何|吗|是否|怎么|如何", text):
        text += "？"
    return text or question.strip()


@lru_cache(maxsize=4)
def _simplified_forms(names: frozenset[str]) -> dict[str, str]:
    return {simple: name for name in names if (simple := _t2s().convert(name)) != name}


def with_archive_names(question: str, names: frozenset[str]) -> str:
    """Names the archive prints with a character opencc simplifies (上官雪濛 → 上官雪蒙) put back as printed,
    so a normalised question still names the person the records know."""
    for simple, name in _simplified_forms(names).items():
        if simple in question:
            question = question.replace(simple, name)
    return question
