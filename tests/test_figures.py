"""Reports that disagree on a figure (pure): both are cited and the disagreement said; a change or another thing is not a disagreement."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.answer.figures import Figure, Reading, clause_of, disagree, read_figure, rivals, same_statement, say_disagreement
from qa.answer.relevance import Weighted

SEED = Reading("seed-04", "落户我区的德国ITEM工业自动化项目给出的答案是：一年加工铝型材800吨，年产值约5亿元。",
               "一个“即”字，收益几何？", "800吨", 2890, dt.date(2023, 10, 27))
PLANTED = Reading("up-02", "记者获悉，德国ITEM工业自动化项目一年加工铝型材99999吨，年产值约5亿元。",
                  "德国ITEM项目产能再提升", "99999吨", 3035, dt.date(2024, 6, 4))
AGREES = Reading("other-01", "德国ITEM项目一年加工铝型材800吨。", "德国ITEM项目投产", "800吨", 2901, dt.date(2023, 11, 20))
WEIGHTED = [Weighted(t, 1.0, True, False) for t in ("德国", "ITEM", "项目", "加工", "铝型材")]


@pytest.mark.parametrize("text, context, figure", [
    ("800吨。", "", Figure(800, "吨", False)),
    ("1.4万平方米", "", Figure(14000, "平方米", False)),
    ("5亿元", "年产值约5亿元", Figure(500_000_000, "元", True)),
    ("2000余人", "", Figure(2000, "人", True)),
])
def test_读出数字_单位和是否约数(text, context, figure):
    assert read_figure(text, context) == figure


def test_同一单位的不同数字才算说法不一_约数有余地():
    assert disagree(Figure(800, "吨", False), Figure(99999, "吨", False))
    assert not disagree(Figure(800, "吨", False), Figure(800, "吨", False))
    assert not disagree(Figure(800, "吨", False), Figure(5e8, "元", False))
    assert not disagree(Figure(5e8, "元", True), Figure(5.2e8, "元", False)), "约5亿元 and 5.2亿元 are the same figure"
    assert disagree(Figure(5e8, "元", True), Figure(9e8, "元", False))


def test_数字所在的分句():
    assert clause_of(SEED.sentence, "800吨") == "一年加工铝型材"
    assert clause_of("会上，五个项目进行了集中签约。", "5个") == "项目进行了集中签约"


def test_同一说法换了数字算说法不一_另一件事的数字不算():
    assert same_statement(SEED, PLANTED)
    target = Reading("b", "要求今年新创建省级美丽乡村示范村12个。", "区委常委会召开会议", "12个", 3273, dt.date(2025, 5, 27))
    done = Reading("a", "目前，即墨区已创建美丽乡村示范村192个、美丽庭院5.6万户。", "农村环境整治", "192个", None,
                   dt.date(2024, 11, 22))
    assert not same_statement(done, target), "a target for this year is not the count so far"
    short = Reading("c", "会上，五个项目集中签约，总投资86亿元。", "营商环境大会", "86亿元", 2483, dt.date(2022, 2, 15))
    other = Reading("d", "该项目总投资126亿元。", "营商环境大会", "126亿元", 3208, dt.date(2025, 2, 18))
    assert not same_statement(short, other), "「总投资」 alone could be any project's"


def test_另一篇报道的不同数字被找出_一致的和同期的不算():
    assert rivals(SEED, [PLANTED, AGREES], WEIGHTED) == [PLANTED]
    assert rivals(SEED, [AGREES], WEIGHTED) == []
    same_issue = Reading("seed-05", PLANTED.sentence, PLANTED.title, "99999吨", 2890, dt.date(2023, 10, 27))
    assert rivals(SEED, [same_issue], WEIGHTED) == [], "two articles of one issue measure two things"
    later_year = Reading("y", "2025年，德国ITEM工业自动化项目一年加工铝型材1200吨。", "德国ITEM项目扩产", "1200吨", 3300,
                         dt.date(2025, 6, 1))
    earlier_year = Reading("z", "2023年，德国ITEM工业自动化项目一年加工铝型材800吨。", "德国ITEM项目", "800吨", 2890,
                           dt.date(2023, 10, 27))
    assert rivals(earlier_year, [later_year], WEIGHTED) == [], "figures of two years changed; they do not disagree"
    vague = Reading("v", "项目一年加工铝型材99999吨。", "产能", "99999吨", 3036, dt.date(2024, 6, 5))
    assert rivals(SEED, [vague], WEIGHTED) == [], "a sentence saying less of what was asked is not a rival"


def test_说法不一的回答按时间先后列出每篇的期次日期标题和数字():
    marks = {}
    text = say_disagreement([PLANTED, SEED], lambda r: marks.setdefault(r.article_id, f"[{len(marks) + 1}]"))
    assert text == ("两篇报道说法不一：第2890期（2023年10月27日）《一个“即”字，收益几何？》称800吨[1]；"
                    "第3035期（2024年6月4日）《德国ITEM项目产能再提升》称99999吨[2]。")


def test_该项目总投资这样的句子说不清是哪个项目_不当作两篇报道说法不一():
    from qa.answer.figures import Reading, same_statement

    a = Reading("a", "该项目总投资12亿元，规划占地一百五十亩。", "甲公司项目签约", "12亿元", 1, None)
    b = Reading("b", "该项目总投资22亿元，规划占地260亩。", "乙公司项目签约", "22亿元", 2, None)
    assert not same_statement(a, b)
