"""The grounding check: every name, number and date in an answer must stand in its sources.

Hand-written because it is the product's core promise and must be exact, not scored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CN_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# A name right after a title catches invented people the registry has never seen (姜玉林).
_TITLED_NAME = re.compile(
    r"(?:书记|区长|市长|主任|主席|局长|部长|司长|常委|总指挥)(?![会委员的和及在主出参讲等与由])([\u4e00-\u9fff]{2,3})"
)


@dataclass
class Grounding:
    """Which sentences of an answer are supported, and the facts that were not."""

    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsupported


def numerals_as_digits(text: str) -> str:
    """Chinese numerals as digits (五个 → 5个, 两千余人 → 2000余人); the text as it was where cn2an cannot read it."""
    import warnings

    import cn2an

    try:
        with warnings.catch_warnings():  # cn2an warns on every unit it cannot read alone (亿, 万)
            warnings.simplefilter("ignore")
            return cn2an.transform(text, "cn2an")
    except (ValueError, KeyError, IndexError):
        return text


def dates_in(text: str, default_year: int | None = None) -> set[dt.date]:
    """Dates written in a text, in Chinese (年月日) or ISO form."""
    found = set()
    for y, m, d in _ISO_DATE.findall(text):
        found.add(_date(y, m, d))
    for y, m, d in _CN_DATE.findall(text):
        if y or default_year:
            found.add(_date(y or default_year, m, d))
    return {d for d in found if d}


def _date(y, m, d) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _without_dates(text: str) -> str:
    return _CN_DATE.sub(" ", _ISO_DATE.sub(" ", text))


def facts_in(text: str, known_names: set[str]) -> tuple[set[str], set[str], set[dt.date]]:
    """(names, numbers, dates) a text states; names are those of the registry found in it."""
    text = re.sub(r"\[\d+\]", "", text)
    names = {n for n in known_names if n in text}
    names |= {m for m in _TITLED_NAME.findall(text) if not any(m.startswith(n) or n.startswith(m) for n in names)}
    numbers = set(_NUMBER.findall(_without_dates(text)))
    return names, numbers, dates_in(text)


def check(
    answer: str,
    sources: list[str],
    known_names: set[str],
    allowed_dates: set[dt.date] = frozenset(),
    default_year: int | None = None,
) -> Grounding:
    """Keep the answer's sentences whose names, numbers and dates all occur in `sources`.

    `allowed_dates` are dates the sources state indirectly (昨日 resolved against the issue date,
    the issue's own date).
    """
    support = "\n".join(sources)
    # 「五个项目」 supports 5: numbers count however the paper spelled them
    support_numbers = set(_NUMBER.findall(support)) | set(_NUMBER.findall(numerals_as_digits(support)))
    support_dates = dates_in(support, default_year) | set(allowed_dates)
    result = Grounding()
    for sentence in (s.strip() for s in _SENTENCE.findall(answer)):
        if not sentence:
            continue
        names, numbers, dates = facts_in(sentence, known_names)
        bad = [n for n in names if n[:2] not in support]
        bad += [n for n in numbers if n not in support_numbers]
        bad += [d.isoformat() for d in dates if d not in support_dates]
        if bad:
            result.dropped.append(sentence)
            result.unsupported.extend(bad)
        else:
            result.kept.append(sentence)
    return result
