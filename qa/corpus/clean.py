"""OCR repair for column-wrapped newspaper text; pure functions over strings."""

from __future__ import annotations

import re

# Characters that belong to Chinese running text: ideographs, CJK punctuation,
# full-width forms and curly quotes. A space between two of these (or between one
# of these and a digit/Latin letter) is column-wrapping noise, never meaning.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2014\u2026\u00b7"
_CJK_CHAR = f"[{_CJK}]"
_SPACES = "[ \t\u00a0\u3000]+"

_SPACE_NEXT_TO_CJK = re.compile(f"(?<={_CJK_CHAR}){_SPACES}|{_SPACES}(?={_CJK_CHAR})")
# "8 30-9:30": the colon of the first time was lost in extraction.
_BROKEN_TIME_RANGE = re.compile(r"(?<!\d)(\d{1,2}) (\d{2})-(\d{1,2}):(\d{2})(?!\d)")

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def is_cjk(ch: str) -> bool:
    """True for a character of Chinese running text (ideograph or CJK punctuation)."""
    return bool(re.match(_CJK_CHAR, ch))


def remove_wrap_spaces(text: str) -> str:
    """Drop spaces that touch Chinese text (`韩 世军` → `韩世军`); keep `87565071 87565961`."""
    text = _BROKEN_TIME_RANGE.sub(r"\1:\2-\3:\4", text)
    return _SPACE_NEXT_TO_CJK.sub("", text)


def _full_width_punctuation(text: str) -> str:
    out = list(text)
    for i, ch in enumerate(text):
        full = _HALF_TO_FULL.get(ch)
        if full is None:
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in ":," and prev.isdigit() and nxt.isdigit():
            continue  # 8:30, 1,000
        neighbour_cjk = is_cjk(prev) or is_cjk(nxt)
        if neighbour_cjk:
            out[i] = full
    return "".join(out)


def _curly_quotes(text: str) -> str:
    """Straight double quotes in Chinese text become “ ” pairs, when they pair up."""
    if '"' not in text or text.count('"') % 2:
        return text
    parts = text.split('"')
    return "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]


def clean_line(text: str) -> str:
    """Repair one paragraph of running text: wrap spaces, half-width punctuation, quotes."""
    text = _full_width_punctuation(remove_wrap_spaces(text.strip()))
    # once `, ` has become `，` the space after it touches Chinese too
    return _curly_quotes(_SPACE_NEXT_TO_CJK.sub("", text))


def clean_heading(text: str) -> str:
    """A headline is one phrase wrapped over lines: same repair as running text."""
    return clean_line(text)


def clean_subheading(text: str) -> str:
    """A sub-headline lists clauses separated by spaces (`韩世军出席并讲话 孙杰主持`): keep them."""
    return " ".join(clean_line(part) for part in text.split())
