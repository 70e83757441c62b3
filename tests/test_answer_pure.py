"""Promises of the answer engine's pure parts: routing, evidence choice, grounding."""

from __future__ import annotations

import datetime as dt

from qa.answer import ground
from qa.answer.route import route
from qa.answer.select import Passage, asks, date_answer, number_answer, place_answer, rank_sentences

PEOPLE = {"韩世军", "孙杰", "王宝善", "张元升", "毕安传"}


def test_会议出席问题走会议记录():
    r = route("出席奇瑞项目推进工作专题会的有谁？", PEOPLE)
    assert (r.kind, r.role) == ("meeting", "attendee")


def test_某人出席过哪些会议走人员会议清单():
    r = route("王宝善都出席了哪些会议？", PEOPLE)
    assert (r.kind, r.person, r.role) == ("person_meetings", "王宝善", "attendee")


def test_某年某职务是谁走职务时间线():
    r = route("谁是2021年11月的即墨区区长？", PEOPLE)
    assert (r.kind, r.title, r.year, r.month) == ("title_holder", "即墨区区长", 2021, 11)  # the place written stays with the post


def test_期号与日期互查():
    assert route("第2415期报纸的出版日期是哪天？", PEOPLE).issue_no == 2415
    assert route("请问2021年11月4日那天的报纸是第几期？", PEOPLE).date == (2021, 11, 4)


def test_会议序号被当作精确条件():
    assert route("区疫情防控领导小组第90次工作例会有哪些人出席？", PEOPLE).ordinals == ("90",)


def test_数字题取问句所问单位的数字():
    s = "公司投资建设的高性能新型环保材料产业基地项目总投资10亿元，规划占地约100亩，主要建设约10万平方米生产车间。"
    q = "高性能新型环保材料产业基地项目的总投资是多少钱？"
    assert asks(q) == "number"
    assert number_answer(q, s, ["总投资"]) == "10亿元"
    assert number_answer("一年加工铝型材多少吨？", "一年加工铝型材800吨，年产值约5亿元。", ["铝型材"]) == "800吨"


def test_地点题取在某地召开():
    assert place_answer("区政府党组2023年第4次（扩大）会议在即墨宾馆召开，孙杰主持会议。") == "即墨宾馆"


def test_昨日解析为出版日前一天():
    d, relative = date_answer("昨日下午，区委书记韩世军主持召开会议。", dt.date(2021, 11, 4))
    assert d == dt.date(2021, 11, 3) and relative


def test_最相关的句子排在前面():
    p = Passage("a-01", "德国ITEM项目", "这几天项目建设如火如荼。一年加工铝型材800吨，年产值约5亿元。", 2890, dt.date(2023, 10, 27), "s.txt", 0)
    best = rank_sentences("德国ITEM项目每年加工多少吨铝型材？", [p])[0]
    assert "800吨" in best.sentence


def test_答案里来源没有的人名被删去():
    g = ground.check("出席会议的有张元升。区长姜玉林也出席了。", ["区长张元升出席会议。"], PEOPLE)
    assert g.kept == ["出席会议的有张元升。"] and "姜玉林" in g.unsupported


def test_答案里改动的数字被删去():
    g = ground.check("项目一年加工铝型材5000吨。", ["一年加工铝型材800吨。"], set())
    assert not g.kept and g.unsupported == ["5000"]


def test_由昨日推出的日期算作有据():
    g = ground.check("会议于2021年11月3日召开。", ["昨日下午召开会议。"], set(), allowed_dates={dt.date(2021, 11, 3)})
    assert g.ok and g.kept


def test_分头行动的活动里某人自己去了哪里():
    from qa.answer.records import _went_to

    quote = "区人大常委会副主任吕方圆到移风店镇，区政协副主席钟立到段泊岚镇，分别检查了秋收秋种工作。"
    assert _went_to(quote, "吕方圆") == "到移风店镇"
    assert _went_to(quote, "钟立") == "到段泊岚镇"
    assert _went_to("区长孙杰主持会议。", "孙杰") is None
