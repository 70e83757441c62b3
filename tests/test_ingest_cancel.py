"""A long ingest can be stopped: between batches, with what was finished kept and served, and the rest resumed later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app_support import app_index
from index_support import seed_snapshot, stop_after_first_file, ROOT, SEEDS, assert_same_index, files_done, settings_in, shared_cache, snapshot
from qa.catalog import Catalog
from qa.errors import IngestCancelled
from qa.index.health import inspect_index
from qa.ingest import EMBED_BATCH, ingest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The index an uninterrupted run builds from the seeds."""
    return seed_snapshot(tmp_path_factory, "clean-cancel-index")


def _consistent(settings, files: int) -> None:
    """What a stop leaves: the finished files in every store, nothing half-written, BM25 up to date."""
    health = inspect_index(settings)
    assert health.files == files and health.pending is None
    assert not health.out_of_step and not health.bm25_stale
    assert health.unfinished, "the run stays to be resumed"
    assert Catalog.open(settings.index_dir).counts()["issues"] == files


def test_请求停止后在批次之间停下_已完成的保留_重跑后与一次跑完相同(clean, tmp_path, tmp_path_factory):
    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    batches = []

    def stop_after_three_batches():
        return len(batches) >= 3

    with pytest.raises(IngestCancelled) as caught:
        ingest([SEEDS], settings, progress=False, cwd=ROOT, cancel=stop_after_three_batches,
               on_batch=lambda done, total: batches.append((done, total)))
    report = caught.value.report
    assert report.cancelled and 1 <= len(report.added) < 5
    assert all(done <= total and (done == total or done % EMBED_BATCH == 0) for done, total in batches)
    assert "已按要求停止" in str(caught.value) and "接着" in str(caught.value)
    _consistent(settings, len(report.added))

    again = ingest([SEEDS], settings, progress=False, cwd=ROOT)
    assert again.ok and len(again.unchanged) == len(report.added) and len(again.added) == 5 - len(report.added)
    assert not inspect_index(settings).unfinished
    assert_same_index(snapshot(settings), clean)


def test_导入时按一次CtrlC_写完当前批次后停下_索引可用_再次导入接着做(clean, tmp_path, tmp_path_factory):
    index_dir = tmp_path / "index"
    env = {
        **os.environ,
        "QA_INDEX_DIR": str(index_dir),
        "QA_EMBEDDER__CACHE": "false",  # embed for real, so the Ctrl+C lands inside the seeds' ingest
        "OMP_NUM_THREADS": "2",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen([sys.executable, "-m", "qa", "ingest", str(SEEDS), "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop_after_first_file(proc, index_dir, signal.SIGINT)
    err = proc.stderr.read().decode()
    assert proc.returncode == 130, err[-2000:]
    assert "正在停止" in err and "已按要求停止" in err and "Traceback" not in err, err[-2000:]
    done = files_done(index_dir)
    assert 1 <= done < 5

    settings = settings_in(index_dir, shared_cache(tmp_path_factory))
    _consistent(settings, done)
    report = ingest([SEEDS], settings, progress=False, cwd=ROOT)
    assert report.ok and len(report.unchanged) == done and len(report.added) == 5 - done
    assert_same_index(snapshot(settings), clean)


# An issue of the tests' own, long enough for several embedding batches.
LONG_ISSUE = "2022年3月8日 农历二月初六 星期二\n\n第2503期\n\n" + "\n\n".join(
    f"## 测试街道第{n}社区开展春季环境整治\n\n3月7日，测试街道第{n}社区组织志愿者清理楼道杂物，共清运垃圾{n + 3}吨。"
    f"社区还开展了垃圾分类宣传，发放宣传材料{n * 10 + 5}份。\n\n（记者{n}）" for n in range(1, 61))


def test_网页上传导入可以取消_库中不留下任何内容_之后可再次导入(tmp_path, tmp_path_factory, seed_settings):
    from qa.answer.wiring import build_engine
    from qa.app.indexer import ArchiveIndexer
    from qa.app.ui import ArchiveApp
    from qa.meetings.store import MeetingStore

    settings = app_index(tmp_path / "index", seed_settings)
    indexer = ArchiveIndexer(settings, lambda: build_engine(settings))
    app = ArchiveApp(build_engine(settings), Catalog.open(settings.index_dir), MeetingStore.from_settings(settings),
                     indexer=indexer)
    assert app.cancel_upload(None) == "现在没有正在进行的导入。"
    before = snapshot(settings)
    upload = tmp_path / "2503.txt"
    upload.write_text(LONG_ISSUE, encoding="utf-8")
    said = []

    def progress(fraction, desc=""):
        if desc.startswith("嵌入") and not said:
            said.append(app.cancel_upload(None))  # the 取消导入 button, pressed while the embedding runs

    done, *_ = app.add_issue(str(upload), None, progress)
    assert said and "正在取消导入" in said[0]
    assert "已取消导入" in done and "没有留下" in done
    assert not list((Path(settings.index_dir) / "uploads").glob("*")), "the kept copy is removed"
    assert Catalog.open(settings.index_dir).issue_by_no(2503) is None
    after = snapshot(settings)
    assert after["files"] == before["files"] and after["vector_ids"] == before["vector_ids"]
    assert after["pending"] is None

    upload.write_text(LONG_ISSUE, encoding="utf-8")  # gradio's temp copy was discarded with the cancel
    done, *_ = app.add_issue(str(upload), None, lambda *a, **k: None)
    assert "已导入 第2503期" in done, "a cancel does not carry over to the next upload"
    assert Catalog.open(settings.index_dir).issue_by_no(2503) is not None
