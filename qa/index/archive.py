"""The opened archive index: Chroma collection, BM25 and manifest behind one search call.

Built once at the edge from Settings and an embedder; queries go through `search`.
"""

from __future__ import annotations

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
from qa.index.retrieve import BM25Retriever, Filters, Hit, HybridRetriever, parse_filters, sentence_for
from qa.index.store import check_embedder, chroma_client, open_collection, vector_store
from qa.settings import Settings

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

    @property
    def bm25(self) -> BM25Index:
        """The saved BM25 index, reloaded when an ingest has written a newer one."""
        directory = Path(self.settings.index_dir) / BM25_DIR
        state = BM25Index.saved_state(directory)
        if state is None:
            raise IndexMissing(f"{directory} 中没有 BM25 索引：请运行 qa ingest 补全索引。")
        if self._bm25 is None or self._bm25.generation != state["generation"]:
            keep = self._bm25.tokenizer if self._bm25 and self._bm25.words_digest == state["words"] else None
            self._bm25 = BM25Index.load(directory, tokenizer=keep)
        return self._bm25

    def retriever(self, filters: Filters | None = None, mode: Mode = "hybrid", candidates: int | None = None) -> HybridRetriever:
        """A llama-index retriever over this archive (dense, BM25 or both fused)."""
        filters = filters or Filters()
        n = candidates or self.settings.retrieval.candidates
        parts = {}
        if mode in ("hybrid", "dense"):
            parts["dense"] = self.vector_index.as_retriever(similarity_top_k=n, filters=filters.metadata_filters())
        if mode in ("hybrid", "bm25"):
            parts["bm25"] = BM25Retriever(self.bm25, self.manifest.nodes, similarity_top_k=n, filters=filters)
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
        hits = self.retriever(applied, mode).retrieve_articles(question)[: k or self.settings.retrieval.k]
        bm25 = self.bm25
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
