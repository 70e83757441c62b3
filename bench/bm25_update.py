"""What bringing BM25 up to date costs as the archive grows: a full build against adding five issues.

    python bench/bm25_update.py [--sizes 100 500 2500]

For each size, a synthetic archive (bench/synthetic.py: the seeds again with new dates and numbers)
is parsed, chunked and recorded in a manifest (no embedding, no Chroma: BM25 reads the manifest
only). Then, timed: the first build (every chunk cut by jieba); adding 5 issues with no new word;
adding 5 more that bring one new name found in older chunks (李云水, quoted in every fifth issue),
so those chunks are cut again; and an update with nothing changed. The last column is what the
update did before (every chunk cut on every ingest), i.e. the first build's time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import offline  # noqa: E402

offline.set_offline_env()

from synthetic import write_archive  # noqa: E402

from qa.corpus import parse_file  # noqa: E402
from qa.index import bm25 as bm25_module  # noqa: E402
from qa.index.bm25_update import update_bm25  # noqa: E402
from qa.index.chunk import chunk_issue, make_splitter  # noqa: E402
from qa.index.manifest import Manifest  # noqa: E402

NEW_NAME = "李云水"


def record(manifest: Manifest, paths: list[Path], splitter) -> None:
    for path in paths:
        issue = parse_file(path)
        issue = issue.model_copy(update={"source": f"archive/{path.name}"})
        manifest.record(issue, chunk_issue(issue, splitter), [])


def timed(manifest: Manifest, directory: Path, words=()) -> tuple[float, int, int]:
    bm25_module._shared.clear()  # a tokenizer built afresh, as a new `qa ingest` process does
    update = update_bm25(manifest, directory, words)
    return update.seconds, update.tokenized, update.chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2500])
    args = parser.parse_args()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    splitter = make_splitter()
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            paths = write_archive(seeds, tmp / "archive", size + 10)
            manifest = Manifest(tmp / "index")
            started = time.perf_counter()
            record(manifest, paths[:size], splitter)
            recorded = time.perf_counter() - started
            directory = tmp / "index" / "bm25"
            first = timed(manifest, directory)
            record(manifest, paths[size : size + 5], splitter)
            plain = timed(manifest, directory)
            record(manifest, paths[size + 5 :], splitter)
            named = timed(manifest, directory, [NEW_NAME])
            nothing = timed(manifest, directory, [NEW_NAME])
            manifest.close()
            shutil.rmtree(tmp / "index", ignore_errors=True)
        rows.append((size, recorded, first, plain, named, nothing))
        print(f"{size} issues recorded in {recorded:.1f} s", file=sys.stderr)

    print("| archive (issues) | chunks | first build (s) | +5 issues (s, chunks cut) "
          "| +5 issues and a new name (s, chunks cut) | nothing changed (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, _, first, plain, named, nothing in rows:
        print(f"| {size:,} | {first[2]:,} | {first[0]:.2f} | {plain[0]:.2f} ({plain[1]}) | {named[0]:.2f} ({named[1]}) "
              f"| {nothing[0]:.2f} |")


if __name__ == "__main__":
    main()
