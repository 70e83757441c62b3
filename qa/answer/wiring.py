"""Building the engine from settings: the only place that knows every concrete part."""

from __future__ import annotations

import datetime as dt

from llama_index.core.base.embeddings.base import BaseEmbedding

from qa.answer.engine import AnswerEngine
from qa.answer.normalise import with_chinese_numerals
from qa.answer.llm import build_llm
from qa.answer.records import MeetingRecords
from qa.answer.select import Passage
from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning
from qa.catalog import Catalog
from qa.errors import ConfigError
from qa.index.archive import ArchiveIndex, open_index
from qa.index.embed import shared_embedder
from qa.index.retrieve import Filters
from qa.meetings.store import MeetingStore
from qa.settings import Settings, load_settings


class ArchivePassages:
    """Hybrid retrieval over the archive index, as whole articles for the engine."""

    def __init__(self, index: ArchiveIndex, catalog: Catalog, tuning: AnswerTuning = DEFAULT_TUNING):
        self.index, self.catalog, self.tuning = index, catalog, tuning

    def passages(self, query: str, k: int, date_from: dt.date | None, date_to: dt.date | None) -> list[Passage]:
        result = self.index.search(with_chinese_numerals(query), k=k, filters=Filters(date_from=date_from, date_to=date_to))
        out = []
        for hit in result.hits:
            found = self.catalog.article(hit.article_id)
            body = found[1].body if found else hit.text
            out.append(Passage(hit.article_id, hit.title, body, hit.issue_no, hit.issue_date, hit.source, hit.rank))
        return out


    def in_archive(self, term: str) -> bool:
        """Whether the archive's own index has this word."""
        return bool(self.index.bm25.document_frequency(term))

    def is_word(self, term: str) -> bool:
        """Whether the archive prints this as a word of its own (its index has the token itself)."""
        return self.index.bm25.has_word(term)

    def vocabulary(self) -> dict[str, int]:
        """The archive's words with their chunk counts (for linking English spellings to them)."""
        return self.index.bm25.vocabulary()

    def weigh(self, terms: list[str]):
        """The question's words weighted by their rarity in this archive (see qa.answer.relevance)."""
        from qa.answer.relevance import weigh

        from qa.index.bm25 import tokenize

        bm25 = self.index.bm25
        expanded: list[str] = []
        for term in terms:
            # a compound the archive never prints (投资总额) counts as the words it is made of (投资, 总额)
            parts = [] if bm25.document_frequency(term) else [
                p for p in tokenize(term, bm25.tokenizer) if p != term.lower() and bm25.document_frequency(p)]
            expanded += parts or [term]
        return weigh(expanded, bm25.document_frequency, bm25.n_docs, self.tuning)


def build_engine(settings: Settings | None = None, *, embedder: BaseEmbedding | None = None) -> AnswerEngine:
    """The engine on the configured index, records, catalog and LLM (the LLM loads on first use).

    `embedder`: the one ingest uses too; by default the process's shared embedder for the settings
    (qa.index.embed.shared_embedder), so an engine rebuilt after an upload loads no second model.
    """
    settings = settings or load_settings()
    catalog = Catalog.open(settings.index_dir)
    index = open_index(settings, embedder or shared_embedder(settings.embedder))
    records = MeetingRecords(MeetingStore.from_settings(settings), settings.answer)
    llm = build_llm(settings.llm)
    reader = reader_for(settings, llm)
    # the reader writes the wording when it is on: composing as well would ask the model twice
    compose = settings.llm.compose if settings.llm.compose is not None else settings.llm.backend == "openai" and reader is None
    from qa.answer.bridge import EnglishBridge

    passages = ArchivePassages(index, catalog, settings.answer)
    return AnswerEngine(
        passages,
        records,
        catalog,
        llm,
        k=settings.retrieval.k,
        max_question_chars=settings.max_question_chars,
        llm_choice=settings.llm.choose,
        llm_compose=compose,
        reader=reader,
        bridge=EnglishBridge(passages.is_word, vocabulary=passages.vocabulary, min_post_share=settings.answer.min_post_share),
        tuning=settings.answer,
    )


def reader_for(settings: Settings, llm):
    """The LLM reader (qa.answer.read) when the settings ask for one: by default with the openai backend only."""
    from qa.answer.read import Reader

    read = settings.llm.read if settings.llm.read is not None else settings.llm.backend == "openai"
    if not read:
        return None
    if settings.llm.backend != "openai":
        # the local Gemma-270M cannot read numbered evidence (it echoes the prompt, invents names)
        raise ConfigError("QA_LLM__READ=true 需要 QA_LLM__BACKEND=openai：本地的 Gemma-270M 太小，不能阅读资料作答。")
    return Reader(llm)


def ingest_sinks(settings: Settings) -> list:
    """What `qa ingest` feeds besides the vector and BM25 index: the meeting records (the catalog reads the manifest)."""
    from qa.ingest import default_sinks

    return default_sinks(settings)
