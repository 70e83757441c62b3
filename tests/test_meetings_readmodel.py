"""The meeting records' read model: a question reads no row and parses nothing until the store changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qa.corpus import parse_text
from qa.meetings import query
from qa.meetings.store import MeetingStore

NEW_ISSUE = """2025 年 3 月 4 日 星期二

第 3220 期

全区春季森林防火工作会议召开

昨日上午,全区春季森林防火工作会议在区行政中心召开。区委副书记、区长孙杰主持会议并讲话。副区长欧阳振邦,区政府党组成员闵晓峰参加会议。

(吴超)
"""
NEW_QUESTION = "全区春季森林防火工作会议由谁主持？"
NEW_ARTICLE = "3220-01"
# Tables only the records hold: a lookup answered from memory touches none of them.
RECORD_TABLES = re.compile(r"\b(meetings|attendances|person_titles|meeting_files)\b")


def _lookups(store: MeetingStore) -> list:
    """One of every lookup a question can make."""
    return [
        store.who("奇瑞项目推进工作专题会议的主持人是谁？", "chair"),
        store.find_meetings("区政府党组（扩大）会议", date_from=dt.date(2023, 10, 1), date_to=dt.date(2023, 10, 31)),
        store.meetings(date_from=dt.date(2024, 1, 1)),
        store.meetings_of("王宝善"),
        store.titles_of("孙杰", year=2023),
        store.holders_of("区长"),
        store.person("韩世军"),
        store.meeting("000_4891b56cadfbdf84-01#1"),
        store.known_people(),
        store.known_titles(),
        store.people_in("韩世军和孙杰"),
    ]


@pytest.fixture()
def store(tmp_path, seed_issues):
    s = MeetingStore(tmp_path / "archive.sqlite")
    for issue in seed_issues.values():
        s.upsert_issue(issue)
    yield s
    s.close()


def _statements(store: MeetingStore) -> list[str]:
    seen: list[str] = []
    store.db.set_trace_callback(seen.append)
    return seen


def test_第二次查询不再读库也不再解析记录(store):
    first = _lookups(store)
    loads = store.read_model.loads
    seen = _statements(store)
    again = _lookups(store)
    assert again == first
    assert store.read_model.loads == loads
    # only the generation check reaches SQLite: no record is read again
    assert seen and not [s for s in seen if RECORD_TABLES.search(s)]
    assert set(seen) == {"PRAGMA data_version"}


def _chairs(store: MeetingStore) -> dict[str, list[str]]:
    """The new issue's meeting and its chair, when the records have it: {article id: people}."""
    return {a.meeting.article_id: a.people for a in store.who(NEW_QUESTION, "chair") if a.meeting.article_id == NEW_ARTICLE}


def test_新导入的一期下一次查询就能看到_只解析这一期(store):
    assert _chairs(store) == {}
    loads = store.read_model.loads
    store.upsert_issue(parse_text(NEW_ISSUE, source="uploads/3220.txt", sha256="new"))
    assert _chairs(store) == {NEW_ARTICLE: ["孙杰"]}
    assert {"欧阳振邦", "闵晓峰"} <= store.known_people()
    assert store.read_model.loads == loads + 1


def test_另一个连接写入的期次也能看到(store, tmp_path):
    # `qa ingest`, or the web app's upload, writes through a connection of its own
    assert _chairs(store) == {}
    with MeetingStore(tmp_path / "archive.sqlite") as other:
        other.upsert_issue(parse_text(NEW_ISSUE, source="uploads/3220.txt", sha256="new"))
        assert _chairs(store) == {NEW_ARTICLE: ["孙杰"]}
        other.remove_source("uploads/3220.txt")
    assert _chairs(store) == {}
    assert "闵晓峰" not in store.known_people()


def test_同一期重写后读到新记录(store):
    issue = parse_text(NEW_ISSUE, source="uploads/3220.txt", sha256="same")
    store.upsert_issue(issue)
    assert "闵晓峰" in store.known_people()
    # the same file and hash rewritten at once: its row and stamp may come back the same; the store's own word counts
    store.replace_meetings(issue, [])
    assert "闵晓峰" not in store.known_people()
    store.clear()
    assert store.meetings() == [] and store.known_titles() == []


@pytest.mark.parametrize("question", [
    "奇瑞项目推进工作专题会议的主持人是谁？", "区政府党组（扩大）会议暨区政府常务会议由谁主持？", "第88次工作例会",
    "谁出席了全区重点项目现场观摩会？", "区委常委会", "会议", "数字青岛", "2022年即墨区两会由谁主持？",
])
def test_名称索引只看罕见二元组也与逐一打分结果相同(store, question):
    everything = store.meetings()
    for min_score in (0.0, 0.3, query.MIN_MATCH_SCORE, 0.8):
        assert store.find_meetings(question, min_score=min_score, limit=50) == \
            query.match_meetings(question, everything, min_score=min_score, limit=50)


def test_一次加入的多期分批读入(store, monkeypatch):
    from qa.meetings import readmodel

    monkeypatch.setattr(readmodel, "_IN_BATCH", 2)  # an upload of many files reads them in several statements
    store.known_people()
    loads = store.read_model.loads
    for no in (3220, 3221, 3222):
        store.upsert_issue(parse_text(NEW_ISSUE.replace("3220", str(no)), source=f"uploads/{no}.txt", sha256=str(no)))
    assert sorted(m.issue_no for m in store.meetings(person="闵晓峰")) == [3220, 3221, 3222]
    assert store.read_model.loads == loads + 3
