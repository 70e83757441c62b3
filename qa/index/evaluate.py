"""Retrieval quality on a gold set: hit@1, hit@5 and MRR per retrieval mode (scoring is pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qa.index.archive import ArchiveIndex

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    gold_articles: tuple[str, ...]


@dataclass(frozen=True)
class RetrievalScores:
    n: int
    hit1: float
    hit5: float
    mrr: float


def load_gold(path: Path | str) -> list[GoldQuestion]:
    """Questions with their gold article ids, one JSON object a line."""
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            items.append(GoldQuestion(obj["question"], tuple(obj["gold_articles"])))
    return items


def first_gold_rank(ranking: list[str], gold: tuple[str, ...]) -> int | None:
    """1-based rank of the first gold article in a ranking, or None."""
    for rank, article_id in enumerate(ranking, start=1):
        if article_id in gold:
            return rank
    return None


def score(rankings: list[list[str]], golds: list[tuple[str, ...]]) -> RetrievalScores:
    """hit@1, hit@5 and mean reciprocal rank (0 for a question whose gold is not retrieved)."""
    ranks = [first_gold_rank(r, g) for r, g in zip(rankings, golds)]
    n = len(ranks)
    if n == 0:
        return RetrievalScores(0, 0.0, 0.0, 0.0)
    return RetrievalScores(
        n=n,
        hit1=sum(1 for r in ranks if r == 1) / n,
        hit5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1.0 / r for r in ranks if r is not None) / n,
    )


def evaluate(index: ArchiveIndex, items: list[GoldQuestion], modes=MODES, depth: int = 10):
    """Scores per mode, and per mode the article rankings of every question."""
    results, rankings = {}, {}
    for mode in modes:
        rankings[mode] = [[h.article_id for h in index.search(q.question, k=depth, mode=mode).hits] for q in items]
        results[mode] = score(rankings[mode], [q.gold_articles for q in items])
    return results, rankings


def format_table(results: dict[str, RetrievalScores]) -> str:
    lines = [f"{'':8}{'hit@1':>8}{'hit@5':>8}{'MRR':>8}"]
    for mode, s in results.items():
        lines.append(f"{mode:8}{s.hit1:8.3f}{s.hit5:8.3f}{s.mrr:8.3f}")
    n = next(iter(results.values())).n if results else 0
    lines.append(f"({n} questions)")
    return "\n".join(lines)
