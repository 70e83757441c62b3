"""Incremental, idempotent ingestion: issue files → chunks in Chroma, BM25, and the stores that hook in (sinks).

Keyed by content hash: an unchanged file is skipped, a changed one has its chunks
replaced, and a file holding an issue the index already has (another encoding, another
folder, another name) is skipped as a duplicate. Crash-safe by ordering: a file is
forgotten, its old chunks deleted, the new ones written, the sinks fed, and only then is
it recorded as done; a killed run leaves at most one file half-written, and the next run
redoes exactly that file. A file that fails for any other reason is taken back and
reported, and the batch goes on.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, runtime_checkable

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from qa.corpus.identity import content_key, masthead_key
from qa.corpus.models import Issue
from qa.corpus.parse import parse_text
from qa.corpus.read import find_issue_files, read_issue
from qa.errors import FileProblem, IndexMismatch, IngestCancelled, IngestFailed, QAError, UnreadableIssue
from qa.index.archive import BM25_DIR
from qa.index.bm25_update import BM25Update, update_bm25
from qa.index.chunk import chunk_issue, embed_text, make_splitter
from qa.index.embed import EmbedderIdentity, identity_of, shared_embedder
from qa.index.embed_cache import EmbeddingCache
from qa.index.manifest import Manifest
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

log = logging.getLogger(__name__)

# Passages embedded between two looks at a cancel request: small enough that a stop comes within a
# second or two on two cores, large enough that the embedder still works in batches.
EMBED_BATCH = 32
CANCELLED = ("导入已按要求停止：已完成的期次都保留，正在导入的那一期已撤回，索引完整可用。"
             "再次运行同样的导入会从停下的地方接着做。")


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
    """The sinks `qa ingest` feeds by default: the meeting records (the catalog reads the manifest's own rows)."""
    from qa.meetings.store import MeetingStore

    return [MeetingStore.from_settings(settings)]


def sink_name(sink: IssueSink) -> str:
    """How the manifest remembers which sinks have seen which file."""
    return getattr(sink, "name", None) or type(sink).__name__


@dataclass(frozen=True)
class Duplicate:
    """A file skipped because the archive already holds its issue under another file."""

    source: str
    same_as: str
    label: str

    def __str__(self) -> str:
        return f"{self.source}：与已导入的 {self.same_as} 是同一期（{self.label}），已跳过。"


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    failures: list[FileProblem] = field(default_factory=list)
    chunks_written: int = 0
    passages_embedded: int = 0
    seconds: float = 0.0
    bm25_rebuilt: bool = False  # a new BM25 version was saved (qa.index.bm25_update)
    bm25_tokenized: int = 0  # chunks jieba cut for it; the others' tokens came from the previous version
    bm25_seconds: float = 0.0
    cancelled: bool = False

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


def _rebuild_storage(settings: Settings, sinks: list[IssueSink]) -> None:
    """Forget the whole index (not the embedding cache): Chroma collection, manifest, BM25, and what the sinks hold of it.

    The manifest's tables are emptied, not its file deleted: the sinks may keep their records in the same
    archive database, on connections already open.
    """
    index_dir = Path(settings.index_dir)
    if Manifest.exists(index_dir):
        old = Manifest(index_dir)
        try:
            sources = [r.source for r in old.files()] + ([old.pending] if old.pending else [])
            for source in sources:
                for sink in sinks:
                    sink.remove_source(source)
            old.clear()
        finally:
            old.close()
    drop_collection(chroma_client(settings), settings.chroma.collection)
    shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)


def _failure_reason(exc: Exception) -> str:
    """What went wrong, in words a user can act on; the traceback goes to the debug log."""
    if isinstance(exc, QAError):
        what = str(exc)
    elif isinstance(exc, sqlite3.IntegrityError):
        what = "与库中已有的记录冲突"
    elif isinstance(exc, sqlite3.OperationalError):
        what = "数据库无法写入（磁盘已满、只读，或被另一个程序占用？）"
    elif isinstance(exc, OSError):
        what = "读写文件失败（磁盘已满或没有权限？）"
    else:
        what = "内部错误"
    return (f"导入失败：{what}。这个文件已写入的内容已撤回，其他文件照常导入；"
            "排除问题后重新运行 qa ingest 即可重试（设置 QA_DEBUG=1 可看到详细错误）。")


class _Run:
    """One ingest run's parts, and what it does to one file."""

    def __init__(self, manifest: Manifest, collection, store, splitter, sinks: list[IssueSink], embedder: BaseEmbedding,
                 identity: EmbedderIdentity, cache: EmbeddingCache | None, report: IngestReport,
                 cancel: Callable[[], bool] | None = None, on_batch: Callable[[int, int], None] | None = None):
        self.manifest, self.collection, self.store, self.splitter = manifest, collection, store, splitter
        self.sinks, self.names = sinks, [sink_name(s) for s in sinks]
        self.embedder, self.identity, self.cache, self.report = embedder, identity, cache, report
        self.cancel, self.on_batch = cancel or (lambda: False), on_batch or (lambda done, total: None)

    def check(self) -> None:
        """Stop here if asked to: between files and between embedding batches, never inside a write."""
        if self.cancel():
            raise IngestCancelled(CANCELLED)

    def parse(self, text: str, source: str, sha: str) -> Issue:
        return parse_text(text, source=source, sha256=sha, id_prefix=self.manifest.id_prefix(source))

    def file(self, source: str, path: Path) -> None:
        """Index one file; a failure is reported and taken back, never raised (the batch goes on)."""
        try:
            text, sha = read_issue(path)
        except UnreadableIssue as exc:
            self.report.failures.append(exc)
            return
        known = self.manifest.file(source)
        try:
            if known is not None and known.sha256 == sha:
                self._unchanged(source, text, sha)
                return
            # Ids come later: a duplicate must not take a prefix.
            issue = parse_text(text, source=source, sha256=sha)
        except UnreadableIssue as exc:
            self.report.failures.append(exc)
            return
        except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the batch
            log.debug("sinks failed on unchanged %s", source, exc_info=True)
            self.report.failures.append(IngestFailed(path, _failure_reason(exc)))
            return
        key = content_key(text)
        same = self.manifest.same_issue(key, (issue.issue_no, issue.date) if masthead_key(issue) else None, source)
        if same is not None:
            if known is not None:
                self.remove(source)  # the file no longer holds what was indexed from it
            self.report.duplicates.append(Duplicate(source, same.source, issue.label))
            return
        try:
            self._write(self.parse(text, source, sha), key)
        except IngestCancelled:
            raise  # asked before anything of this file was written: nothing to take back
        except Exception as exc:  # noqa: BLE001 - taken back below; reported in words, not as a traceback
            log.debug("ingest failed on %s", source, exc_info=True)
            self._take_back(source)
            self.report.failures.append(IngestFailed(path, _failure_reason(exc)))
            return
        (self.report.replaced if known is not None else self.report.added).append(source)

    def _unchanged(self, source: str, text: str, sha: str) -> None:
        missing = [s for s, n in zip(self.sinks, self.names) if n not in self.manifest.sinks_done(source, sha)]
        if missing:
            issue = self.parse(text, source, sha)
            for sink in missing:
                sink.upsert_issue(issue)
                self.manifest.mark_sink_done(sink_name(sink), source, sha)
        self.report.unchanged.append(source)

    def _write(self, issue: Issue, key: str) -> None:
        """Crash-safe by ordering: forget, delete old chunks, write new ones, feed the sinks, then record.

        The embedding comes first and changes nothing, so a stop on request while it runs leaves
        the index exactly as it was (a changed file keeps its old version until the next run).
        """
        source = issue.source
        nodes = chunk_issue(issue, self.splitter)
        texts = [embed_text(n) for n in nodes]
        vectors, embedded = [], 0
        for start in range(0, len(texts), EMBED_BATCH):
            self.check()
            batch, fresh = _vectors(texts[start : start + EMBED_BATCH], self.embedder, self.identity, self.cache)
            vectors += batch
            embedded += fresh
            self.on_batch(len(vectors), len(texts))
        self.check()  # the last look: from here on the file is written through
        self.manifest.forget(source)
        delete_source(self.collection, source)
        for node, vector in zip(nodes, vectors):
            node.embedding = [float(x) for x in vector]
        if nodes:
            self.store.add(nodes)
        for node in nodes:
            node.embedding = None  # the manifest keeps text and metadata; vectors live in Chroma
        for sink in self.sinks:
            sink.upsert_issue(issue)
        self.manifest.record(issue, nodes, self.names, key)
        self.report.chunks_written += len(nodes)
        self.report.passages_embedded += embedded

    def _take_back(self, source: str) -> None:
        """Undo a failed file: no orphan chunks in Chroma, nothing of it in the sinks or the manifest.

        If Chroma cannot be cleaned now, the file stays pending and the next run cleans it.
        """
        chroma_clean = _quietly(delete_source, self.collection, source)
        for sink in self.sinks:
            _quietly(sink.remove_source, source)
        _quietly(self.manifest.forget, source)
        if chroma_clean:
            _quietly(self.manifest.clear_pending)

    def remove(self, source: str) -> None:
        """Forget an indexed file everywhere."""
        for sink in self.sinks:
            sink.remove_source(source)
        self.manifest.forget(source)
        delete_source(self.collection, source)
        self.manifest.clear_pending()
        self.manifest.drop_prefix(source)


def _quietly(step, *args) -> bool:
    try:
        step(*args)
        return True
    except Exception:  # noqa: BLE001 - clean-up after a failure: best effort, logged
        log.debug("clean-up step %s failed", getattr(step, "__name__", step), exc_info=True)
        return False


def _backfill_keys(manifest: Manifest, cwd: Path) -> None:
    """Content keys for files indexed before keys were kept, so their copies are recognised from now on."""
    for record in manifest.files():
        if record.content_key is None:
            try:
                text, _ = read_issue(cwd / record.source)
            except UnreadableIssue:
                continue
            manifest.set_content_key(record.source, content_key(text))


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
    cancel: Callable[[], bool] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Index issue files (default: settings.seeds_dir); returns what changed and which files failed.

    `embedder` and `sinks` default to the process's shared embedder for the settings (the one the engine
    uses: qa.index.embed.shared_embedder) and `default_sinks(settings)`;
    `extra_words` (person names) join the BM25 tokenizer's dictionary. A file whose issue
    is already indexed under another name (another encoding, another folder) is skipped.
    A run is remembered until it finishes, so a later `qa serve` can finish a killed one.

    `cancel` is asked between files and between embedding batches; when it says stop, the file
    being written is taken back, BM25 is brought up to date with the files finished, and
    IngestCancelled is raised (its `report` says what was done). The run stays unfinished, so a
    later run or `qa serve` completes it. `on_batch(done, total)` follows one file's embedding.
    """
    started = time.perf_counter()
    report = IngestReport()
    cwd = Path(cwd or os.getcwd())
    given = [Path(p) if Path(p).is_absolute() else cwd / p for p in (paths or [settings.seeds_dir])]
    run_paths = [str(p) for p in given]
    files = find_issue_files(given)
    sources = list(dict.fromkeys(canonical_source(f, cwd) for f in files))
    embedder = embedder or shared_embedder(settings.embedder)
    identity = identity_of(embedder)
    sinks = default_sinks(settings) if sinks is None else sinks

    if rebuild:
        _rebuild_storage(settings, sinks)
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
        manifest.begin_run(str(cwd), run_paths)
        _backfill_keys(manifest, cwd)

        run = _Run(manifest, collection, store, splitter, sinks, embedder, identity, cache, report, cancel, on_batch)
        bar = tqdm(total=len(sources), unit="file", desc="导入", disable=not progress, dynamic_ncols=True)
        try:
            for source in sources:
                run.check()
                run.file(source, cwd / source)
                bar.update(1)
                elapsed = time.perf_counter() - started
                bar.set_postfix_str(f"{report.chunks_written} 段, {report.chunks_written / elapsed:.1f} 段/秒")
        except IngestCancelled as stop:
            # what was finished is served as it is: BM25 follows the manifest; the run stays to be resumed
            report.cancelled = True
            _update_bm25(manifest, settings, sinks, extra_words, report)
            report.seconds = time.perf_counter() - started
            stop.report = report
            raise
        finally:
            bar.close()

        if prune:
            for record in manifest.files():
                if not (cwd / record.source).exists():
                    run.remove(record.source)
                    report.removed.append(record.source)

        _update_bm25(manifest, settings, sinks, extra_words, report)
        manifest.end_run(str(cwd), run_paths)
    finally:
        manifest.close()
        if cache:
            cache.close()
    report.seconds = time.perf_counter() - started
    return report


def _update_bm25(manifest: Manifest, settings: Settings, sinks: list[IssueSink], extra_words: Iterable[str],
                 report: IngestReport) -> BM25Update:
    """BM25 brought up to date with the manifest (only changed chunks are cut again) and swapped in.

    Its dictionary: the given words, the names the rules find in the indexed articles, and the sinks'
    people (a sink may offer `person_names()`).
    """
    sink_names = {n for sink in sinks if hasattr(sink, "person_names") for n in sink.person_names()}
    update = update_bm25(manifest, Path(settings.index_dir) / BM25_DIR, extra_words, sink_names)
    report.bm25_rebuilt = update.saved
    report.bm25_tokenized += update.tokenized
    report.bm25_seconds += update.seconds
    return update
