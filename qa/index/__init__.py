"""The archive index: article-aware chunks, embeddings in Chroma, BM25 over jieba, hybrid retrieval."""

from qa.index.archive import ArchiveIndex, SearchResult, open_index
from qa.index.embed import EmbedderIdentity, make_embedder
from qa.index.retrieve import Filters, Hit, parse_filters

__all__ = [
    "ArchiveIndex",
    "EmbedderIdentity",
    "Filters",
    "Hit",
    "SearchResult",
    "make_embedder",
    "open_index",
    "parse_filters",
]
