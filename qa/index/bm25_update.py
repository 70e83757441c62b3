"""Bringing the saved BM25 index up to date with the manifest, cutting only the chunks that changed.

bm25s cannot add documents to an index: every score depends on the whole corpus (IDF, average
length). What costs time, though, is jieba, not bm25s: at 35,500 chunks (2,500 issues) cutting
them all took 28 s, scoring the cut tokens about 1.2 s (bench/bm25_update.py, bench/out/bm25_update.md).
So each saved version keeps, beside the index,
the tokens of every chunk (with the hash of the file it came from) and the person names found in
every file; the next update cuts only

- the chunks of files added or changed since (their file hash differs), and
- the chunks that contain a word that joined or left the tokenizer's dictionary (a new issue
  brings new names: an older chunk naming that person must now keep the name whole),

takes every other chunk's tokens from the previous version, and scores the whole corpus again.
A chunk's tokens depend only on the dictionary entries of its own substrings (qa.index.bm25
pins jieba's total frequency), so the result equals a full rebuild; tests check that it does.
The new version is written beside the old one and swapped in by qa.index.bm25 (`save`).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Iterable

import jieba
import numpy as np
from llama_index.core.schema import TextNode

from qa.index import bm25, chunk
from qa.index import names as name_rules
from qa.index.bm25 import BM25Index, doc_tokens, token_ids, tokenizer_for, words_digest
from qa.index.chunk import embed_text
from qa.index.manifest import Manifest
from qa.index.names import person_names

CACHE_DIR = "update"


def _rules() -> str:
    """A fingerprint of what a cached token or name depends on besides the text: a version cached under
    other rules (an edited stopword list or name pattern, another jieba) is not reused."""
    parts = [jieba.__version__, bm25._KEEP.pattern, bm25.EMPTY_TOKEN, *sorted(bm25.STOPWORDS), *chunk.EMBED_KEYS,
             name_rules._ROLE_THEN_NAMES.pattern, name_rules._LIST_BEFORE_VERB.pattern,
             name_rules._SUBHEAD_NAME.pattern, "".join(sorted(name_rules._NOT_IN_NAME))]
    return words_digest(parts)


@dataclass
class BM25Update:
    """What one update did: whether a new version was saved, and how many chunks jieba had to cut for it."""

    saved: bool = False
    chunks: int = 0
    tokenized: int = 0
    seconds: float = 0.0


@dataclass
class _Previous:
    """What the current saved version keeps for the next update (its tokens are read only if needed)."""

    version: Path
    ids: list[str]
    file_sha: list[str]
    words: list[str]
    names: dict[str, tuple[str, list[str]]]  # source → (file sha, person names found in it)

    @classmethod
    def read(cls, directory: Path) -> "_Previous | None":
        """The current version's cache; None when it has none (an index saved before caches) or it cannot be read."""
        found = BM25Index.current_dir(directory)
        if found is None or not (found / CACHE_DIR).is_dir():
            return None
        try:
            meta = json.loads((found / CACHE_DIR / "chunks.json").read_text(encoding="utf-8"))
            if meta.get("rules") != _rules():
                return None
            words_text = (found / "words.txt").read_text(encoding="utf-8")
            previous = cls(
                version=found,
                ids=json.loads((found / "ids.json").read_text(encoding="utf-8")),
                file_sha=meta["file_sha"],
                words=words_text.split("\n") if words_text else [],
                names={source: (sha, found) for source, (sha, found) in meta["names"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # pruned meanwhile or damaged: the update cuts everything, as a first build does
        return previous if len(previous.ids) == len(previous.file_sha) else None

    def columns(self) -> tuple[list[list[str]], np.ndarray, np.ndarray] | None:
        """Every chunk's tokens, date and issue number, in `ids` order; None if the version is gone or damaged."""
        try:
            vocab = np.asarray(json.loads((self.version / CACHE_DIR / "vocab.json").read_text(encoding="utf-8")),
                               dtype=object)
            flat = np.load(self.version / CACHE_DIR / "tokens.npy")
            offsets = np.load(self.version / CACHE_DIR / "offsets.npy").tolist()
            date_int, issue_no = np.load(self.version / "date_int.npy"), np.load(self.version / "issue_no.npy")
        except (OSError, ValueError):
            return None
        if not (len(self.ids) == len(date_int) == len(issue_no) == len(offsets) - 1):
            return None
        words = vocab[flat] if len(flat) else np.zeros(0, dtype=object)
        return [words[offsets[i] : offsets[i + 1]].tolist() for i in range(len(self.ids))], date_int, issue_no


def _write_cache(version: Path, file_sha: list[str], encoded: tuple[dict[str, int], list[list[int]]],
                 found: dict[str, tuple[str, list[str]]]) -> None:
    """The tokens (as ids into one vocabulary) and names of a version, for the update after it."""
    vocab, corpus = encoded
    out = version / CACHE_DIR
    out.mkdir()
    offsets = np.zeros(len(corpus) + 1, dtype=np.int64)
    np.cumsum([len(doc) for doc in corpus], out=offsets[1:])
    np.save(out / "tokens.npy", np.fromiter(chain.from_iterable(corpus), dtype=np.int32, count=int(offsets[-1])))
    np.save(out / "offsets.npy", offsets)
    (out / "vocab.json").write_text(json.dumps(list(vocab), ensure_ascii=False), encoding="utf-8")
    (out / "chunks.json").write_text(
        json.dumps({"rules": _rules(), "file_sha": file_sha, "names": {s: [sha, n] for s, (sha, n) in found.items()}},
                   ensure_ascii=False),
        encoding="utf-8",
    )


def _names(manifest: Manifest, files: dict[str, str], previous: _Previous | None) -> dict[str, tuple[str, list[str]]]:
    """Person names per indexed file: from the previous version for files unchanged since, else read from the articles."""
    out = {}
    for source, sha in files.items():
        kept = previous.names.get(source) if previous else None
        out[source] = kept if kept and kept[0] == sha else (sha, sorted(person_names(manifest.articles(source))))
    return out


def _containing(manifest: Manifest, candidates: set[str], words: Iterable[str]) -> set[str]:
    """Which of these chunks hold one of the words in their text (headline, sub-headline or body)."""
    words = sorted(set(words), key=len, reverse=True)
    if not candidates or not words:
        return set()
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    found = set()
    for chunk_id, raw in manifest.db.execute("SELECT id, node FROM chunks"):
        if chunk_id in candidates:
            node = json.loads(raw)
            meta = node.get("metadata") or {}
            if pattern.search(f"{meta.get('title', '')}\n{meta.get('subtitle', '')}\n{node.get('text', '')}"):
                found.add(chunk_id)
    return found


def update_bm25(manifest: Manifest, directory: Path, extra_words: Iterable[str] = (),
                sink_names: Iterable[str] = ()) -> BM25Update:
    """Save a new BM25 version when the manifest or the word list changed since the current one.

    The word list: `extra_words`, the names the rules find in the indexed articles, and `sink_names`
    (the meeting records' people). Searches go on reading the current version meanwhile.
    """
    started = time.perf_counter()
    directory = Path(directory)
    files = {r.source: r.sha256 for r in manifest.files()}
    previous = _Previous.read(directory)
    found_names = _names(manifest, files, previous)
    words = sorted(set(extra_words) | set(sink_names) | {n for _, found in found_names.values() for n in found})
    state = BM25Index.saved_state(directory)
    generation = manifest.generation
    if state and state["generation"] == generation and state["words"] == words_digest(words):
        return BM25Update(chunks=state.get("n", 0), seconds=time.perf_counter() - started)

    rows = manifest.db.execute("SELECT id, source FROM chunks ORDER BY source, ord").fetchall()
    at = {chunk_id: i for i, chunk_id in enumerate(previous.ids)} if previous else {}
    reusable = {chunk_id for chunk_id, source in rows
                if chunk_id in at and previous.file_sha[at[chunk_id]] == files.get(source)}
    columns = previous.columns() if reusable else None
    if columns is None:
        reusable = set()
    elif set(previous.words) != set(words):
        reusable -= _containing(manifest, reusable, set(previous.words) ^ set(words))
    fresh = manifest.nodes([chunk_id for chunk_id, _ in rows if chunk_id not in reusable])
    tokenizer = tokenizer_for(words)

    ids, file_sha, tokens, date_int, issue_no = [], [], [], [], []
    for chunk_id, source in rows:
        if chunk_id in reusable:
            i = at[chunk_id]
            tokens.append(columns[0][i])
            date_int.append(int(columns[1][i]))
            issue_no.append(int(columns[2][i]))
        else:
            node: TextNode = fresh[chunk_id]
            tokens.append(doc_tokens(embed_text(node), tokenizer))
            date_int.append(int(node.metadata.get("date_int", 0)))
            issue_no.append(int(node.metadata.get("issue_no", 0)))
        ids.append(chunk_id)
        file_sha.append(files.get(source, ""))
    encoded = token_ids(tokens)
    index = BM25Index.from_tokens(ids, tokens, date_int, issue_no, words, generation, tokenizer, encoded)
    index.save(directory, extra=lambda version: _write_cache(version, file_sha, encoded, found_names))
    return BM25Update(saved=True, chunks=len(ids), tokenized=len(ids) - len(reusable),
                      seconds=time.perf_counter() - started)
