"""Retrieval latency (p50/p95) on a synthetic archive of many issues made from the seed articles.

    python bench/retrieval_latency.py [--issues 500] [--rounds 3] [--keep DIR]

The synthetic issues repeat the seed articles under shifted dates and issue numbers, so
their passages come from the embedding cache; only the five seeds are embedded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from qa import offline  # noqa: E402

offline.set_offline_env()

from synthetic import write_archive  # noqa: E402

from qa.index import make_embedder, open_index  # noqa: E402
from qa.index.evaluate import load_gold  # noqa: E402
from qa.ingest import ingest  # noqa: E402
from qa.settings import Settings  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=500, help="synthetic issues besides the five seeds")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the archive and index in this directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        settings = Settings(index_dir=work / "index", seeds_dir=ROOT / "seeds")
        embedder = make_embedder(settings.embedder)
        archive = work / "archive"
        if not archive.exists():
            write_archive(sorted((ROOT / "seeds").glob("*.txt")), archive, args.issues)
        report = ingest([ROOT / "seeds", archive], settings, embedder=embedder, sinks=[], progress=True, cwd=work)
        print(
            f"ingest: {len(report.added)} new files, {report.chunks_written} chunks, "
            f"{report.passages_embedded} embedded, {report.seconds:.1f} s"
        )

        index = open_index(settings, embedder)
        stats = index.stats()
        print(f"archive: {stats['files']} issues, {stats['chunks']} chunks, {stats['vectors']} vectors")
        questions = [q.question for q in load_gold(ROOT / "eval" / "retrieval.jsonl")]
        for q in questions[:5]:
            index.search(q)  # warm-up: jieba, BM25 load, Chroma caches
        for mode in ("hybrid", "dense", "bm25"):
            times = []
            for _ in range(args.rounds):
                for q in questions:
                    started = time.perf_counter()
                    index.search(q, mode=mode)
                    times.append((time.perf_counter() - started) * 1000)
            print(
                f"{mode:7} n={len(times):4}  p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms"
                f"  mean {statistics.fmean(times):6.1f} ms"
            )
        print("target: hybrid p50 <= 100 ms")
        index.close()


if __name__ == "__main__":
    main()
