"""Is an article about what the question asks? Weighted by how rare each question word is in the archive (pure).

A question's words are not equal: 「恒岳」「三期」「綦建国」 pick out one article, 「会议」「工作」
match hundreds. Each word weighs its inverse document frequency in the archive's own
index. A word the archive never uses weighs like the rarest word (most when it names
something: a proper noun, a numbered thing like 三期): no article can state what the
question asks with it, so a question resting on it is about something the paper never
reported. Ordinary words a user chose in place of the paper's (「下去」「看看」) are mostly
common words the archive has, so they weigh little.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning

# jieba part-of-speech tags that name things: people, places, organisations, other proper nouns,
# Latin letters. Times are not here: the question's dates narrow the search instead.
_NAMING_TAGS = ("nr", "ns", "nt", "nz", "eng")
# A numbered thing (三期, 第90次, 十九届) distinguishes one of a series from its siblings.
_NUMBERED = re.compile(r"[0-9一二三四五六七八九十百两]+\s*(期|次|届|批|轮|号)")


# The weights (verb_salience, unknown_plain, everyday_freq) are settings: qa.answer.tuning. A name, or a word
# rare in the language at large (「鼓号操」「少先队」), keeps full weight: it is what the paper never reported;
# a plain, everyday word the archive never prints (「盘子」「点名」) is the user's own word for what the paper
# says its way, and weighs less.


@dataclass(frozen=True)
class Weighted:
    """A question word, how much it counts, and whether the archive has it at all."""

    term: str
    weight: float
    known: bool
    naming: bool


@lru_cache(maxsize=4096)
def _naming(term: str) -> bool:
    import jieba.posseg as pseg

    if _NUMBERED.search(term) or re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", term):
        return True
    return any(p.flag.startswith(_NAMING_TAGS) for p in pseg.lcut(term))


@lru_cache(maxsize=4096)
def everyday(term: str, min_freq: int = DEFAULT_TUNING.everyday_freq) -> bool:
    """A word common in Chinese at large (jieba's dictionary counts, from a general corpus)."""
    import jieba

    jieba.initialize()
    return (jieba.dt.FREQ.get(term) or 0) >= min_freq


@lru_cache(maxsize=4096)
def nominal(term: str) -> bool:
    """A noun of some kind (not a verb, adverb, numeral or measure word such as 两家)."""
    import jieba.posseg as pseg

    if re.fullmatch(r"[A-Za-z0-9.%]+", term):
        return True
    return any(p.flag.startswith(("n", "s", "f")) or p.flag == "vn" for p in pseg.lcut(term))


def weigh(terms: Iterable[str], document_frequency: Callable[[str], int | None], n_docs: int,
          tuning: AnswerTuning = DEFAULT_TUNING) -> list[Weighted]:
    """Each term with its IDF weight; `document_frequency` is None for a word the archive never uses."""
    out = []
    n = max(n_docs, 1)
    top = math.log(1 + n)  # the weight of a word in one document only
    for t in dict.fromkeys(terms):
        df = document_frequency(t)
        naming = _naming(t)
        # how the user put it (下去, 设在, 两家) says less about what is asked than what they name
        salience = 1.0 if naming or nominal(t) else tuning.verb_salience
        if df is None or df == 0:
            plain = tuning.unknown_plain if everyday(t, tuning.everyday_freq) else 1.0
            out.append(Weighted(t, top * (1.5 if naming else plain) * salience, False, naming))
        else:
            out.append(Weighted(t, math.log(1 + n / df) * salience, True, naming))
    return out


def as_detail(w: Weighted, tuning: AnswerTuning = DEFAULT_TUNING) -> Weighted:
    """The word at full weight when it must stand in the answering sentence itself: an everyday word the
    archive never prints (「冠军」) is lightened only to decide which article a question is about."""
    if w.known or w.naming or not everyday(w.term, tuning.everyday_freq):
        return w
    return Weighted(w.term, w.weight / tuning.unknown_plain, w.known, w.naming)


def coverage(weighted: list[Weighted], text: str) -> float:
    """Share of the question's weight that a text contains (case-insensitive)."""
    total = sum(w.weight for w in weighted)
    if not total:
        return 0.0
    low = text.lower()
    return sum(w.weight for w in weighted
               if w.term.lower() in low or _numeral_in(w.term, text) or _abbreviated_in(w.term, text)) / total


def _abbreviated_in(term: str, text: str) -> bool:
    """A short word the text writes in full: 劳模 in 劳动模范, 住建 in 住房城乡建设 within one word. The short
    word starts the long one and is spelled, in order, inside it."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,3}", term) or term[0] not in text:
        return False
    import jieba

    # only where the characters stand in order close together is there a word to cut (this runs on whole
    # articles for every question word they lack, so the article itself is never cut)
    spread = re.compile("".join(re.escape(c) + r"[\u4e00-\u9fff]{0,3}?" for c in term[:-1]) + re.escape(term[-1]))
    for m in spread.finditer(text):
        word = jieba.lcut(text[m.start():m.start() + 8])[0]
        if len(word) > len(term):
            rest = iter(word)
            if all(c in rest for c in term):
                return True
    return False


def _numeral_in(term: str, text: str) -> bool:
    """A term with a numeral found where the text writes it the other way (19届 in 十九届, 第八次 in 第8次)."""
    if not re.search(r"[\d零〇一二三四五六七八九十百两]", term):
        return False
    return _digits(term).lower() in _digits(text).lower()


def names_the_unreported(weighted: list[Weighted], text: str) -> bool:
    """The question names something (a place, a body, a person: 深圳, GDP) that the archive never prints and
    this text does not hold: it is about what the paper did not report, whatever else it shares."""
    flat = re.sub(r"\s+", "", text).lower()
    return any(not w.known and w.naming and not numbered(w.term) and w.term.lower() not in flat for w in weighted)


def missing_names(weighted: list[Weighted], text: str) -> list[str]:
    """Naming words of the question (proper nouns, numbered things) that the text does not contain."""
    low = text.lower()
    return [w.term for w in weighted if w.naming and w.term.lower() not in low]


def numbered(term: str) -> bool:
    """第90次, 三期, 十九届: one of a series."""
    return bool(_NUMBERED.search(term))


_SERIES = re.compile(r"第?\s*[0-9一二三四五六七八九十百两零〇]+\s*(?:期|次|届)")


@lru_cache(maxsize=512)
def _digits(text: str) -> str:
    from qa.answer.ground import numerals_as_digits

    return numerals_as_digits(text)


def series_conflict(question: str, text: str) -> bool:
    """The question names one of a series (第90次, 三期, 十九届) that the text never names: another one is meant."""
    wanted = [re.sub(r"\s+", "", m.group(0)) for m in _SERIES.finditer(question)]
    if not wanted:
        return False
    have = _digits(re.sub(r"\s+", "", text))
    return any(_digits(w).lstrip("第") not in have for w in wanted)


@lru_cache(maxsize=4096)
def names_a_thing(term: str, verbal_nouns: bool = False) -> bool:
    """A noun, name, number or Latin word (what a question asks about), not a verb (「举行」 and 「召开」 are said
    either way, and a paraphrase changes verbs first). `verbal_nouns`: 投资, 增长 count as things too."""
    import jieba.posseg as pseg

    if re.fullmatch(r"[A-Za-z0-9.%]+", term):
        return True
    flags = [p.flag for p in pseg.lcut(term)]
    return any(f.startswith(("n", "m", "eng", "s", "f")) or (verbal_nouns and f == "vn") for f in flags)


def miscut(term: str, text: str, is_word: Callable[[str], bool]) -> bool:
    """Whether a word of the question overlaps, without containing it, a word the archive prints: the
    tokenizer cut the question in the wrong place (我/区分/会场 where the paper has 我区 and 分会场)."""
    i = text.find(term)
    if i < 0 or len(term) < 2:
        return False
    end = i + len(term)
    for start in range(max(0, i - 3), end):
        for size in (2, 3, 4):
            stop = start + size
            straddles = start < i < stop or start < end < stop
            if straddles and stop <= len(text) and is_word(text[start:stop]):
                return True
    return False
