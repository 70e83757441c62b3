"""One archive database per index: the stores share it, and an index of the old three-file layout moves into it
on its first open, nothing lost, nothing embedded again, its old files kept under another name."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from index_support import ROOT, SEEDS, assert_same_index, settings_in, shared_cache, snapshot
from old_layout import OLD_FILES, to_old_layout
from qa import archive_db
from qa.catalog import Catalog
from qa.errors import ArchiveMigrationFailed
from qa.index.manifest import Manifest
from qa.ingest import default_sinks, ingest
from qa.meetings.store import MeetingStore

pytestmark = pytest.mark.slow

CHERY = SEEDS / "000_4891b56cadfbdf84.txt"  # 第2415期: meetings, and a masthead
ITEM = SEEDS / "003_fe06ce4d6c70b362.txt"  # 第2890期: the ITEM project's figures


def _contents(settings) -> dict:
    """What the stores answer from: the index itself, the catalog's issues, the meeting records and their bookkeeping."""
    catalog, meetings = Catalog.open(settings.index_dir), MeetingStore.from_settings(settings)
    try:
        return {
            "index": snapshot(settings),
            "issues": catalog.issues(),
            "meetings": meetings.meetings(),
            "extracted": meetings.db.execute("SELECT * FROM meeting_files ORDER BY source").fetchall(),
            "sinks": meetings.db.execute("SELECT * FROM sink_done ORDER BY sink, source").fetchall(),
        }
    finally:
        catalog.close()
        meetings.close()


def _same(a: dict, b: dict) -> None:
    assert_same_index(a["index"], b["index"])
    assert {k: v for k, v in a.items() if k != "index"} == {k: v for k, v in b.items() if k != "index"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two seed issues indexed by today's code: the index dir and what its stores hold."""
    settings = settings_in(tmp_path_factory.mktemp("archive-template"), shared_cache(tmp_path_factory))
    sinks = default_sinks(settings)
    report = ingest([CHERY, ITEM], settings, sinks=sinks, progress=False, cwd=ROOT)
    for sink in sinks:
        sink.close()
    assert report.ok and len(report.added) == 2
    return settings.index_dir, _contents(settings)


@pytest.fixture()
def old_index(built, tmp_path, tmp_path_factory):
    """The same index as the old layout left it: manifest.sqlite, catalog.sqlite, meetings.sqlite, no archive.sqlite."""
    index_dir = tmp_path / "index"
    shutil.copytree(built[0], index_dir)
    to_old_layout(index_dir)
    assert not archive_db.path_in(index_dir).exists()
    return settings_in(index_dir, shared_cache(tmp_path_factory))


def _fingerprints(index_dir) -> dict[str, str]:
    return {name: hashlib.sha256((index_dir / name).read_bytes()).hexdigest()
            for name in OLD_FILES if (index_dir / name).exists()}


def _sqlite_files(index_dir) -> set[str]:
    return {p.name for p in index_dir.iterdir() if ".sqlite" in p.name and not p.name.endswith(("-wal", "-shm"))}


def test_三个存储共用索引目录里的一个库(built):
    index_dir, _ = built
    assert _sqlite_files(index_dir) == {"archive.sqlite"}  # the embedding cache is shared, elsewhere
    with sqlite3.connect(archive_db.path_in(index_dir)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(archive_db.MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"files", "articles", "chunks", "meeting_files", "meetings", "attendances", "person_titles"} <= tables
    assert "issues" not in tables, "an issue's number and date are kept once, in files"


def test_新库只迁移一次_重开不再执行迁移(tmp_path):
    Manifest(tmp_path).close()
    again = Manifest(tmp_path)  # a second m001 would fail: its tables exist
    assert archive_db.version(again.db) == len(archive_db.MIGRATIONS) and again.generation == 0
    again.close()


def test_旧布局的索引首次打开时迁入一个库_问题照常回答_旧文件改名保留(old_index, built):
    from qa.answer.wiring import build_engine

    index_dir = old_index.index_dir
    engine = build_engine(old_index)  # the first open of the old index migrates it
    assert _sqlite_files(index_dir) == {"archive.sqlite"} | {f"{name}.migrated" for name in OLD_FILES}
    after = _contents(old_index)
    _same(after, built[1])
    assert all(sink != "Catalog" for sink, *_ in after["sinks"])  # the catalog reads the manifest's rows: no sink now

    meeting = engine.ask("奇瑞项目推进工作专题会议有哪些人出席？")  # from the meeting records
    assert meeting.mode == "meetings" and "于澎" in meeting.answer
    assert [c.article_id for c in meeting.citations] == ["000_4891b56cadfbdf84-04"]
    figure = engine.ask("德国ITEM项目每年加工多少吨铝型材？")  # from Chroma and BM25, keyed by the same chunk ids
    assert figure.answer.startswith("800吨") and "一年加工铝型材800吨" in figure.citations[0].quote
    printed = engine.ask("第2415期是什么时候出版的？")  # from the catalog, masthead and all
    assert "2021年11月4日" in printed.answer


def test_迁移后再导入同样的报纸只核对哈希_不重新嵌入(old_index, built, tmp_path):
    Catalog.open(old_index.index_dir).close()  # migrated
    no_cache = settings_in(old_index.index_dir, None, embedder={"cache": False})  # a passage embedded would count
    report = ingest([CHERY, ITEM], no_cache, progress=False, cwd=ROOT)
    assert report.ok and report.unchanged == ["seeds/000_4891b56cadfbdf84.txt", "seeds/003_fe06ce4d6c70b362.txt"]
    assert report.passages_embedded == 0 and report.chunks_written == 0 and not report.bm25_rebuilt
    _same(_contents(old_index), built[1])  # the meeting records not extracted again either


def test_迁移中途被杀_旧文件原封不动_下次启动重新迁移(old_index, built):
    index_dir = old_index.index_dir
    before = _fingerprints(index_dir)
    killed = subprocess.run([sys.executable, "-c", KILLED_MIDWAY, str(index_dir)], cwd=ROOT, capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert _fingerprints(index_dir) == before
    with sqlite3.connect(archive_db.path_in(index_dir)) as db:  # what it had copied is gone with its transaction
        assert db.execute("PRAGMA user_version").fetchone()[0] == 0
        assert not db.execute("SELECT name FROM sqlite_master").fetchall()

    Manifest(index_dir).close()
    assert _sqlite_files(index_dir) == {"archive.sqlite"} | {f"{name}.migrated" for name in OLD_FILES}
    _same(_contents(old_index), built[1])


# A start killed (SIGKILL) after the manifest's rows are copied, while the meeting records are.
KILLED_MIDWAY = """
import os, signal, sys
from qa import archive_db

copy = archive_db._copy
def dying(db, schema, table, *args, **kwargs):
    if table == "meetings":
        os.kill(os.getpid(), signal.SIGKILL)
    return copy(db, schema, table, *args, **kwargs)
archive_db._copy = dying
archive_db.connect(archive_db.path_in(sys.argv[1]))
"""


def test_改名前中断_下次打开补上改名而不重复迁移(old_index, built, monkeypatch):
    index_dir = old_index.index_dir
    rename, calls = archive_db._rename_with_journal, []

    def stops_after_one(path):
        calls.append(path)
        if len(calls) > 1:
            raise OSError("killed")
        rename(path)

    monkeypatch.setattr(archive_db, "_rename_with_journal", stops_after_one)
    Manifest(index_dir).close()
    assert _sqlite_files(index_dir) == {"archive.sqlite", "manifest.sqlite.migrated", "catalog.sqlite", "meetings.sqlite"}
    monkeypatch.setattr(archive_db, "_rename_with_journal", rename)
    _same(_contents(old_index), built[1])  # opened again: rows once, the rest renamed
    assert _sqlite_files(index_dir) == {"archive.sqlite"} | {f"{name}.migrated" for name in OLD_FILES}


def test_旧文件损坏时说明原因_旧文件保持原样_修好后迁移(old_index, built):
    index_dir = old_index.index_dir
    good = (index_dir / "meetings.sqlite").read_bytes()
    (index_dir / "meetings.sqlite").write_bytes(b"not a database " * 100)
    before = _fingerprints(index_dir)
    with pytest.raises(ArchiveMigrationFailed, match="旧文件都保持原样"):
        Catalog.open(index_dir)
    assert _fingerprints(index_dir) == before

    (index_dir / "meetings.sqlite").write_bytes(good)
    _same(_contents(old_index), built[1])


def test_两个连接同时打开旧索引_只迁移一次(old_index, built):
    index_dir = old_index.index_dir
    with ThreadPoolExecutor(3) as pool:
        opened = list(pool.map(lambda open_: open_(), [lambda: Manifest(index_dir), lambda: Catalog.open(index_dir),
                                                       lambda: MeetingStore.from_settings(old_index)]))
    for store in opened:
        store.close()
    assert _sqlite_files(index_dir) == {"archive.sqlite"} | {f"{name}.migrated" for name in OLD_FILES}
    _same(_contents(old_index), built[1])
