"""An ingestion killed midway leaves an index that the next run completes: no duplicates, no loss."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from index_support import stop_after_first_file, ROOT, SEEDS, assert_same_index, files_done, settings_in, shared_cache, snapshot, write_archive
from qa.index.manifest import Manifest
from qa.ingest import ingest

pytestmark = pytest.mark.slow
SYNTHETIC = 25


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seeds and 25 synthetic issues (seed articles under shifted dates and numbers)."""
    work = tmp_path_factory.mktemp("crash-work")
    shutil.copytree(SEEDS, work / "issues")
    write_archive(sorted(SEEDS.glob("*.txt")), work / "issues", SYNTHETIC)
    return work


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory):
    """Snapshot of the index a clean, uninterrupted run builds from the corpus."""
    settings = settings_in(tmp_path_factory.mktemp("clean-index"), shared_cache(tmp_path_factory))
    report = ingest(["issues"], settings, progress=False, cwd=corpus)
    assert report.ok and len(report.added) == 5 + SYNTHETIC
    return snapshot(settings)


def test_杀掉导入进程后重跑与一次跑完的索引相同(corpus, clean, tmp_path, tmp_path_factory):
    index_dir = tmp_path / "killed-index"
    env = {
        **os.environ,
        "QA_INDEX_DIR": str(index_dir),
        "QA_EMBEDDER__CACHE": "false",  # embed for real, so the kill lands inside the embedder's work
        "OMP_NUM_THREADS": "2",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa", "ingest", "issues", "--quiet"],
        cwd=corpus,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stop_after_first_file(proc, index_dir, signal.SIGKILL, settle=1.0)  # into the next file's embedding
    done = files_done(index_dir)
    assert 1 <= done < 5 + SYNTHETIC

    settings = settings_in(index_dir, shared_cache(tmp_path_factory))
    report = ingest(["issues"], settings, progress=False, cwd=corpus)
    assert report.ok and len(report.unchanged) == done and len(report.added) == 5 + SYNTHETIC - done
    assert_same_index(snapshot(settings), clean)


class Crash(BaseException):
    """Stands for the process dying at this point (not an Exception: ingest takes back failed files, not deaths)."""


def test_写入向量后记录前中断也能补全(corpus, clean, tmp_path, tmp_path_factory, monkeypatch):
    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    real_record = Manifest.record
    calls = []

    def record_then_die(self, issue, nodes, *rest):
        calls.append(issue.source)
        if len(calls) == 3:
            raise Crash  # chunks of the third file are in Chroma, the manifest does not know them
        real_record(self, issue, nodes, *rest)

    monkeypatch.setattr(Manifest, "record", record_then_die)
    with pytest.raises(Crash):
        ingest(["issues"], settings, progress=False, cwd=corpus)
    monkeypatch.setattr(Manifest, "record", real_record)

    half = snapshot(settings)
    assert half["pending"] == calls[2]
    assert len(half["vector_ids"]) > len(half["chunks"]), "the interrupted file left vectors behind"

    ingest(["issues"], settings, progress=False, cwd=corpus)
    assert_same_index(snapshot(settings), clean)


def test_中断的文件随后被删除也不留下孤儿段落(corpus, tmp_path, tmp_path_factory, monkeypatch):
    work = tmp_path / "work"
    (work / "issues").mkdir(parents=True)
    for name in ("000_4891b56cadfbdf84.txt", "003_fe06ce4d6c70b362.txt"):
        shutil.copy(corpus / "issues" / name, work / "issues" / name)
    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    real_record = Manifest.record

    def die_on_second(self, issue, nodes, *rest):
        if issue.source.endswith("003_fe06ce4d6c70b362.txt"):
            raise Crash
        real_record(self, issue, nodes, *rest)

    monkeypatch.setattr(Manifest, "record", die_on_second)
    with pytest.raises(Crash):
        ingest(["issues"], settings, progress=False, cwd=work)
    monkeypatch.setattr(Manifest, "record", real_record)
    (work / "issues" / "003_fe06ce4d6c70b362.txt").unlink()

    ingest(["issues"], settings, progress=False, cwd=work)
    after = snapshot(settings)
    assert after["pending"] is None
    assert after["vector_ids"] == sorted(c[0] for c in after["chunks"])
    assert {m["source"] for m in after["metadatas"]} == {"issues/000_4891b56cadfbdf84.txt"}
