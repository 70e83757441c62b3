"""BM25 over jieba tokens (bm25s), persisted beside the vector index.

The tokenizer knows the archive's person names, so `毕安传` is one token, and the saved
index keeps its word list so queries are cut exactly like the documents were.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import bm25s
import jieba
import numpy as np

STATE_FILE = "state.json"
WORDS_FILE = "words.txt"

_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Question words and particles: they match everything and rank nothing.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 有 为 对 由 被 把 从 将 等 也 都 就 还 又 并 之 其 这 那 哪 哪些 哪个 哪里 哪家 哪所 哪次 "
    "哪天 哪位 哪几 哪几位 哪项 哪一类 什么 多少 几 几座 几位 谁 吗 呢 是否 怎么 如何 何时 什么时候 请问 一共 共 "
    "the a an of in on at to for was is were are who what when where which how much many did does do by and with"
    .split()
)


def make_tokenizer(words: Iterable[str] = ()) -> jieba.Tokenizer:
    """A private jieba tokenizer (not the global one) that keeps each given word whole."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in sorted(set(words)):
        tokenizer.add_word(word)
    return tokenizer


def tokenize(text: str, tokenizer: jieba.Tokenizer) -> list[str]:
    """Search-mode jieba tokens (words and their sub-words), lower-cased, without punctuation or stopwords."""
    out = []
    for tok in tokenizer.cut_for_search(text):
        tok = tok.strip().lower()
        if tok and _KEEP.search(tok) and tok not in STOPWORDS:
            out.append(tok)
    return out


def words_digest(words: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(words))).encode("utf-8")).hexdigest()[:16]


@dataclass
class BM25Doc:
    """One chunk as BM25 sees it."""

    id: str
    text: str
    date_int: int
    issue_no: int


@dataclass
class BM25Index:
    """bm25s scores, the chunk ids in index order and what filters need per chunk."""

    ids: list[str]
    date_int: np.ndarray
    issue_no: np.ndarray
    words: list[str]
    generation: int
    model: bm25s.BM25 | None
    tokenizer: jieba.Tokenizer = field(repr=False)

    @property
    def words_digest(self) -> str:
        return words_digest(self.words)

    @classmethod
    def build(
        cls, docs: list[BM25Doc], words: Iterable[str], generation: int, tokenizer: jieba.Tokenizer | None = None
    ) -> "BM25Index":
        words = sorted(set(words))
        tokenizer = tokenizer or make_tokenizer(words)
        model = None
        if docs:
            model = bm25s.BM25()
            # A chunk with no token at all would break bm25s' vocabulary; give it a harmless one.
            model.index([tokenize(d.text, tokenizer) or ["<empty>"] for d in docs], show_progress=False)
        return cls(
            ids=[d.id for d in docs],
            date_int=np.array([d.date_int for d in docs], dtype=np.int64),
            issue_no=np.array([d.issue_no for d in docs], dtype=np.int64),
            words=words,
            generation=generation,
            model=model,
            tokenizer=tokenizer,
        )

    def save(self, directory: Path) -> None:
        """Write to a fresh directory, then swap it in, so a crash leaves the old index or none."""
        directory = Path(directory)
        tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.model is not None:
            self.model.save(tmp / "bm25s", show_progress=False)
        np.save(tmp / "date_int.npy", self.date_int)
        np.save(tmp / "issue_no.npy", self.issue_no)
        (tmp / WORDS_FILE).write_text("\n".join(self.words), encoding="utf-8")
        (tmp / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        # The state file is written last: a directory without it is incomplete.
        (tmp / STATE_FILE).write_text(
            json.dumps({"generation": self.generation, "words": self.words_digest, "n": len(self.ids)}), encoding="utf-8"
        )
        old = directory.with_name(f"{directory.name}.old-{os.getpid()}")
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def saved_state(directory: Path) -> dict | None:
        """The generation and word digest of a saved index, or None when there is none."""
        try:
            return json.loads((Path(directory) / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @classmethod
    def load(cls, directory: Path, tokenizer: jieba.Tokenizer | None = None) -> "BM25Index":
        directory = Path(directory)
        state = cls.saved_state(directory)
        if state is None:
            raise FileNotFoundError(directory / STATE_FILE)
        text = (directory / WORDS_FILE).read_text(encoding="utf-8")
        words = text.split("\n") if text else []
        model = bm25s.BM25.load(directory / "bm25s", show_progress=False) if state["n"] else None
        return cls(
            ids=json.loads((directory / "ids.json").read_text(encoding="utf-8")),
            date_int=np.load(directory / "date_int.npy"),
            issue_no=np.load(directory / "issue_no.npy"),
            words=words,
            generation=state["generation"],
            model=model,
            tokenizer=tokenizer or make_tokenizer(words),
        )

    def mask(self, date_from: int | None = None, date_to: int | None = None, issue_no: int | None = None) -> np.ndarray | None:
        """1.0 for chunks that pass the filters, 0.0 for the rest; None when nothing is filtered."""
        if date_from is None and date_to is None and issue_no is None:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if date_from is not None:
            keep &= self.date_int >= date_from
        if date_to is not None:
            keep &= self.date_int <= date_to
        if issue_no is not None:
            keep &= self.issue_no == issue_no
        return keep.astype(np.float32)

    @property
    def n_docs(self) -> int:
        return len(self.ids)

    def has_word(self, term: str) -> bool:
        """Whether the archive's tokenizer ever produced this very word (not only its parts)."""
        return self.model is not None and term.lower() in self.model.vocab_dict

    def vocabulary(self) -> dict[str, int]:
        """Every word the archive's tokenizer produced, with the number of chunks it occurs in."""
        if self.model is None:
            return {}
        indptr = self.model.scores["indptr"]
        # bm25s keeps one id past the scored ones (its empty token); it has no count
        return {w: int(indptr[i + 1] - indptr[i]) for w, i in self.model.vocab_dict.items() if i + 1 < len(indptr)}

    def document_frequency(self, term: str) -> int | None:
        """In how many chunks a word occurs; None when the archive never uses it.

        A term the tokenizer cuts into several words counts as often as its rarest part.
        """
        if self.model is None:
            return None
        vocab, indptr = self.model.vocab_dict, self.model.scores["indptr"]
        parts = [term.lower()] if term.lower() in vocab else tokenize(term, self.tokenizer)
        counts = []
        for part in parts:
            i = vocab.get(part)
            if i is None:
                return None
            counts.append(int(indptr[i + 1] - indptr[i]))
        return min(counts) if counts else None

    def search(self, query: str, k: int, weight_mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Up to k (chunk id, score) pairs with a positive score, best first."""
        if self.model is None:
            return []
        token_ids = self.model.get_tokens_ids(tokenize(query, self.tokenizer))
        if not token_ids:
            return []
        scores = self.model.get_scores_from_ids(token_ids, weight_mask=weight_mask)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
