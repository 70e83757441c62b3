"""The person registry: who held which title when, and each person's complete list of meetings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from qa.meetings.query import title_matches, title_sightings
from qa.meetings.store import MeetingStore

GOLD = Path(__file__).resolve().parent.parent / "eval" / "meetings_gold.json"


@pytest.fixture(scope="module")
def store(seed_issues):
    s = MeetingStore(":memory:")
    for issue in seed_issues.values():
        s.upsert_issue(issue)
    yield s
    s.close()


def _gold_articles(person: str, roles: tuple[str, ...] | None = None) -> set[str]:
    fields = roles or ("chair", "convener", "leader", "speakers", "attendees", "participants", "accompany")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return {m["article_id"] for m in gold["meetings"] if any(person in m[f] for f in fields)}


def test_张元升2021年任区长_孙杰2023至2024年任区长(store):
    assert [h.person for h in store.holders_of("区长", year=2021)] == ["张元升"]
    assert [h.person for h in store.holders_of("区长", year=2023)] == ["孙杰"]
    assert [h.person for h in store.holders_of("区长", year=2024)] == ["孙杰"]
    assert store.holders_of("区长", year=2022) == []


def test_辛启鑫2021年任区人大常委会主任_王宝善2023年起任(store):
    assert [h.person for h in store.holders_of("区人大常委会主任", year=2021)] == ["辛启鑫"]
    for year in (2023, 2024):
        assert [h.person for h in store.holders_of("区人大常委会主任", year=year)] == ["王宝善"]
    since = store.holders_of("区人大常委会主任", date_from=dt.date(2023, 1, 1))
    assert [(h.person, h.first_seen) for h in since] == [("王宝善", dt.date(2023, 2, 24))]


def test_区政协主席2021年为于澎_2023年为宋宗军(store):
    assert [h.person for h in store.holders_of("区政协主席", year=2021)] == ["于澎"]
    assert [h.person for h in store.holders_of("区政协主席", year=2023)] == ["宋宗军"]


def test_问区长不会答成副区长(store):
    people = {h.person for h in store.holders_of("区长")}
    assert people == {"张元升", "孙杰"}
    assert not title_matches("区长", "副区长")
    assert not title_matches("主任", "工作专班常务副主任")
    assert title_matches("人大常委会主任", "区人大常委会主任")


def test_王宝善2021年任区委副书记_2023年任区人大常委会主任(store):
    assert "区委副书记" in [t.title for t in store.titles_of("王宝善", year=2021)]
    assert "区人大常委会主任" not in [t.title for t in store.titles_of("王宝善", year=2021)]
    assert "区人大常委会主任" in [t.title for t in store.titles_of("王宝善", year=2023)]
    held = store.titles_of("王宝善", at=dt.date(2024, 1, 1))
    assert [t.title for t in held] == ["区人大常委会主任"]


def test_职务时间线记录首末见报日期与出处(store):
    span = next(t for t in store.titles_of("王宝善") if t.title == "区人大常委会主任")
    assert (span.first_seen, span.last_seen) == (dt.date(2023, 2, 24), dt.date(2024, 11, 22))
    assert [s.evidence.article_id for s in span.sightings] == [
        "001_6220ff5f0f64df25-04",
        "003_fe06ce4d6c70b362-03",
        "004_2f4bcbb58e4c8ab1-01",
        "002_5b04f719013d29ca-01",
    ]
    for s in span.sightings:
        assert "区人大常委会主任王宝善" in s.evidence.quote
        assert s.evidence.source.startswith("seeds/") or s.evidence.source.endswith(".txt")


def test_职务出处只取印有该职务的句子(seed_issues):
    from qa.meetings.extract import extract_issue

    meetings = [m for issue in seed_issues.values() for m in extract_issue(issue)]
    for s in title_sightings(meetings):
        assert s.title in s.evidence.quote and s.person in s.evidence.quote


def test_王宝善出席的会议在所有期中完整(store):
    attended = store.meetings_of("王宝善", roles=["attendee"])
    assert {pm.meeting.article_id for pm in attended} == _gold_articles("王宝善", ("attendees",))
    assert {pm.meeting.article_id for pm in attended} == {
        "000_4891b56cadfbdf84-01",
        "001_6220ff5f0f64df25-02",
        "001_6220ff5f0f64df25-04",
        "002_5b04f719013d29ca-01",
        "004_2f4bcbb58e4c8ab1-01",
    }
    every = store.meetings_of("王宝善")
    assert {pm.meeting.article_id for pm in every} == _gold_articles("王宝善")
    inspection = next(pm for pm in every if pm.meeting.article_id == "003_fe06ce4d6c70b362-03")
    assert inspection.roles == ["leader", "inspector"]
    forum = next(pm for pm in every if pm.meeting.parent_id == inspection.meeting.id)
    assert forum.roles == ["speaker"] and forum.meeting.name.startswith("座谈会")


def test_韩世军的会议清单完整(store):
    every = store.meetings_of("韩世军")
    assert {pm.meeting.article_id for pm in every} == _gold_articles("韩世军")
    assert len(every) == 6
    chaired = store.meetings_of("韩世军", roles=["chair"])
    assert [pm.meeting.article_id for pm in chaired] == [
        "000_4891b56cadfbdf84-01",
        "000_4891b56cadfbdf84-04",
        "001_6220ff5f0f64df25-05",
    ]
    assert [pm.meeting.when for pm in every] == sorted(pm.meeting.when for pm in every)


def test_孙杰主持的会议完整且可按日期筛选(store):
    chaired = store.meetings_of("孙杰", roles=["chair"])
    assert [pm.meeting.article_id for pm in chaired] == [
        "001_6220ff5f0f64df25-06",
        "003_fe06ce4d6c70b362-01",
        "004_2f4bcbb58e4c8ab1-01",
    ]
    in_2023 = store.meetings_of("孙杰", roles=["chair"], date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31))
    assert len(in_2023) == 2


def test_每个人的会议记录带引用所需字段(store):
    for pm in store.meetings_of("闫丕云"):
        for a in pm.attendances:
            assert a.evidence.article_id == pm.meeting.article_id
            assert a.evidence.quote and a.evidence.title and a.evidence.source
    assert {pm.meeting.article_id for pm in store.meetings_of("闫丕云")} == {"001_6220ff5f0f64df25-02", "003_fe06ce4d6c70b362-03"}


def test_人物档案合并职务与会议(store):
    profile = store.person("毕安传")
    assert [t.title for t in profile.titles] == ["副区长"]
    assert [pm.meeting.article_id for pm in profile.meetings] == ["000_4891b56cadfbdf84-01", "000_4891b56cadfbdf84-04"]
    assert store.person("王宝") is None


def test_问题中的人名和职务可被识别(store):
    assert store.people_in("2021年王宝善担任什么职务？") == ["王宝善"]
    assert store.titles_in("请问2021年11月谁是即墨区区长？") == ["区长"]
    assert store.titles_in("谁在2023年10月担任区人大常委会主任？") == ["区人大常委会主任"]
    assert "孙杰" in store.known_people()


def test_外区的区委职务连着地名也属于外区():
    from qa.meetings.bodies import place_of

    assert place_of("西海岸新区区委副书记") == "西海岸新区"
    assert place_of("城阳区区委书记") == "城阳区"
    assert place_of("区委书记") is None


def test_外市报道里不带地名的市长是那个市的():
    from qa.meetings.bodies import event_place

    # 「莱西市重点项目集中签约」: its 市委副书记、市长 belongs to 莱西市, not 青岛市
    assert event_place("莱西市2023年上半年重点项目集中签约仪式") == "莱西市"
