"""The second baseline: the project's own retrieval feeding llama-index's `CitationQueryEngine`.

Same retrieval as the engine (hybrid Chroma + BM25, the chunks that matched, with the
headline and issue kept), a Chinese citation prompt, the same local model with a token cap
and a stop at the newline. What it measures: how far retrieval plus a stock LLM reader gets,
so the difference to the project is the project's reading, not its retrieval.
"""

from __future__ import annotations

import hashlib
from typing import Any

from llama_index.core import PromptTemplate
from llama_index.core.llms import LLM
from llama_index.core.query_engine import CitationQueryEngine
from llama_index.core.response_synthesizers import ResponseMode, get_response_synthesizer
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from qa.answer.models import Answer
from qa.eval.baseline import CappedLLM, PipelineResponse, ResponseCache, cached_query, to_answer

CITATION_TOP_K = 3

CHINESE_CITATION_QA = PromptTemplate(
    "请只根据下面编号的资料（Source 1、Source 2……）回答问题，答案用一句中文写出，"
    "句末用 [编号] 标明依据的资料，例如 [1]。资料里没有答案时，只回答：未在报纸中找到。\n"
    "------\n{context_str}\n------\n问题：{query_str}\n答案："
)
CHINESE_CITATION_REFINE = PromptTemplate(
    "已有答案：{existing_answer}\n请根据下面的补充资料修正或保留这个答案，句末用 [编号] 标明依据，"
    "资料里没有答案时保留原答案。\n------\n{context_msg}\n------\n问题：{query_str}\n答案："
)


class ProjectRetriever(BaseRetriever):
    """The archive's hybrid search as a llama-index retriever: each hit's best chunk, headline and issue on top."""

    def __init__(self, index: Any, k: int = CITATION_TOP_K):
        super().__init__()
        self.index, self.k = index, k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        result = self.index.search(query_bundle.query_str, k=self.k)
        nodes = []
        for hit in result.hits:
            if not hit.chunks:
                continue
            chunk = hit.chunks[0].node.get_content()
            issue = f"第{hit.issue_no}期 " if hit.issue_no else ""
            day = hit.issue_date.isoformat() if hit.issue_date else ""
            # The reader must see which issue and article a passage is from (design §4).
            text = f"《{hit.title}》{issue}{day}\n{chunk}"
            meta = {"article_id": hit.article_id, "title": hit.title, "issue_no": hit.issue_no or 0,
                    "issue_date": day, "source": hit.source}
            nodes.append(NodeWithScore(node=TextNode(text=text, metadata=meta), score=hit.score))
        return nodes


class CitationBaseline:
    """`ask` like the engine: project retrieval → CitationQueryEngine (Chinese prompt) → `Answer`."""

    def __init__(self, index: Any, llm: LLM, *, cache: ResponseCache | None = None, k: int = CITATION_TOP_K):
        self.retriever = ProjectRetriever(index, k)
        self.cache = cache
        capped = CappedLLM(inner=llm)
        synth = get_response_synthesizer(llm=capped, text_qa_template=CHINESE_CITATION_QA,
                                         refine_template=CHINESE_CITATION_REFINE, response_mode=ResponseMode.COMPACT)
        self.engine = CitationQueryEngine(self.retriever, llm=capped, response_synthesizer=synth)

    def query(self, question: str) -> PipelineResponse:
        nodes = self.retriever.retrieve(question)
        # The response depends on what retrieval gave the model: key the cache on it too.
        extra = hashlib.sha256("\x00".join(n.node.get_content() for n in nodes).encode()).hexdigest()
        return cached_query(self.engine, question, self.cache, extra)

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer:
        """One answer; no conversation memory (`history` ignored), like the plain baseline."""
        return to_answer(self.query(question))

    def close(self) -> None:
        """Nothing of its own to release: the index and model belong to the engine."""
