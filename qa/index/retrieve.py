"""Hybrid retrieval: dense (Chroma) and BM25 rankings fused by reciprocal rank, per article.

Also the pure parts: filters read from the question (`2021年11月`, `第2415期`,
`2023年2月24日`), the fusion itself, and the sentence of a chunk that best matches.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

from qa.index.bm25 import BM25Index, tokenize
from qa.index.chunk import split_sentences


@dataclass(frozen=True)
class Filters:
    """Publication-date range (inclusive) and issue number; None means unrestricted."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    issue_no: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.date_from, self.date_to, self.issue_no))

    def overridden_by(self, other: "Filters") -> "Filters":
        """These filters with each field the other one sets replaced (explicit options beat the question)."""
        return Filters(
            date_from=other.date_from if other.date_from is not None else self.date_from,
            date_to=other.date_to if other.date_to is not None else self.date_to,
            issue_no=other.issue_no if other.issue_no is not None else self.issue_no,
        )

    def bounds(self) -> tuple[int | None, int | None]:
        """The date range as integers like 20211104, as stored in chunk metadata."""

        def as_int(d: dt.date | None) -> int | None:
            return int(d.strftime("%Y%m%d")) if d else None

        return as_int(self.date_from), as_int(self.date_to)

    def metadata_filters(self) -> MetadataFilters | None:
        """The llama-index (hence Chroma `where`) form of these filters."""
        low, high = self.bounds()
        parts = []
        if low is not None:
            parts.append(MetadataFilter(key="date_int", value=low, operator=FilterOperator.GTE))
        if high is not None:
            parts.append(MetadataFilter(key="date_int", value=high, operator=FilterOperator.LTE))
        if self.issue_no is not None:
            parts.append(MetadataFilter(key="issue_no", value=self.issue_no, operator=FilterOperator.EQ))
        return MetadataFilters(filters=parts) if parts else None

    def describe(self) -> str:
        """In words, for messages: `2021-11-01 至 2021-12-03，第2415期`."""
        parts = []
        if self.date_from or self.date_to:
            low = self.date_from.isoformat() if self.date_from else "最早"
            high = self.date_to.isoformat() if self.date_to else "最新"
            parts.append(f"{low} 至 {high}")
        if self.issue_no is not None:
            parts.append(f"第{self.issue_no}期")
        return "，".join(parts) or "不限"


_ISSUE_NO = re.compile(r"第\s*(\d{3,5})\s*期")
_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])(?:份)?")


def parse_filters(question: str, slack_days: int = 3) -> Filters:
    """Filters a question implies: `第2415期`, a day (`2023年2月24日`) or a month (`2021年11月`).

    A day or month is when things happened; the report can appear a few days later
    (`昨日…`), so the range reaches `slack_days` past it. Several dates give one span.
    A bare year is not a filter: `2023年度考核` is reported in 2024.
    """
    text = unicodedata.normalize("NFKC", question)
    spans: list[tuple[dt.date, dt.date]] = []
    for m in [*_FULL_DATE.finditer(text), *_ISO_DATE.finditer(text)]:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        spans.append((day, day))
    for m in _YEAR_MONTH.finditer(text):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            spans.append((dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])))
    issue = _ISSUE_NO.search(text)
    if not spans:
        return Filters(issue_no=int(issue.group(1)) if issue else None)
    return Filters(
        date_from=min(s for s, _ in spans),
        date_to=max(e for _, e in spans) + dt.timedelta(days=slack_days),
        issue_no=int(issue.group(1)) if issue else None,
    )


def fuse_ranks(rankings: dict[str, list[str]], rrf_k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of ranked key lists: score(key) = Σ 1/(rrf_k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for ranking in rankings.values():
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (rrf_k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def best_sentence(query_tokens: list[str], text: str) -> str:
    """The sentence of a text containing the most (length-weighted) query words; the first one on a tie."""
    wanted = set(query_tokens)
    best, best_score = "", -1
    for sentence in (s.strip() for line in text.split("\n") for s in split_sentences(line)):
        if not sentence:
            continue
        score = sum(len(t) for t in wanted if t in sentence)
        if score > best_score:
            best, best_score = sentence, score
    return best


@dataclass
class Hit:
    """One retrieved article: where it was printed, its fused score and the chunks that matched."""

    article_id: str
    title: str
    subtitle: str
    issue_no: int | None
    issue_date: dt.date | None
    date_inferred: bool
    source: str
    kind: str
    score: float
    rank: int  # 0 = best
    chunks: list[NodeWithScore] = field(default_factory=list)  # best first
    ranks: dict[str, int] = field(default_factory=dict)  # retriever name → 1-based article rank
    sentence: str = ""

    @property
    def issue_label(self) -> str:
        no = f"第{self.issue_no}期" if self.issue_no else "期号不详"
        if self.issue_date is None:
            return f"{no} 日期不详"
        return f"{no} {self.issue_date.isoformat()}{'（推断）' if self.date_inferred else ''}"

    @property
    def text(self) -> str:
        """The best matching chunk's text."""
        return self.chunks[0].node.get_content() if self.chunks else ""


def _hit_from(node: TextNode, score: float, rank: int) -> Hit:
    meta = node.metadata
    date = meta.get("date") or ""
    return Hit(
        article_id=meta["article_id"],
        title=meta.get("title", ""),
        subtitle=meta.get("subtitle", ""),
        issue_no=meta.get("issue_no") or None,
        issue_date=dt.date.fromisoformat(date) if date else None,
        date_inferred=bool(meta.get("date_inferred")),
        source=meta.get("source", ""),
        kind=meta.get("kind", "article"),
        score=score,
        rank=rank,
    )


def _article_key(node: TextNode) -> str:
    return f"{node.metadata.get('source', '')}\n{node.metadata['article_id']}"


class BM25Retriever(BaseRetriever):
    """BM25 over jieba tokens as a llama-index retriever; chunks come from the manifest."""

    def __init__(
        self,
        bm25: BM25Index,
        lookup: Callable[[list[str]], dict[str, TextNode]],
        similarity_top_k: int = 30,
        filters: Filters | None = None,
    ):
        super().__init__()
        self._bm25 = bm25
        self._lookup = lookup
        self._top_k = similarity_top_k
        self._filters = filters or Filters()

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        low, high = self._filters.bounds()
        mask = self._bm25.mask(low, high, self._filters.issue_no)
        found = self._bm25.search(query_bundle.query_str, self._top_k, weight_mask=mask)
        nodes = self._lookup([chunk_id for chunk_id, _ in found])
        return [NodeWithScore(node=nodes[i], score=s) for i, s in found if i in nodes]


class RecordedOnly(BaseRetriever):
    """Another retriever's chunks, less those of files the manifest does not record (yet, or any more).

    Ingest writes a file's vectors before its rows and deletes its rows before its vectors, so a search
    running meanwhile would otherwise find chunks of a file that is half-written; this way it sees each
    file whole or not at all, like BM25 (whose chunks come from the manifest) and the catalog.
    """

    def __init__(self, retriever: BaseRetriever, recorded: Callable[[list[str]], set[str]]):
        super().__init__()
        self._retriever, self._recorded = retriever, recorded

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        found = self._retriever.retrieve(query_bundle)
        keep = self._recorded([hit.node.node_id for hit in found]) if found else set()
        return [hit for hit in found if hit.node.node_id in keep]


class HybridRetriever(BaseRetriever):
    """Runs each retriever, ranks articles by their best chunk in each, and fuses the article ranks (RRF).

    llama-index's QueryFusionRetriever fuses chunks by content hash with a fixed k and
    resolves an LLM from global settings; articles are what users cite, so fuse those.
    """

    def __init__(self, retrievers: dict[str, BaseRetriever], rrf_k: int = 60):
        super().__init__()
        self._retrievers = retrievers
        self._rrf_k = rrf_k

    def retrieve_articles(self, query: str | QueryBundle) -> list[Hit]:
        """Articles best first, each with its matched chunks and its rank in every retriever."""
        bundle = QueryBundle(query) if isinstance(query, str) else query
        rankings: dict[str, list[str]] = {}
        chunks: dict[str, dict[str, tuple[int, NodeWithScore]]] = {}
        for name, retriever in self._retrievers.items():
            order: list[str] = []
            for position, hit in enumerate(retriever.retrieve(bundle)):
                key = _article_key(hit.node)
                if key not in order:
                    order.append(key)
                seen = chunks.setdefault(key, {})
                if hit.node.node_id not in seen or position < seen[hit.node.node_id][0]:
                    seen[hit.node.node_id] = (position, hit)
            rankings[name] = order
        hits = []
        for rank, (key, score) in enumerate(fuse_ranks(rankings, self._rrf_k)):
            matched = [nws for _, nws in sorted(chunks[key].values(), key=lambda pn: pn[0])]
            hit = _hit_from(matched[0].node, score, rank)
            hit.chunks = matched
            hit.ranks = {name: order.index(key) + 1 for name, order in rankings.items() if key in order}
            hits.append(hit)
        return hits

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(node=c.node, score=hit.score) for hit in self.retrieve_articles(query_bundle) for c in hit.chunks
        ]


def sentence_for(hit: Hit, question: str, bm25: BM25Index) -> str:
    """The sentence of the hit's chunks that best matches the question."""
    text = "\n".join(c.node.get_content() for c in hit.chunks)
    return best_sentence(tokenize(question, bm25.tokenizer), text)
