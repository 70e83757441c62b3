"""The opened archive index: Chroma collection, BM25 and manifest behind one search call.

Built once at the edge from Settings and an embedder; queries go through `search`.

An ingest may run meanwhile, in this process (an upload) or another (`qa ingest`). The manifest
says what is indexed: a file's rows (its chunks, articles, catalog entry) are committed in one
transaction, after its vectors are in Chroma and before they are deleted, and dense hits of files
it does not record are dropped (`RecordedOnly`), so a search sees each file whole or not at all.
BM25 is one object in memory: when an ingest has saved a newer version, one search loads it whole
while the others go on with the current one, and then a single assignment swaps it in. A search
takes the object once, at its start, and uses it to its end: no search sees half an index or none.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding

from qa.corpus.models import Article
from qa.errors import IndexMissing
from qa.index.bm25 import BM25Index
from qa.index.embed import identity_of
from qa.index.manifest import Manifest
from qa.index.retrieve import (
    BM25Retriever,
    Filters,
    Hit,
    HybridRetriever,
    RecordedOnly,
    parse_filters,
    sentence_for,
)
from qa.index.store import check_embedder, chroma_client, open_collection, vector_store
from qa.settings import Settings

log = logging.getLogger(__name__)

BM25_DIR = "bm25"
Mode = Literal["hybrid", "dense", "bm25"]


@dataclass
class SearchResult:
    """Articles found for a question and the filters that were applied."""

    question: str
    filters: Filters
    hits: list[Hit] = field(default_factory=list)


class ArchiveIndex:
    """Query side of the index; raises IndexMissing before any ingest and IndexMismatch for another embedder."""

    def __init__(self, settings: Settings, embedder: BaseEmbedding):
        index_dir = Path(settings.index_dir)
        manifest = Manifest(index_dir) if Manifest.exists(index_dir) else None
        if manifest is None or manifest.embedder is None:  # no archive, or one with meeting records only (`qa meetings`)
            if manifest is not None:
                manifest.close()
            raise IndexMissing(f"{index_dir} 中还没有索引：请先运行 qa ingest 导入报纸。")
        self.settings = settings
        self.embedder = embedder
        self.manifest = manifest
        identity = identity_of(embedder)
        check_embedder(self.manifest.embedder, identity)
        self.client = chroma_client(settings)
        self.collection = open_collection(self.client, settings.chroma.collection, identity, create=False)
        self.vector_index = VectorStoreIndex.from_vector_store(vector_store(self.collection), embed_model=embedder)
        self._bm25: BM25Index | None = None
        self._bm25_dir = Path(settings.index_dir) / BM25_DIR
        self._bm25_swap = threading.Lock()

    @property
    def bm25(self) -> BM25Index:
        """The BM25 index to search with now: the loaded one, or the newer version an ingest has saved.

        Take it once per search. Loading a newer version does not hold up other searches: they keep
        the current object until the new one is whole (only the very first load is waited for).
        """
        current = self._bm25
        state = BM25Index.saved_state(self._bm25_dir)
        if current is not None and (state is None or state["generation"] == current.generation):
            return current  # up to date (or the saved index was removed, by a rebuild: keep serving this one)
        if state is None:
            raise IndexMissing(f"{self._bm25_dir} 中没有 BM25 索引：请运行 qa ingest 补全索引。")
        if not self._bm25_swap.acquire(blocking=current is None):
            return current  # another search is loading the newer one
        try:
            if self._bm25 is not current:
                return self._bm25  # swapped while this one waited
            keep = current.tokenizer if current is not None and current.words_digest == state["words"] else None
            try:
                fresh = BM25Index.load(self._bm25_dir, tokenizer=keep)
            except (OSError, ValueError):
                if current is None:
                    raise IndexMissing(f"{self._bm25_dir} 中的 BM25 索引无法读取：请运行 qa ingest 补全索引。") from None
                log.warning("could not load the newer BM25 index; searching the loaded one", exc_info=True)
                return current
            self._bm25 = fresh  # the swap
            return fresh
        finally:
            self._bm25_swap.release()

    def retriever(self, filters: Filters | None = None, mode: Mode = "hybrid", candidates: int | None = None,
                  bm25: BM25Index | None = None) -> HybridRetriever:
        """A llama-index retriever over this archive (dense, BM25 or both fused); `bm25`: the search's own snapshot."""
        filters = filters or Filters()
        n = candidates or self.settings.retrieval.candidates
        parts = {}
        if mode in ("hybrid", "dense"):
            dense = self.vector_index.as_retriever(similarity_top_k=n, filters=filters.metadata_filters())
            parts["dense"] = RecordedOnly(dense, self.manifest.recorded)
        if mode in ("hybrid", "bm25"):
            parts["bm25"] = BM25Retriever(bm25 or self.bm25, self.manifest.nodes, similarity_top_k=n, filters=filters)
        return HybridRetriever(parts, rrf_k=self.settings.retrieval.rrf_k)

    def search(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        auto_filters: bool = True,
    ) -> SearchResult:
        """The k best articles for a question; dates and 第N期 in it become filters unless `filters` overrides them."""
        applied = parse_filters(question, self.settings.retrieval.date_slack_days) if auto_filters else Filters()
        applied = applied.overridden_by(filters or Filters())
        bm25 = self.bm25  # this search's index, whatever an ingest swaps in meanwhile
        hits = self.retriever(applied, mode, bm25=bm25).retrieve_articles(question)[: k or self.settings.retrieval.k]
        for hit in hits:
            hit.sentence = sentence_for(hit, question, bm25)
        return SearchResult(question=question, filters=applied, hits=hits)

    def article(self, article_id: str, source: str | None = None) -> Article | None:
        """The full parsed article (title, body, byline) behind a hit."""
        return self.manifest.article(article_id, source)

    def stats(self) -> dict[str, int]:
        return {
            "files": len(self.manifest.files()),
            "chunks": self.manifest.chunk_count(),
            "vectors": self.collection.count(),
        }

    def close(self) -> None:
        self.manifest.close()


def open_index(settings: Settings, embedder: BaseEmbedding) -> ArchiveIndex:
    """Open the archive index for queries."""
    return ArchiveIndex(settings, embedder)
