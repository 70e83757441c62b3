"""Incremental, idempotent ingestion: issue files → chunks in Chroma, BM25, and the stores that hook in (sinks).

Keyed by content hash: an unchanged file is skipped, a changed one has its chunks
replaced. Crash-safe by ordering: a file is forgotten, its old chunks deleted, the new
ones written, the sinks fed, and only then is it recorded as done; a killed run leaves
at most one file half-written, and the next run redoes exactly that file.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, runtime_checkable

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from qa.corpus.models import Issue
from qa.corpus.parse import parse_text
from qa.corpus.read import find_issue_files, read_issue
from qa.errors import IndexMismatch, UnreadableIssue
from qa.index.archive import BM25_DIR
from qa.index.bm25 import BM25Doc, BM25Index, words_digest
from qa.index.chunk import chunk_issue, embed_text, make_splitter
from qa.index.embed import EmbedderIdentity, identity_of, make_embedder
from qa.index.embed_cache import EmbeddingCache
from qa.index.manifest import MANIFEST_FILE, Manifest
from qa.index.names import person_names
from qa.index.store import (
    check_embedder,
    chroma_client,
    delete_source,
    drop_collection,
    open_collection,
    vector_store,
)
from qa.settings import Settings
from qa.corpus.read import canonical_source


@runtime_checkable
class IssueSink(Protocol):
    """A store fed with every new or changed issue (the meeting records, for one).

    Both calls must be idempotent: after a crash the same issue can come again.
    A sink may also offer `person_names() -> Iterable[str]`; those names join the
    BM25 tokenizer's dictionary.
    """

    def upsert_issue(self, issue: Issue) -> None: ...

    def remove_source(self, source: str) -> None: ...


def default_sinks(settings: Settings) -> list[IssueSink]:
    """The sinks `qa ingest` feeds by default: the article catalog and the meeting records."""
    from qa.catalog import Catalog
    from qa.meetings.store import MeetingStore

    return [Catalog.open(settings.index_dir), MeetingStore.from_settings(settings)]


def sink_name(sink: IssueSink) -> str:
    """How the manifest remembers which sinks have seen which file."""
    return getattr(sink, "name", None) or type(sink).__name__


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[UnreadableIssue] = field(default_factory=list)
    chunks_written: int = 0
    passages_embedded: int = 0
    seconds: float = 0.0
    bm25_rebuilt: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures


def _cache_for(settings: Settings) -> EmbeddingCache | None:
    if not settings.embedder.cache:
        return None
    return EmbeddingCache(settings.embedder.cache_path or Path(settings.index_dir) / "embeddings.sqlite")


def embed_passages(embedder: BaseEmbedding, texts: list[str]) -> np.ndarray:
    """Passage vectors as a float32 array, through our fast path when the embedder has one."""
    if hasattr(embedder, "embed_passages"):
        return embedder.embed_passages(texts)
    return np.asarray(embedder.get_text_embedding_batch(texts), dtype=np.float32)


def _vectors(texts: list[str], embedder: BaseEmbedding, identity: EmbedderIdentity, cache: EmbeddingCache | None):
    """Vectors for texts, from the cache where possible; returns (vectors, number newly embedded)."""
    found = cache.get_many(identity.id, texts) if cache else [None] * len(texts)
    missing = [i for i, v in enumerate(found) if v is None]
    if missing:
        fresh = embed_passages(embedder, [texts[i] for i in missing])
        if cache:
            cache.put_many(identity.id, [texts[i] for i in missing], fresh)
        for i, vector in zip(missing, fresh):
            found[i] = vector
    return found, len(missing)


def _rebuild_storage(settings: Settings) -> None:
    """Forget the whole index (not the embedding cache): Chroma collection, manifest, BM25."""
    index_dir = Path(settings.index_dir)
    drop_collection(chroma_client(settings), settings.chroma.collection)
    for name in (MANIFEST_FILE, MANIFEST_FILE + "-wal", MANIFEST_FILE + "-shm"):
        (index_dir / name).unlink(missing_ok=True)
    shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)


def ingest(
    paths: Iterable[Path | str] | None,
    settings: Settings,
    *,
    embedder: BaseEmbedding | None = None,
    sinks: list[IssueSink] | None = None,
    prune: bool = False,
    rebuild: bool = False,
    extra_words: Iterable[str] = (),
    progress: bool = True,
    cwd: Path | str | None = None,
) -> IngestReport:
    """Index issue files (default: settings.seeds_dir); returns what changed and which files failed.

    `embedder` and `sinks` default to the settings' embedder and `default_sinks(settings)`;
    `extra_words` (person names) join the BM25 tokenizer's dictionary.
    """
    started = time.perf_counter()
    report = IngestReport()
    cwd = Path(cwd or os.getcwd())
    files = find_issue_files([Path(p) if Path(p).is_absolute() else cwd / p for p in (paths or [settings.seeds_dir])])
    sources = list(dict.fromkeys(canonical_source(f, cwd) for f in files))
    embedder = embedder or make_embedder(settings.embedder)
    identity = identity_of(embedder)
    sinks = default_sinks(settings) if sinks is None else sinks
    names = [sink_name(s) for s in sinks]

    if rebuild:
        _rebuild_storage(settings)
    Path(settings.index_dir).mkdir(parents=True, exist_ok=True)
    manifest = Manifest(settings.index_dir)
    cache = _cache_for(settings)
    try:
        check_embedder(manifest.embedder, identity)
        collection = open_collection(chroma_client(settings), settings.chroma.collection, identity, create=True)
        if manifest.embedder is None:
            manifest.set_embedder(identity)
        store = vector_store(collection)
        splitter = make_splitter(settings.chunking.chunk_chars, settings.chunking.overlap_chars)

        # A run killed between forgetting a file and recording it leaves that file's
        # chunks in Chroma; remove them even if the file is never ingested again.
        pending = manifest.pending
        if pending is not None:
            delete_source(collection, pending)
            manifest.clear_pending()
        # Only outside hands make these differ (a wiped Chroma server, two writers at once);
        # skipping "unchanged" files would then leave the index silently incomplete.
        if collection.count() != manifest.chunk_count():
            raise IndexMismatch(
                f"向量库中有 {collection.count()} 段，导入记录中有 {manifest.chunk_count()} 段，两者不一致"
                f"（Chroma 数据被清空或被另一个进程同时写入？）。请运行 qa ingest --rebuild 重建索引。"
            )

        bar = tqdm(total=len(sources), unit="file", desc="导入", disable=not progress, dynamic_ncols=True)
        for source in sources:
            path = cwd / source
            try:
                text, sha = read_issue(path)
            except UnreadableIssue as exc:
                report.failures.append(exc)
                bar.update(1)
                continue
            known = manifest.file(source)
            if known is not None and known.sha256 == sha:
                missing = [s for s, n in zip(sinks, names) if n not in manifest.sinks_done(source, sha)]
                if missing:
                    issue = parse_text(text, source=source, sha256=sha)
                    for sink in missing:
                        sink.upsert_issue(issue)
                        manifest.mark_sink_done(sink_name(sink), source, sha)
                report.unchanged.append(source)
                bar.update(1)
                continue
            try:
                issue = parse_text(text, source=source, sha256=sha)
            except UnreadableIssue as exc:
                report.failures.append(exc)
                bar.update(1)
                continue
            manifest.forget(source)
            delete_source(collection, source)
            nodes = chunk_issue(issue, splitter)
            vectors, embedded = _vectors([embed_text(n) for n in nodes], embedder, identity, cache)
            for node, vector in zip(nodes, vectors):
                node.embedding = [float(x) for x in vector]
            if nodes:
                store.add(nodes)
            for node in nodes:
                node.embedding = None  # the manifest keeps text and metadata; vectors live in Chroma
            for sink in sinks:
                sink.upsert_issue(issue)
            manifest.record(issue, nodes, names)
            (report.replaced if known is not None else report.added).append(source)
            report.chunks_written += len(nodes)
            report.passages_embedded += embedded
            bar.update(1)
            elapsed = time.perf_counter() - started
            bar.set_postfix_str(f"{report.chunks_written} 段, {report.chunks_written / elapsed:.1f} 段/秒")
        bar.close()

        if prune:
            for record in manifest.files():
                if not (cwd / record.source).exists():
                    for sink in sinks:
                        sink.remove_source(record.source)
                    manifest.forget(record.source)
                    delete_source(collection, record.source)
                    manifest.clear_pending()
                    report.removed.append(record.source)

        words = set(extra_words)
        words |= person_names(manifest.articles())
        for sink in sinks:
            if hasattr(sink, "person_names"):
                words |= set(sink.person_names())
        report.bm25_rebuilt = refresh_bm25(manifest, Path(settings.index_dir) / BM25_DIR, words)
    finally:
        manifest.close()
        if cache:
            cache.close()
    report.seconds = time.perf_counter() - started
    return report


def refresh_bm25(manifest: Manifest, directory: Path, words: Iterable[str]) -> bool:
    """Rebuild the saved BM25 index when the manifest or the word list changed since it was built."""
    words = sorted(set(words))
    state = BM25Index.saved_state(directory)
    if state and state["generation"] == manifest.generation and state["words"] == words_digest(words):
        return False
    docs = [
        BM25Doc(n.node_id, embed_text(n), int(n.metadata.get("date_int", 0)), int(n.metadata.get("issue_no", 0)))
        for n in manifest.iter_nodes()
    ]
    BM25Index.build(docs, words, manifest.generation).save(directory)
    return True

