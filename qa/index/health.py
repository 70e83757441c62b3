"""Whether an index on disk is whole enough to serve, and what a start must do when it is not.

An ingest killed on a first `qa serve` leaves some issues indexed, a run marked unfinished
and no BM25; a wiped Chroma leaves the manifest out of step with the vectors. Serving
either would fail every retrieval question, so a start repairs them first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chromadb.errors import NotFoundError

from qa.index.archive import BM25_DIR
from qa.index.bm25 import BM25Index
from qa.index.manifest import Manifest
from qa.index.store import chroma_client
from qa.settings import Settings


@dataclass
class IndexHealth:
    """What is wrong with an index, if anything."""

    files: int = 0
    unfinished: list[dict] = field(default_factory=list)  # runs to resume: [{"cwd", "paths"}]
    pending: str | None = None
    bm25_stale: bool = False
    out_of_step: bool = False
    sources: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.files == 0

    @property
    def ready(self) -> bool:
        return not (self.empty or self.unfinished or self.pending or self.bm25_stale or self.out_of_step)

    def describe(self) -> str:
        """The trouble in one Chinese sentence, for the start-up message."""
        if self.out_of_step:
            return "向量库与导入记录不一致"
        if self.empty:
            return "索引为空"
        if self.unfinished or self.pending:
            return "上次导入没有完成"
        if self.bm25_stale:
            return "关键词索引（BM25）缺失或过期"
        return "索引完好"


def inspect_index(settings: Settings) -> IndexHealth:
    """Look at the manifest, Chroma and BM25 without changing anything."""
    index_dir = Path(settings.index_dir)
    if not Manifest.exists(index_dir):
        return IndexHealth()
    manifest = Manifest(index_dir)
    try:
        files = manifest.files()
        chunks = manifest.chunk_count()
        health = IndexHealth(files=len(files), unfinished=manifest.unfinished_runs(), pending=manifest.pending,
                             sources=[f.source for f in files])
        state = BM25Index.saved_state(index_dir / BM25_DIR)
        health.bm25_stale = bool(files) and (state is None or state.get("generation") != manifest.generation)
    finally:
        manifest.close()
    try:
        vectors = chroma_client(settings).get_collection(settings.chroma.collection, embedding_function=None).count()
    except NotFoundError:
        vectors = 0
    # A pending file may have left vectors the manifest does not count; the next ingest removes them.
    health.out_of_step = vectors != chunks and not (health.pending and vectors > chunks)
    return health
