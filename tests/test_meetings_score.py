"""The gold file of meetings and the scorer: targets of issue 4 hold on the seeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qa.meetings.extract import extract_issue
from qa.meetings.models import Attendance, Evidence, Meeting
from qa.meetings.score import GoldMeeting, GoldSet, load_gold, main, report, score

GOLD = Path(__file__).resolve().parent.parent / "eval" / "meetings_gold.json"


@pytest.fixture(scope="module")
def gold() -> GoldSet:
    return load_gold(GOLD)


@pytest.fixture(scope="module")
def result(gold, seed_issues):
    return score(gold, [m for issue in seed_issues.values() for m in extract_issue(issue)])


def test_抽取达到目标_精确率召回率不低于0点95(result):
    assert result.precision >= 0.95, result.spurious
    assert result.recall >= 0.95, result.missed


def test_每个会议的主持人都对(result):
    assert result.chairs.right == result.chairs.total == result.gold_meetings


def test_昨日得出的日期全对(result):
    assert result.dates_yesterday.total == 7
    assert result.dates_yesterday.right == result.dates_yesterday.total
    assert result.meets_targets


def test_金标覆盖种子中的每篇会议报道(gold, seed_issues):
    ids = {m.article_id for m in gold.meetings}
    assert len(ids) == len(gold.meetings) > 12
    articles = {a.id: a for issue in seed_issues.values() for a in issue.articles}
    assert ids <= set(articles)
    names = " ".join(m.name for m in gold.meetings)
    for expected in ("第88次", "奇瑞", "数字青岛", "深度行", "走访", "重点项目现场观摩会", "区委常委会", "第4次", "第18次",
                     "政企沟通座谈会", "代表建议", "党建引领基层治理", "激励干部担当作为", "德育工作推进会", "政协提案"):
        assert expected in names, expected


def test_金标里的人名与地点都出自原文(gold, seed_issues):
    articles = {a.id: a for issue in seed_issues.values() for a in issue.articles}
    for m in gold.meetings:
        body = articles[m.article_id].body
        for _, person, _ in m.triples():
            assert person in body, (m.article_id, person)
        for place in (m.place, m.branch_place):
            assert place is None or place in body
        for person, titles in m.titles.items():
            for title in titles:
                assert title in body, (m.article_id, person, title)


def _ev(quote: str = "句子。") -> Evidence:
    return Evidence(article_id="a-01", title="标题", source="a.txt", quote=quote, start=0, end=len(quote))


def _meeting(people: list[tuple[str, str]], day=dt.date(2021, 11, 3)) -> Meeting:
    return Meeting(
        id="a-01#1", name="某会议", name_evidence=_ev(), date=day, article_id="a-01", article_title="标题", source="a.txt",
        attendances=[Attendance(meeting_id="a-01#1", person=p, role=r, evidence=_ev()) for p, r in people],
    )


def test_评分函数按三元组计数漏抽和多抽():
    gold = GoldSet(meetings=[GoldMeeting(article_id="a-01", name="某会议", date=dt.date(2021, 11, 3), date_text="昨日上午",
                                         chair=["甲某"], attendees=["乙某", "丙某"])])
    s = score(gold, [_meeting([("甲某", "chair"), ("乙某", "attendee"), ("丁某", "participant")])])
    assert (s.gold_triples, s.found_triples, s.right_triples) == (3, 3, 2)
    assert s.missed == ["a-01 丙某 attendee"] and s.spurious == ["a-01 丁某 participant"]
    assert s.chairs.rate == 1.0 and s.dates_yesterday.right == 1


def test_主持人或昨日日期错一个就不达标():
    gold = GoldSet(meetings=[GoldMeeting(article_id="a-01", name="某会议", date=dt.date(2021, 11, 3), date_text="昨日上午",
                                         chair=["甲某"])])
    wrong_chair = score(gold, [_meeting([("乙某", "chair")])])
    assert wrong_chair.chairs.right == 0 and not wrong_chair.meets_targets
    wrong_day = score(gold, [_meeting([("甲某", "chair")], day=dt.date(2021, 11, 4))])
    assert wrong_day.dates_yesterday.right == 0 and not wrong_day.meets_targets
    missing = score(gold, [])
    assert missing.recall == 0 and missing.chairs.right == 0


def test_评分命令打印精确率召回率主持人与日期(capsys, seed_files):
    code = main([str(GOLD), str(seed_files[0].parent)])
    out = capsys.readouterr().out
    assert code == 0
    for label in ("精确率", "召回率", "主持人正确", "日期正确", "“昨日”", "达到目标"):
        assert label in out


def test_报告列出漏抽与问题(result):
    text = report(result)
    assert "三元组" in text and f"{result.precision:.3f}" in text
