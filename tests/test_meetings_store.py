"""The meeting store: an idempotent ingestion sink in the archive database, and meeting lookups by question."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from qa.corpus import parse_text
from qa.meetings import store as store_module
from qa.meetings.store import MeetingStore

ISSUE_TEXT = """2021 年 11 月 4 日 农历九月三十 星期四

第 2415 期

全区安全生产工作会议召开

昨日上午,全区安全生产工作会议在区行政中心召开。区委副书记、区长张元升出席会议并讲话。副区长毕安传主持会议。区委常委刘洋,区政府党组成员赵刚参加会议。

(吴超)
"""


def _counts(store: MeetingStore) -> tuple[int, int, int]:
    return tuple(store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("meetings", "attendances", "person_titles"))


@pytest.fixture()
def store(tmp_path):
    s = MeetingStore(tmp_path / "index_store" / "archive.sqlite")
    yield s
    s.close()


@pytest.fixture(scope="module")
def seeded(seed_issues):
    s = MeetingStore(":memory:")
    for issue in seed_issues.values():
        s.upsert_issue(issue)
    yield s
    s.close()


def test_重新导入同一期不重复记录(store, seed_issues):
    issue = seed_issues["000_4891b56cadfbdf84"]
    store.upsert_issue(issue)
    first = _counts(store)
    store.upsert_issue(issue)
    assert _counts(store) == first
    assert first[0] == 4


def test_修改后的一期替换旧记录(store):
    store.upsert_issue(parse_text(ISSUE_TEXT, source="seeds/x.txt", sha256="v1"))
    assert store.meetings()[0].people("participant") == ["刘洋", "赵刚"]
    changed = ISSUE_TEXT.replace("区委常委刘洋,", "")
    store.upsert_issue(parse_text(changed, source="seeds/x.txt", sha256="v2"))
    meetings = store.meetings()
    assert len(meetings) == 1
    assert meetings[0].people("participant") == ["赵刚"]
    assert store.meetings_of("刘洋") == []
    assert store.titles_of("刘洋") == []
    assert store.sources() == {"seeds/x.txt": "v2"}


def test_内容与抽取器都未变时不重新抽取(store, monkeypatch):
    issue = parse_text(ISSUE_TEXT, source="seeds/x.txt", sha256="v1")
    store.upsert_issue(issue)
    calls = []
    monkeypatch.setattr(store_module, "extract_issue", lambda i, **kw: calls.append(i) or [])
    store.upsert_issue(issue)
    assert calls == []
    monkeypatch.setattr(store_module, "EXTRACTOR_VERSION", store_module.EXTRACTOR_VERSION + 1)
    store.upsert_issue(issue)
    assert len(calls) == 1


def test_抽取器升级后下一次导入把没变的文件也重新抽取(tmp_path):
    """The ingest manifest skips a file each sink has seen; a new extractor is a sink that has not."""
    from qa.index.manifest import Manifest

    manifest = Manifest(tmp_path)
    manifest.mark_sink_done("meetings-v1", "seeds/x.txt", "abc")
    assert MeetingStore.name not in manifest.sinks_done("seeds/x.txt", "abc")
    assert MeetingStore.name == f"meetings-v{store_module.EXTRACTOR_VERSION}"


def test_删除来源后其会议和职务全部消失(store, seed_issues):
    for issue in seed_issues.values():
        store.upsert_issue(issue)
    source = seed_issues["000_4891b56cadfbdf84"].source
    store.remove_source(source)
    assert all(not m.article_id.startswith("000_") for m in store.meetings())
    assert store.holders_of("区长", year=2021) == []
    assert "辛启鑫" not in store.known_people()
    assert source not in store.sources()
    assert len(store.sources()) == 4
    store.remove_source("seeds/not-there.txt")


def test_记录在重新打开后仍在(tmp_path, seed_issues):
    path = tmp_path / "m.sqlite"
    with MeetingStore(path) as s:
        s.upsert_issue(seed_issues["003_fe06ce4d6c70b362"])
    with MeetingStore(path) as s:
        assert len(s.meetings()) == 5  # the 视察 and the 座谈会 after it are two events
        assert s.meeting("003_fe06ce4d6c70b362-02#1").people("chair") == ["马明强"]


def test_从设置得到索引目录下的数据库(tmp_path):
    from qa.settings import Settings

    with MeetingStore.from_settings(Settings(index_dir=tmp_path / "idx")) as s:
        assert s.is_empty()
    assert sorted(p.name for p in (tmp_path / "idx").glob("*.sqlite")) == ["archive.sqlite"]  # the one archive


QUESTIONS = [
    ("区疫情防控领导小组及指挥部第88次工作例会的主持人是谁？", "000_4891b56cadfbdf84-01"),
    ("请问奇瑞项目推进工作专题会议是谁主持的？", "000_4891b56cadfbdf84-04"),
    ("谁主持了2023年2月24日下午召开的区委常委会？", "001_6220ff5f0f64df25-05"),
    ("区政府党组2023年第四次扩大会议由谁主持？", "001_6220ff5f0f64df25-06"),
    ("区政府党组2023年第18次（扩大）会议是谁主持召开的？", "003_fe06ce4d6c70b362-01"),
    ("政企沟通座谈会的主持人是谁？", "003_fe06ce4d6c70b362-02"),
    ("谁主持了全市党建引领基层治理工作会议？", "002_5b04f719013d29ca-01"),
    ("激励干部担当作为工作会议是谁主持的？", "004_2f4bcbb58e4c8ab1-01"),
    ("哪些人出席了第88次工作例会？", "000_4891b56cadfbdf84-01"),
    ("出席全区重点项目现场观摩会的领导有哪些？", "001_6220ff5f0f64df25-04"),
    ("哪些领导出席了“深度行”青岛站活动？", "001_6220ff5f0f64df25-02"),
    ("在即墨分会场出席数字青岛建设领导小组2023年第一次会议的是谁？", "001_6220ff5f0f64df25-01"),
    ("参加区人大常委会视察重点类代表建议办理情况的有哪些人？", "003_fe06ce4d6c70b362-03"),
    ("孙杰走访重点企业，哪些人一同参加？", "001_6220ff5f0f64df25-03"),
]


@pytest.mark.parametrize(("question", "article_id"), QUESTIONS)
def test_按问题模糊匹配到会议(seeded, question, article_id):
    found = seeded.who(question)
    assert [a.meeting.article_id for a in found] == [article_id]


@pytest.mark.parametrize(
    "question",
    ["区疫情防控领导小组第90次工作例会有哪些人出席？", "谁主持了数字青岛建设领导小组2023年第二次会议？", "2022年即墨区两会由谁主持？"],
)
def test_报纸上没有的会议匹配不到(seeded, question):
    assert seeded.who(question) == []


def test_谁主持返回主持人和引用所需的出处(seeded, seed_issues):
    [answer] = seeded.who("奇瑞项目推进工作专题会议的主持人是谁？", "chair")
    assert answer.people == ["韩世军"]
    ev = answer.attendances[0].evidence
    assert ev.quote == "区委书记韩世军主持会议并讲话，强调，要压实责任、挂图作战，确保项目按时完工、整车按期下线。"
    assert (ev.issue_no, ev.issue_date, ev.source) == (2415, dt.date(2021, 11, 4), seed_issues["000_4891b56cadfbdf84"].source)
    assert ev.title == "韩世军主持召开奇瑞项目推进工作专题会"


def test_同一标题的两次党组会议一并返回_日期可区分(seeded):
    found = seeded.who("区政府党组（扩大）会议暨区政府常务会议由谁主持？", "chair")
    assert {a.meeting.article_id for a in found} == {"001_6220ff5f0f64df25-06", "003_fe06ce4d6c70b362-01"}
    narrowed = seeded.who("区政府党组（扩大）会议由谁主持？", "chair", date_from=dt.date(2023, 10, 1), date_to=dt.date(2023, 10, 31))
    assert [(a.meeting.article_id, a.people) for a in narrowed] == [("003_fe06ce4d6c70b362-01", ["孙杰"])]


def test_按日期范围列出会议(seeded):
    found = seeded.meetings(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))
    assert {m.article_id[:3] for m in found} == {"002", "004"}
    assert [m.when for m in found] == sorted(m.when for m in found)


def test_多线程共用一个连接(seeded):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: len(seeded.meetings_of("王宝善")), range(20)))
    assert set(results) == {7}


def test_提供导入流水线的sink接口(seeded):
    for method in ("upsert_issue", "remove_source", "person_names"):
        assert callable(getattr(seeded, method))
    assert seeded.name.startswith("meetings")
    assert "韩世军" in seeded.person_names()


def test_外键级联在连接上开启(seeded):
    assert seeded.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert isinstance(seeded.db, sqlite3.Connection)


def test_分会场出席者可单独列出(seeded):
    [answer] = seeded.who("数字青岛建设领导小组2023年第一次会议在即墨分会场有谁出席？", "attendee", venue="branch")
    assert answer.people == ["肖莉"]
    [city] = seeded.who("出席全市党建引领基层治理工作会议的市领导有哪些？", "attendee", venue="main")
    assert city.people == ["曾赞荣", "赵豪志", "孟庆斌"]


def test_问题里的年份不单独凑成会议名(seeded):
    # every meeting of 2021 shares the year with the question; none is 「即墨区科技创新大会」
    assert seeded.who("2021年即墨区科技创新大会由谁主持？") == []


def test_会议的序号汉字数字和阿拉伯数字都认得(seeded):
    [answer] = seeded.who("区疫情防控领导小组及指挥部第八十八次工作例会的主持人是谁？", "chair")
    assert answer.meeting.article_id == "000_4891b56cadfbdf84-01"


def test_问第几次会议_没有序号的座谈会和另一次会议都不是它(seeded):
    assert seeded.who("区疫情防控领导小组及指挥部第90次工作例会的主持人是谁？", "chair") == []
