"""Perturbations of the dev questions: the same ask, worded the ways users word it.

Robustness is the share of variants scored the same as their original. The variants are
generated (pure functions below) from each dev question, plus two written by hand for each
question (`en`: English without a Chinese gloss, `paraphrase`: a user's own words). The word
tables here are the eval's, never the engine's: they make variants, they decide nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from qa.eval.gold import GoldQuestion

PERTURBATION = "perturbation"

# Interchangeable question words and verbs: (pattern, replacement) — the first that applies is used.
QUESTION_WORDS: list[tuple[str, str]] = [
    (r"有哪些人", "都有谁"),
    (r"哪些人", "谁"),
    (r"哪位领导", "谁"),
    (r"哪位", "谁"),
    (r"什么人", "哪些人"),
    (r"由谁", "是哪位领导"),
    (r"是谁", "是哪位"),
    (r"谁", "哪位"),
    (r"多少", "几"),
]
SYNONYMS: list[tuple[str, str]] = [
    (r"任什么职务", "担任何职"),
    (r"什么职务", "什么职位"),
    (r"职务", "职位"),
    (r"召开", "举行"),
    (r"举行", "召开"),
    (r"参加了", "参会了"),
    (r"出席了", "到会了"),
    (r"主持人是", "由谁主持？主持的是"),
    (r"在哪里", "在什么地方"),
    (r"什么时候", "哪一天"),
    (r"哪天", "什么日期"),
]
_FILLERS = ("请问，{q}", "我想了解一下：{q}", "{q}麻烦告诉我。")
_HALF = str.maketrans({"？": "?", "，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!"})
_FULL = str.maketrans({v: k for k, v in {"？": "?", "，": ",", "：": ":", "（": "(", "）": ")"}.items()})
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _first_swap(text: str, table: Sequence[tuple[str, str]]) -> str | None:
    for pattern, repl in table:
        if re.search(pattern, text):
            return re.sub(pattern, repl, text, count=1)
    return None


def swap_question_word(q: str) -> str | None:
    """谁 → 哪位, 哪些人 → 谁, 多少 → 几 …; None when the question has none of them."""
    return _first_swap(q, QUESTION_WORDS)


def swap_synonym(q: str) -> str | None:
    """职务 → 职位, 召开 ↔ 举行, 参加了 → 参会了 …; None when nothing applies."""
    return _first_swap(q, SYNONYMS)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(q: str) -> str | None:
    """The question in traditional characters; None when that changes nothing (English)."""
    out = _s2t().convert(q)
    return out if out != q else None


def widths(q: str) -> str | None:
    """Full-width punctuation to half-width, or half to full when the question has none to flip."""
    out = q.translate(_HALF)
    if out == q:
        out = q.translate(_FULL)
    return out if out != q else None


def filler(q: str, seed: int) -> str | None:
    """The question with conversational filler around it (请问…)."""
    if not _CJK.search(q):
        return None
    return _FILLERS[seed % len(_FILLERS)].format(q=q)


def split_name(q: str, names: Iterable[str]) -> str | None:
    """A person's name in the question split by a space, as column wrapping leaves it (韩 世军)."""
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2 and name in q:
            cut = 1 if len(name) <= 3 else 2
            return q.replace(name, name[:cut] + " " + name[cut:], 1)
    return None


Generator = Callable[[GoldQuestion, set[str]], str | None]

GENERATORS: dict[str, Generator] = {
    "qword": lambda q, names: swap_question_word(q.question),
    "synonym": lambda q, names: swap_synonym(q.question),
    "traditional": lambda q, names: traditional(q.question),
    "width": lambda q, names: widths(q.question),
    "filler": lambda q, names: filler(q.question, sum(map(ord, q.id))),
    "ocr_name": lambda q, names: split_name(q.question, names),
    "english": lambda q, names: q.en if q.en and q.en.strip() != q.question.strip() else None,
    "paraphrase": lambda q, names: q.paraphrase if q.paraphrase and q.paraphrase.strip() != q.question.strip() else None,
}


def variants(questions: Sequence[GoldQuestion], names: set[str], kinds: Iterable[str] = GENERATORS) -> list[GoldQuestion]:
    """Every applicable variant of every question, id `<id>~<kind>`, tagged `perturbation` and with its kind.

    A follow-up conversation is varied as a whole: its variant keeps every turn (varied when
    the kind applies to that turn, as written otherwise) under the conversation id `<c>~<kind>`,
    so turn 2 still has its turn 1.
    """
    kinds = list(kinds)
    out: list[GoldQuestion] = []
    by_conv: dict[str, list[GoldQuestion]] = {}
    for q in questions:
        if q.conversation:
            by_conv.setdefault(q.conversation, []).append(q)
    for q in questions:
        if q.conversation and q is not by_conv[q.conversation][0]:
            continue  # varied with its conversation
        group = by_conv.get(q.conversation, [q]) if q.conversation else [q]
        for kind in kinds:
            texts = [GENERATORS[kind](turn, names) for turn in group]
            if not any(texts):
                continue
            for turn, text in zip(group, texts, strict=True):
                update = {
                    "id": f"{turn.id}~{kind}",
                    "question": text or turn.question,
                    "tags": [*turn.tags, PERTURBATION, kind],
                    "en": None,
                    "paraphrase": None,
                }
                if kind == "english" and text:
                    update["lang"] = "en"
                if turn.conversation:
                    update["conversation"] = f"{turn.conversation}~{kind}"
                out.append(turn.model_copy(update=update))
    return out


def original_id(variant_id: str) -> str:
    """The dev question a variant was made from."""
    return variant_id.split("~", 1)[0]


def kind_of(variant_id: str) -> str:
    return variant_id.split("~", 1)[1] if "~" in variant_id else ""
