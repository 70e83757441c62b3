"""The answer engine's promises on the real seed index: exact lists, citations, abstention, follow-ups."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from qa.answer import ground
from qa.errors import BadQuestion

pytestmark = pytest.mark.slow

CHERY = "000_4891b56cadfbdf84-04"


def _cited_text(engine, answer) -> list[str]:
    texts = []
    for c in answer.citations:
        issue, article = engine.catalog.article(c.article_id)
        # the citation shows the issue's number and date beside the quote
        texts += [f"第{c.issue_no}期 {c.issue_date}", c.quote, article.title + article.body]
    return texts


def test_奇瑞项目推进工作专题会出席领导完整且引用原句(engine):
    a = engine.ask("谁出席了奇瑞项目推进工作专题会？")
    assert a.mode == "meetings"
    names = set(re.findall("|".join(["张元升", "辛启鑫", "于澎", "毕安传", "韩世军"]), a.answer))
    assert names == {"张元升", "辛启鑫", "于澎"}
    assert [c.article_id for c in a.citations] == [CHERY]
    c = a.citations[0]
    assert c.issue_no == 2415 and c.issue_date == "2021-11-04" and c.source.endswith("000_4891b56cadfbdf84.txt")
    assert "区政协主席于澎出席会议" in c.quote and "[1]" in a.answer


def test_第88次工作例会参加会议的六人全部列出(engine):
    a = engine.ask("第88次工作例会有哪些人参加会议？")
    for name in ("衣立渊", "杨亦武", "李伟", "冯伟", "毕安传", "张伟"):
        assert name in a.answer


def test_王宝善出席的会议跨期完整列出(engine):
    a = engine.ask("王宝善出席过哪些会议？")
    for part in ("第88次", "深度行", "观摩会", "党建引领基层治理", "激励干部担当作为"):
        assert part in a.answer
    assert len({c.issue_no for c in a.citations}) >= 3


def test_昨日换算成具体日期并说明依据(engine):
    a = engine.ask("奇瑞项目推进工作专题会是哪天召开的？")
    assert "2021年11月3日" in a.answer and a.citations[0].article_id == CHERY


def test_数字原样取自报道不被改写(engine):
    a = engine.ask("德国ITEM项目一年加工铝型材多少吨？")
    assert a.answer.startswith("800吨") and "一年加工铝型材800吨" in a.citations[0].quote


@pytest.mark.parametrize("question", [
    "谁出席了区疫情防控领导小组第90次工作例会？",
    "2022年即墨区区长是谁？",
    "德国ITEM项目的投资额是多少？",
    "第2500期是哪天出版的？",
    "即墨区少先队鼓号操大赛的冠军是哪支队伍？",
])
def test_报纸没有记载时明确说未找到而不猜(engine, question):
    a = engine.ask(question)
    assert a.mode == "abstain" and a.answer.startswith("未在报纸中找到") and not a.citations
    assert not re.search(r"\d", a.answer)


def test_追问沿用上一轮的人物(engine):
    first = engine.ask("孙杰2023年任什么职务？")
    follow = engine.ask("他主持过哪些会议？", history=[first])
    assert "孙杰" in follow.answer and "第18次" in follow.answer


def test_追问的人没有主持过会议时说未找到而不是拿无关句子凑数(engine):
    first = engine.ask("王宝善出席过哪些会议？")
    follow = engine.ask("他主持过哪些会议？", history=[first])
    assert follow.mode == "abstain" and follow.answer.startswith("未在报纸中找到")


def test_问题里的数量词指向题目所问的数字(engine):
    assert engine.ask("一季度全区新能源新材料产业增加值增速是多少？").answer.startswith("18.4%")
    assert engine.ask("即墨区少先队鼓号操大赛共有多少支队伍参赛？").answer.startswith("30支")
    assert engine.ask("高性能新型环保材料产业基地项目预计年产值约多少？").answer.startswith("30亿元")
    assert engine.ask("全区重点项目现场观摩会观摩了多少个重点制造业项目？").answer.startswith("16个")


def test_追问沿用上一轮的会议(engine):
    first = engine.ask("奇瑞项目推进工作专题会由谁主持？")
    follow = engine.ask("还有哪些领导出席？", history=[first])
    assert all(n in follow.answer for n in ("张元升", "辛启鑫", "于澎"))


def test_期号与出版日期互查(engine):
    assert "2021年11月4日" in engine.ask("第2415期是哪天出版的？").answer
    assert "第3026期" in engine.ask("2024年5月21日出版的报纸是第几期？").answer


def test_每个答案里的人名数字日期都出现在被引用的原文中(engine):
    questions = [json.loads(line)["question"] for line in open("eval/questions.jsonl", encoding="utf-8")][:60]
    people = engine.records.known_people()
    for q in questions:
        a = engine.ask(q)
        if a.mode == "abstain":
            continue
        allowed = set()
        for c in a.citations:
            issue, article = engine.catalog.article(c.article_id)
            allowed |= {issue.date, issue.date - dt.timedelta(days=1)} | ground.dates_in(article.body, issue.date.year)
        g = ground.check(a.answer, _cited_text(engine, a), people, allowed)
        assert g.ok, (q, a.answer, g.unsupported)


@pytest.mark.parametrize("question, message", [("", "问题为空"), ("   ", "问题为空"), ("谁" * 600, "问题太长")])
def test_空问题和超长问题给出清楚提示(engine, question, message):
    with pytest.raises(BadQuestion, match=message):
        engine.ask(question)
