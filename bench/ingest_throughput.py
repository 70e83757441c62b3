"""Raw embedder throughput against whole-ingest throughput, on the same passages in one run.

    python bench/ingest_throughput.py [--rounds 1]

Ingests the seeds into a fresh temporary index with the embedding cache off (so every
passage is embedded), then embeds the very same passages, file by file as ingestion
batches them, with the bare embedder before and after. Model loading is outside both.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import offline  # noqa: E402

offline.set_offline_env()

from qa.index.chunk import embed_text  # noqa: E402
from qa.index.embed import make_embedder  # noqa: E402
from qa.index.manifest import Manifest  # noqa: E402
from qa.ingest import ingest  # noqa: E402
from qa.settings import Settings  # noqa: E402


def raw_pass(embedder, batches: list[list[str]]) -> float:
    started = time.perf_counter()
    for texts in batches:
        embedder.embed_passages(texts)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args()

    settings_kw = dict(seeds_dir=args.seeds, embedder={"cache": False})
    embedder = make_embedder(Settings(**settings_kw).embedder)
    embedder.embed_passages(["预热"])

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp) / "index", **settings_kw)
        manifest_batches: list[list[str]] = []
        report = ingest([args.seeds], settings, embedder=embedder, sinks=[], progress=False, cwd=ROOT)
        manifest = Manifest(settings.index_dir)
        for record in manifest.files():
            nodes = [n for n in manifest.iter_nodes() if n.metadata["source"] == record.source]
            manifest_batches.append([embed_text(n) for n in nodes])
        manifest.close()

    passages = sum(len(b) for b in manifest_batches)
    chars = sum(len(t) for b in manifest_batches for t in b)
    before = raw_pass(embedder, manifest_batches)
    after = raw_pass(embedder, manifest_batches)
    raw_rate = 2 * passages / (before + after)
    ingest_rate = report.chunks_written / report.seconds
    print(f"passages: {passages} ({chars / passages:.0f} characters each on average, headline included)")
    print(f"raw embedder:  {raw_rate:6.2f} passages/s  ({before:.1f} s and {after:.1f} s for the same passages)")
    print(f"whole ingest:  {ingest_rate:6.2f} passages/s  ({report.seconds:.1f} s: parse, chunk, embed, Chroma, manifest, BM25)")
    print(f"ratio ingest/raw: {ingest_rate / raw_rate:.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
