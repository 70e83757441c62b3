"""Which files are one issue, and a batch that goes on past a bad file: same names, copies, failures, retries."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from index_support import ROOT, SEEDS, settings_in, shared_cache
from qa.catalog import Catalog
from qa.index.manifest import Manifest
from qa.index.store import chroma_client
from qa.ingest import default_sinks, ingest
from qa.meetings.store import MeetingStore

pytestmark = pytest.mark.slow

CHERY = SEEDS / "000_4891b56cadfbdf84.txt"  # 第2415期 2021-11-04
ITEM = SEEDS / "003_fe06ce4d6c70b362.txt"  # 第2890期 2023-10-27


def _vectors_by_source(settings) -> dict[str, int]:
    collection = chroma_client(settings).get_collection(settings.chroma.collection, embedding_function=None)
    counts: dict[str, int] = {}
    for meta in collection.get(include=["metadatas"])["metadatas"]:
        counts[meta["source"]] = counts.get(meta["source"], 0) + 1
    return counts


def _chunks_by_source(settings) -> dict[str, int]:
    manifest = Manifest(settings.index_dir)
    try:
        return dict(manifest.db.execute("SELECT source, COUNT(*) FROM chunks GROUP BY source").fetchall())
    finally:
        manifest.close()


def _counts(settings) -> tuple[dict, int]:
    catalog, meetings = Catalog.open(settings.index_dir), MeetingStore.from_settings(settings)
    try:
        return catalog.counts(), len(meetings.meetings())
    finally:
        catalog.close()
        meetings.close()


@pytest.fixture
def settings(tmp_path, tmp_path_factory):
    return settings_in(tmp_path / "index", shared_cache(tmp_path_factory))


def test_同名文件各自入库(tmp_path, settings):
    work = tmp_path / "work"
    for folder, seed in (("甲", CHERY), ("乙", ITEM)):
        (work / folder).mkdir(parents=True)
        shutil.copy(seed, work / folder / "issue.txt")

    report = ingest(["甲", "乙"], settings, progress=False, cwd=work)
    assert report.ok, [str(f) for f in report.failures]
    assert report.added == ["甲/issue.txt", "乙/issue.txt"]

    catalog = Catalog.open(settings.index_dir)
    try:
        issues = {i.source: i for i in catalog.issues()}
        ids = [a.id for i in issues.values() for a in i.articles]
        assert len(ids) == len(set(ids)), "article ids are unique across folders"
        assert {issues[s].issue_no for s in issues} == {2415, 2890}
        assert [a.id for a in issues["甲/issue.txt"].articles][0] == "issue-01"  # the first keeps the stem
        assert catalog.counts()["articles"] == len(ids)
    finally:
        catalog.close()
    meetings = MeetingStore.from_settings(settings)
    assert {m.issue_no for m in meetings.meetings()} == {2415, 2890}
    meetings.close()
    assert _vectors_by_source(settings) == _chunks_by_source(settings)

    again = ingest(["甲", "乙"], settings, progress=False, cwd=work)
    assert again.ok and again.unchanged == ["甲/issue.txt", "乙/issue.txt"] and again.chunks_written == 0

    # A changed file keeps its ids: citations made before still point at its articles.
    changed = work / "乙" / "issue.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("800吨", "900吨"), encoding="utf-8")
    before = [a.id for a in Catalog.open(settings.index_dir).issues()[1].articles]
    replaced = ingest(["甲", "乙"], settings, progress=False, cwd=work)
    assert replaced.replaced == ["乙/issue.txt"]
    assert [a.id for a in Catalog.open(settings.index_dir).issues()[1].articles] == before


class FailingSink:
    """A store that breaks on one issue the way a database does (the sqlite error ingest used to pass on raw)."""

    name = "fragile"

    def __init__(self, fail_on: int | None):
        self.fail_on, self.sources = fail_on, set()

    def upsert_issue(self, issue):
        if issue.issue_no == self.fail_on:
            raise sqlite3.IntegrityError("UNIQUE constraint failed: articles.id")
        self.sources.add(issue.source)

    def remove_source(self, source):
        self.sources.discard(source)


def test_一个文件失败时其余照常入库_不留孤儿段落_重试成功(tmp_path, settings):
    work = tmp_path / "work"
    shutil.copytree(SEEDS, work / "issues")
    sink = FailingSink(fail_on=2415)

    report = ingest(["issues"], settings, sinks=[sink], progress=False, cwd=work)
    assert len(report.added) == 4 and len(report.failures) == 1
    failure = report.failures[0]
    assert failure.path.endswith("000_4891b56cadfbdf84.txt")
    assert "导入失败" in str(failure) and "重试" in str(failure)
    assert "IntegrityError" not in str(failure) and "UNIQUE" not in str(failure)
    assert "issues/000_4891b56cadfbdf84.txt" not in _vectors_by_source(settings), "no orphan chunks"
    assert _vectors_by_source(settings) == _chunks_by_source(settings)
    assert "issues/000_4891b56cadfbdf84.txt" not in sink.sources

    sink.fail_on = None
    retry = ingest(["issues"], settings, sinks=[sink], progress=False, cwd=work)
    assert retry.ok and retry.added == ["issues/000_4891b56cadfbdf84.txt"] and len(retry.unchanged) == 4
    assert _vectors_by_source(settings) == _chunks_by_source(settings)
    assert len(sink.sources) == 5


def test_从另一个工作目录再导入种子不重复入库(tmp_path, settings):
    first = ingest([SEEDS], settings, sinks=default_sinks(settings), progress=False, cwd=ROOT)
    assert first.ok and len(first.added) == 5
    before = _counts(settings)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    second = ingest([SEEDS], settings, sinks=default_sinks(settings), progress=False, cwd=elsewhere)
    assert second.ok and not second.added
    assert [d.same_as for d in second.duplicates] == [f"seeds/{p.name}" for p in sorted(SEEDS.glob("*.txt"))]
    assert _counts(settings) == before


def test_GB18030或CRLF加BOM的副本不重复入库(tmp_path, settings):
    ingest([CHERY], settings, progress=False, cwd=ROOT)
    before = _counts(settings)
    text = CHERY.read_text(encoding="utf-8")
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "2415-gb18030.txt").write_bytes(text.encode("gb18030"))
    (copies / "2415-crlf-bom.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    (copies / "2415-rewrapped.txt").write_text(text.replace("，", "，\n"), encoding="utf-8")
    # the same printed 第2415期 of 2021-11-04 with one line more is still that issue
    (copies / "2415-more.txt").write_text(text + "\n\n本报讯 这是多出来的一段说明文字。\n", encoding="utf-8")

    report = ingest([copies], settings, progress=False, cwd=tmp_path)
    assert report.ok and not report.added
    assert len(report.duplicates) == 4
    assert all(d.same_as == "seeds/000_4891b56cadfbdf84.txt" and "第2415期" in d.label for d in report.duplicates)
    assert "同一期" in str(report.duplicates[0])
    assert _counts(settings) == before, "第2415期 once, each meeting once"
