"""BM25 over jieba tokens (bm25s), persisted beside the vector index.

The tokenizer knows the archive's person names, so `毕安传` is one token, and the saved
index keeps its word list so queries are cut exactly like the documents were.

On disk the index directory holds versions (`g<generation>-…/`) and a `CURRENT` file naming
the one to read. A save writes a new version whole, then replaces `CURRENT` in one rename,
so a reader in another thread or process finds the old index or the new one, never none
(the old layout, the files directly in the directory, is still read, and replaced by the
first save). The previous version is kept for readers that are still loading it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable

import bm25s
import jieba
import numpy as np

STATE_FILE = "state.json"
WORDS_FILE = "words.txt"
CURRENT_FILE = "CURRENT"
# What a chunk without any token is indexed as (bm25s' vocabulary needs one).
EMPTY_TOKEN = "<empty>"
# A version directory being written is `<name>.tmp`; one a killed writer left behind is removed after this long.
_STALE_TMP_S = 3600

_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Question words and particles: they match everything and rank nothing.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 有 为 对 由 被 把 从 将 等 也 都 就 还 又 并 之 其 这 那 哪 哪些 哪个 哪里 哪家 哪所 哪次 "
    "哪天 哪位 哪几 哪几位 哪项 哪一类 什么 多少 几 几座 几位 谁 吗 呢 是否 怎么 如何 何时 什么时候 请问 一共 共 "
    "the a an of in on at to for was is were are who what when where which how much many did does do by and with"
    .split()
)


def make_tokenizer(words: Iterable[str] = ()) -> jieba.Tokenizer:
    """A private jieba tokenizer (not the global one) that keeps each given word whole.

    jieba's total frequency stays the dictionary's own: adding words would otherwise move it, and
    with it the cut of text that holds none of them. So a text is cut alike by any two tokenizers
    whose word lists agree on the words it contains (qa.index.bm25_update relies on it).
    """
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    total = tokenizer.total
    for word in sorted(set(words)):
        tokenizer.add_word(word)
        tokenizer.total = total
    return tokenizer


_shared_lock = threading.Lock()
_shared: dict[str, jieba.Tokenizer] = {}


def tokenizer_for(words: Iterable[str]) -> jieba.Tokenizer:
    """`make_tokenizer(words)`, shared in this process with the last caller that asked for the same words.

    Building one costs about half a second (jieba's dictionary); an ingest and the engine that reloads
    the index it saved need the same one. Only the most recent word list is kept. Treat it as read-only.
    """
    words = sorted(set(words))
    digest = words_digest(words)
    with _shared_lock:
        found = _shared.get(digest)
        if found is None:
            found = make_tokenizer(words)
            _shared.clear()
            _shared[digest] = found
        return found


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
        return cls.from_tokens(
            [d.id for d in docs], [doc_tokens(d.text, tokenizer) for d in docs], [d.date_int for d in docs],
            [d.issue_no for d in docs], words, generation, tokenizer,
        )

    @classmethod
    def from_tokens(
        cls, ids: list[str], tokens: list[list[str]], date_int: Iterable[int], issue_no: Iterable[int],
        words: Iterable[str], generation: int, tokenizer: jieba.Tokenizer,
        encoded: tuple[dict[str, int], list[list[int]]] | None = None,
    ) -> "BM25Index":
        """The index of chunks already cut into tokens (by `doc_tokens` with this tokenizer); `encoded`: their
        `token_ids`, when the caller has them already."""
        model = None
        if ids:
            vocab, corpus = encoded or token_ids(tokens)
            model = bm25s.BM25()
            model.index((corpus, dict(vocab)), show_progress=False)
        return cls(
            ids=list(ids),
            date_int=np.asarray(list(date_int), dtype=np.int64),
            issue_no=np.asarray(list(issue_no), dtype=np.int64),
            words=sorted(set(words)),
            generation=generation,
            model=model,
            tokenizer=tokenizer,
        )

    def save(self, directory: Path, extra: Callable[[Path], None] | None = None) -> None:
        """Write a new version into the directory, then make it the current one in one rename.

        `extra(version_dir)` writes more files into the version before it becomes current (the
        ingest's token cache, qa.index.bm25_update). A crash leaves the old index as it was.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"g{self.generation:09d}-{os.getpid()}-{secrets.token_hex(4)}"
        tmp = directory / f"{name}.tmp"
        tmp.mkdir()
        try:
            if self.model is not None:
                self.model.save(tmp / "bm25s", show_progress=False)
            np.save(tmp / "date_int.npy", self.date_int)
            np.save(tmp / "issue_no.npy", self.issue_no)
            (tmp / WORDS_FILE).write_text("\n".join(self.words), encoding="utf-8")
            (tmp / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
            if extra is not None:
                extra(tmp)
            # The state file is written last: a version without it is incomplete.
            (tmp / STATE_FILE).write_text(
                json.dumps({"generation": self.generation, "words": self.words_digest, "n": len(self.ids)}),
                encoding="utf-8",
            )
            tmp.rename(directory / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        previous = _current_name(directory)
        pointer = directory / f"{CURRENT_FILE}.tmp-{os.getpid()}-{threading.get_ident()}"
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, directory / CURRENT_FILE)  # the swap: readers see the old name or the new one
        _prune(directory, keep={name, previous})

    @staticmethod
    def current_dir(directory: Path) -> Path | None:
        """Where the current version's files are; None when nothing was saved."""
        directory = Path(directory)
        name = _current_name(directory)
        if name is not None:
            return directory / name
        return directory if (directory / STATE_FILE).exists() else None  # the layout before versions

    @classmethod
    def saved_state(cls, directory: Path) -> dict | None:
        """The generation and word digest of the saved index, or None when there is none."""
        for _ in range(3):  # a version pruned between reading CURRENT and its state: read CURRENT again
            found = cls.current_dir(directory)
            if found is None:
                return None
            try:
                return json.loads((found / STATE_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
        return None

    @classmethod
    def saved_words(cls, directory: Path) -> list[str] | None:
        """The word list the saved index was cut with (without building its tokenizer); None when there is none."""
        found = cls.current_dir(directory)
        try:
            text = (found / WORDS_FILE).read_text(encoding="utf-8") if found else None
        except OSError:
            return None
        return None if text is None else (text.split("\n") if text else [])

    @classmethod
    def load(cls, directory: Path, tokenizer: jieba.Tokenizer | None = None) -> "BM25Index":
        """The current version, read whole; `tokenizer` is used when it was built with the saved word list."""
        directory = Path(directory)
        retries = 2
        while True:
            found = cls.current_dir(directory)
            if found is None:
                raise FileNotFoundError(directory / STATE_FILE)
            try:
                return cls._load_version(found, tokenizer)
            except FileNotFoundError:
                if not retries:
                    raise
                retries -= 1  # pruned while we read it (two saves during one load): a newer one is current now

    @classmethod
    def _load_version(cls, found: Path, tokenizer: jieba.Tokenizer | None) -> "BM25Index":
        state = json.loads((found / STATE_FILE).read_text(encoding="utf-8"))
        text = (found / WORDS_FILE).read_text(encoding="utf-8")
        words = text.split("\n") if text else []
        model = bm25s.BM25.load(found / "bm25s", show_progress=False) if state["n"] else None
        return cls(
            ids=json.loads((found / "ids.json").read_text(encoding="utf-8")),
            date_int=np.load(found / "date_int.npy"),
            issue_no=np.load(found / "issue_no.npy"),
            words=words,
            generation=state["generation"],
            model=model,
            tokenizer=tokenizer or tokenizer_for(words),
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


def doc_tokens(text: str, tokenizer: jieba.Tokenizer) -> list[str]:
    """A chunk's tokens as indexed: a chunk with none at all gets a harmless one (bm25s needs a token)."""
    return tokenize(text, tokenizer) or [EMPTY_TOKEN]


def token_ids(tokens: list[list[str]]) -> tuple[dict[str, int], list[list[int]]]:
    """One id per distinct token, in order of first appearance, and each chunk's tokens as those ids."""
    vocab = {token: i for i, token in enumerate(dict.fromkeys(chain.from_iterable(tokens)))}
    get = vocab.__getitem__
    return vocab, [list(map(get, doc)) for doc in tokens]


def _current_name(directory: Path) -> str | None:
    try:
        name = (directory / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


# The files of the layout before versions, directly in the index directory.
_OLD_LAYOUT = ("bm25s", "date_int.npy", "issue_no.npy", WORDS_FILE, "ids.json", STATE_FILE)


def _prune(directory: Path, keep: set[str | None]) -> None:
    """Remove versions other than `keep`, the old layout's files, and what killed writers left behind."""
    now = time.time()
    for child in directory.iterdir():
        name = child.name
        if name in keep or name == CURRENT_FILE:
            continue
        stale = name.endswith(".tmp") or f"{CURRENT_FILE}.tmp-" in name
        if stale:
            try:
                if now - child.stat().st_mtime < _STALE_TMP_S:
                    continue  # perhaps another writer's, still being written
            except OSError:
                continue
        elif not (name.startswith("g") or name in _OLD_LAYOUT):
            continue  # not ours
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
