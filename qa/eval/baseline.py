"""The plain llama-index pipeline the project is measured against.

Default `SentenceSplitter`, a `VectorStoreIndex` over an embedded Chroma collection in a
temporary directory, `CitationQueryEngine` with its default (English) prompt. It gets the
same embedder and LLM as the project and the parser's articles as documents, so the
difference measured is the pipeline, not the models or the data.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from llama_index.core import Document, StorageContext, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
from llama_index.core.llms import LLM
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.query_engine import CitationQueryEngine
from pydantic import BaseModel, Field, ValidationError

from qa.answer.models import Answer, Citation
from qa.corpus.models import Issue

_MARKER = re.compile(r"\[(\d+)\]")
_SOURCE_HEAD = re.compile(r"^Source \d+:\n")
# A base model that keeps going after "Answer:" loops or writes the next "Query:"/"Source n:";
# the answer is one line, so a newline ends it (the design's lesson: always stop and cap).
BASELINE_STOP = ["\n"]
BASELINE_MAX_TOKENS = 64


class CappedLLM(CustomLLM):
    """Another LLM with a token limit and stop sequences on every completion (the same model, shared)."""

    inner: Any = Field(description="the wrapped llama-index LLM")
    max_tokens: int = BASELINE_MAX_TOKENS
    stop: list[str] = Field(default_factory=lambda: list(BASELINE_STOP))

    @property
    def metadata(self) -> LLMMetadata:
        meta = self.inner.metadata
        return LLMMetadata(context_window=meta.context_window, num_output=self.max_tokens, model_name=meta.model_name)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        kwargs = {"max_tokens": self.max_tokens, "stop": self.stop} | kwargs
        return self.inner.complete(prompt, formatted=formatted, **kwargs)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        response = self.complete(prompt, formatted=formatted, **kwargs)
        yield CompletionResponse(text=response.text, delta=response.text, raw=response.raw)


def documents(issues: Iterable[Issue]) -> list[Document]:
    """One llama-index Document per article, its ids and issue data as metadata (for citations)."""
    docs = []
    for issue in issues:
        for a in issue.articles:
            text = "\n".join(part for part in (a.title, a.subtitle, a.body) if part)
            # Chroma metadata values must be str/int/float: absent numbers and dates become "".
            meta = {
                "article_id": a.id,
                "title": a.title,
                "issue_no": issue.issue_no or 0,
                "issue_date": issue.date.isoformat() if issue.date else "",
                "source": issue.source,
            }
            docs.append(Document(text=text, metadata=meta, id_=a.id))
    return docs


class SourceChunk(BaseModel):
    """One of the re-split sub-chunks CitationQueryEngine showed the LLM as "Source n", with its article."""

    article_id: str
    title: str = ""
    issue_no: int | None = None
    issue_date: str | None = None
    source: str = ""
    text: str


class PipelineResponse(BaseModel):
    """What the pipeline returned for one question: the expensive part, kept in the cache."""

    question: str
    text: str
    sources: list[SourceChunk]
    seconds: float


def to_answer(response: PipelineResponse) -> Answer:
    """The pipeline's response as an `Answer` (mode "retrieval").

    Citations are the sources its [n] markers point at; when it writes no marker, every source
    it returned, since that is what the pipeline presents as the answer's sources.
    """
    markers = [int(m) for m in _MARKER.findall(response.text)]
    chosen = [n for n in dict.fromkeys(markers) if 1 <= n <= len(response.sources)]
    if not markers:
        chosen = list(range(1, len(response.sources) + 1))
    citations = [
        Citation(
            n=n,
            article_id=response.sources[n - 1].article_id,
            issue_no=response.sources[n - 1].issue_no,
            issue_date=response.sources[n - 1].issue_date,
            title=response.sources[n - 1].title,
            source=response.sources[n - 1].source,
            quote=response.sources[n - 1].text,
        )
        for n in chosen
    ]
    return Answer(
        question=response.question,
        answer=response.text,
        mode="retrieval",
        citations=citations,
        retrieved=list(dict.fromkeys(s.article_id for s in response.sources)),
        seconds=response.seconds,
    )


def source_chunks(response) -> list[SourceChunk]:
    """The numbered sources a CitationQueryEngine response showed its LLM, each with its article's data."""
    sources = []
    for sn in response.source_nodes:
        meta = sn.node.metadata
        sources.append(
            SourceChunk(
                article_id=str(meta.get("article_id", "")),
                title=str(meta.get("title", "")),
                issue_no=int(meta.get("issue_no") or 0) or None,
                issue_date=meta.get("issue_date") or None,
                source=str(meta.get("source", "")),
                text=_SOURCE_HEAD.sub("", sn.node.get_content()).strip(),
            )
        )
    return sources


def cached_query(engine, question: str, cache: ResponseCache | None, extra: str = "") -> PipelineResponse:
    """A CitationQueryEngine's response to a question, from the cache when these exact inputs were seen."""
    if cache is not None and (cached := cache.get(question, extra)) is not None:
        return cached
    started = time.perf_counter()
    response = engine.query(question)
    result = PipelineResponse(question=question, text=(response.response or "").strip(),
                              sources=source_chunks(response), seconds=time.perf_counter() - started)
    if cache is not None:
        cache.put(result, extra)
    return result


class ResponseCache:
    """Pipeline responses keyed by the question and everything else they depend on; JSONL on disk.

    The baseline runs at temperature 0, so the same inputs give the same response; reusing
    it keeps repeated runs within the time budget on two cores.
    """

    def __init__(self, path: Path, fingerprint: dict[str, str], *, read: bool = True):
        self.path = Path(path)
        self.fingerprint = json.dumps(fingerprint, sort_keys=True, ensure_ascii=False)
        self.hits = 0
        self._entries: dict[str, PipelineResponse] = {}
        if read and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self._entries[row["key"]] = PipelineResponse.model_validate(row["response"])
                except (json.JSONDecodeError, KeyError, ValidationError):
                    continue  # a torn last line from an interrupted run: that response is recomputed

    def key(self, question: str, extra: str = "") -> str:
        """`extra`: any further input the response depends on (e.g. the passages a retriever gave it)."""
        parts = [self.fingerprint, question] + ([extra] if extra else [])
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()

    def get(self, question: str, extra: str = "") -> PipelineResponse | None:
        found = self._entries.get(self.key(question, extra))
        if found is not None:
            self.hits += 1
        return found

    def put(self, response: PipelineResponse, extra: str = "") -> None:
        k = self.key(response.question, extra)
        self._entries[k] = response
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"key": k, "response": response.model_dump(mode="json")}, ensure_ascii=False) + "\n")


class PlainBaseline:
    """Build once over the issues, then `ask` like the answer engine; `close` removes its files."""

    def __init__(self, issues: Iterable[Issue], embed_model: BaseEmbedding, llm: LLM, *,
                 max_tokens: int = BASELINE_MAX_TOKENS, cache: ResponseCache | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaClientSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.cache = cache
        self._dir = Path(tempfile.mkdtemp(prefix="qa-baseline-"))
        client = chromadb.PersistentClient(path=str(self._dir), settings=ChromaClientSettings(anonymized_telemetry=False))
        store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("baseline"))
        self._client = client
        # Everything passed explicitly: llama-index's global Settings would otherwise reach for OpenAI.
        self.index = VectorStoreIndex.from_documents(
            documents(issues),
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=embed_model,
            transformations=[SentenceSplitter()],
        )
        self.llm = CappedLLM(inner=llm, max_tokens=max_tokens)
        self.engine = CitationQueryEngine.from_args(self.index, llm=self.llm)

    def query(self, question: str) -> PipelineResponse:
        """The pipeline's response (from the cache when it has one for exactly these inputs)."""
        return cached_query(self.engine, question, self.cache)

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer:
        """One answer; `history` is ignored, the plain pipeline has no conversation memory."""
        return to_answer(self.query(question))

    def close(self) -> None:
        """Drop the temporary Chroma directory."""
        self._client = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> PlainBaseline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
