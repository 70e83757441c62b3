"""A first `qa serve` stopped while it ingests the seeds: the next start finishes the index instead of serving half of it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from app_support import free_port
from index_support import seed_snapshot, stop_after_first_file, ROOT, SEEDS, assert_same_index, files_done, settings_in, shared_cache, snapshot
from qa.app.serve import ensure_index, index_trouble
from qa.catalog import Catalog
from qa.index.archive import BM25_DIR
from qa.index.health import inspect_index
from qa.index.store import chroma_client
from qa.ingest import ingest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The index an uninterrupted first start builds from the seeds."""
    return seed_snapshot(tmp_path_factory, "clean-serve-index")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["Ctrl+C", "kill"])
def test_首次启动导入时被停止_再次启动接着导入而不是带着半个索引服务(stop, clean, tmp_path, tmp_path_factory):
    index_dir = tmp_path / "index"
    env = {
        **os.environ,
        "QA_INDEX_DIR": str(index_dir),
        "QA_SEEDS_DIR": str(SEEDS),
        "QA_SERVER__PORT": str(free_port()),
        "QA_EMBEDDER__CACHE": "false",  # embed for real, so the stop lands inside the seeds' ingest
        "OMP_NUM_THREADS": "2",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen([sys.executable, "-m", "qa", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop_after_first_file(proc, index_dir, stop)
    err = proc.stderr.read().decode()
    if stop == signal.SIGINT:
        assert proc.returncode == 130 and "下次启动" in err and "Traceback" not in err, err[-2000:]
    done = files_done(index_dir)
    assert 1 <= done < 5, "stopped inside the seeds' ingest"

    settings = settings_in(index_dir, shared_cache(tmp_path_factory))
    assert index_trouble(settings) == "上次导入没有完成"
    report = ensure_index(settings, progress=False)  # what the next `qa serve` does before serving
    assert report.ok and len(report.unchanged) + len(report.added) == 5 and len(report.unchanged) >= done
    assert index_trouble(settings) is None and inspect_index(settings).ready
    assert_same_index(snapshot(settings), clean)
    assert Catalog.open(index_dir).counts()["issues"] == 5


def test_缺少BM25或向量库与记录不一致时启动前重建(tmp_path, tmp_path_factory):
    work = tmp_path / "work"
    shutil.copytree(SEEDS, work / "seeds")
    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory)).model_copy(update={"seeds_dir": work / "seeds"})
    assert index_trouble(settings) == "索引为空"
    assert ensure_index(settings, progress=False).ok
    assert ensure_index(settings, progress=False) is None
    whole = snapshot(settings)

    shutil.rmtree(settings.index_dir / BM25_DIR)
    assert index_trouble(settings) == "关键词索引（BM25）缺失或过期"
    ensure_index(settings, progress=False)
    assert index_trouble(settings) is None
    assert_same_index(snapshot(settings), whole)

    collection = chroma_client(settings).get_collection(settings.chroma.collection, embedding_function=None)
    collection.delete(ids=collection.get(limit=3)["ids"])  # someone else's hands
    assert index_trouble(settings) == "向量库与导入记录不一致"
    report = ensure_index(settings, progress=False)
    assert report.ok and len(report.added) == 5 and report.passages_embedded == 0
    assert index_trouble(settings) is None
    assert_same_index(snapshot(settings), whole)
    assert Catalog.open(settings.index_dir).counts()["issues"] == 5
