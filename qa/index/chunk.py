"""Article-aware chunking (pure): an issue's articles → llama-index TextNodes with issue metadata.

A chunk never crosses an article, ends on a Chinese sentence end (。！？；) and never cuts
a 、-joined name list; every chunk carries its headline into the embedded text.
"""

from __future__ import annotations

import hashlib
import re

from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode

from qa.corpus.models import Article, Issue

_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)\"']*")
# Inside an over-long sentence: clauses end at ，： — never at 、, which joins names.
_CLAUSE_REGEX = r"[^，：,:]+[，：,:]?|[，：,:]"

# Keys shown to the embedder / the LLM; everything else is for filters and citations.
EMBED_KEYS = ("title", "subtitle")
LLM_KEYS = ("issue_label", "title", "subtitle")


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？； (closing quotes kept with them); joined they give back the text."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def make_splitter(chunk_chars: int = 300, overlap_chars: int = 60) -> SentenceSplitter:
    """llama-index's SentenceSplitter measuring characters and splitting Chinese sentences."""
    return SentenceSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=overlap_chars,
        tokenizer=list,  # one character, one unit: Chinese has no spaces for a word count
        paragraph_separator="\n",
        chunking_tokenizer_fn=split_sentences,
        secondary_chunking_regex=_CLAUSE_REGEX,
        # Last resort before single characters for a clause longer than a chunk
        # (a list of 16 project names): cut between list items, not inside one.
        separator="、",
    )


def source_key(source: str) -> str:
    """A short stable key for a source path, used in chunk ids."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


def issue_label(issue: Issue) -> str:
    """How a chunk names its issue for readers and the LLM: 第2415期 2021-11-04."""
    return issue.label


def date_int(issue: Issue) -> int:
    """The issue date as an integer (20211104) for range filters; 0 when unknown."""
    return int(issue.date.strftime("%Y%m%d")) if issue.date else 0


def article_metadata(article: Article, issue: Issue) -> dict:
    """Metadata every chunk of an article carries (Chroma accepts no None: unknown is 0 / "")."""
    meta = {"issue_label": issue_label(issue), "title": article.title}
    if article.subtitle:
        meta["subtitle"] = article.subtitle
    meta.update(
        issue_no=issue.issue_no or 0,
        date=issue.date.isoformat() if issue.date else "",
        date_int=date_int(issue),
        date_inferred=issue.date_inferred,
        article_id=article.id,
        kind=article.kind,
        source=issue.source,
    )
    return meta


def _header(meta: dict, keys: tuple[str, ...]) -> str:
    return "\n".join(str(meta[k]) for k in keys if k in meta)


def chunk_article(article: Article, issue: Issue, splitter: SentenceSplitter) -> list[TextNode]:
    """The chunks of one article, in order, with ids `<article id>#<nn>@<source key>`."""
    meta = article_metadata(article, issue)
    key = source_key(issue.source)
    texts = splitter.split_text_metadata_aware(article.body, metadata_str=_header(meta, EMBED_KEYS))
    article_ref = RelatedNodeInfo(node_id=f"{article.id}@{key}")
    ids = [f"{article.id}#{i:02d}@{key}" for i in range(len(texts))]
    nodes = []
    for i, text in enumerate(texts):
        relationships = {NodeRelationship.SOURCE: article_ref}
        if i > 0:
            relationships[NodeRelationship.PREVIOUS] = RelatedNodeInfo(node_id=ids[i - 1])
        if i + 1 < len(texts):
            relationships[NodeRelationship.NEXT] = RelatedNodeInfo(node_id=ids[i + 1])
        nodes.append(
            TextNode(
                id_=ids[i],
                text=text,
                metadata={**meta, "chunk_no": i},
                excluded_embed_metadata_keys=[k for k in meta if k not in EMBED_KEYS] + ["chunk_no"],
                excluded_llm_metadata_keys=[k for k in meta if k not in LLM_KEYS] + ["chunk_no"],
                metadata_template="{value}",
                metadata_separator="\n",
                text_template="{metadata_str}\n{content}",
                relationships=relationships,
            )
        )
    return nodes


def chunk_issue(issue: Issue, splitter: SentenceSplitter) -> list[TextNode]:
    """All chunks of an issue, article by article."""
    return [node for article in issue.articles for node in chunk_article(article, issue, splitter)]


def embed_text(node: TextNode) -> str:
    """What the embedder sees: headline, sub-headline, then the chunk."""
    return node.get_content(metadata_mode=MetadataMode.EMBED)
