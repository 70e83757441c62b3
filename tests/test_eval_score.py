"""Scoring rules on literal answers: pure and fast, no models."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.answer.models import Answer, Citation
from qa.eval.gold import ArticleText, GoldQuestion, stated_dates
from qa.eval.score import (
    abstains,
    dates_stated,
    names_in,
    percentile,
    score_answer,
    states_fact,
    summarise,
    summarise_by_type,
)

MEETING = "奇瑞项目推进工作专题会"
ARTICLES = {
    "a-01": ArticleText(
        id="a-01",
        text="韩世军主持召开奇瑞项目推进工作专题会\n昨日下午，区委书记韩世军主持召开奇瑞项目推进工作专题会。"
        "区长张元升，区人大常委会主任辛启鑫，区政协主席于澎出席。副区长毕安传参加。",
        issue="a",
        issue_no=2415,
        issue_date=dt.date(2021, 11, 4),
        dates=stated_dates("昨日下午", dt.date(2021, 11, 4)),
    ),
    "a-02": ArticleText(
        id="a-02", text="德国ITEM项目一年加工铝型材800吨，年产值约5亿元。", issue="a", issue_no=2415,
        issue_date=dt.date(2021, 11, 4),
    ),
}
KNOWN = {"韩世军", "张元升", "辛启鑫", "于澎", "毕安传", "王宝善", "吴超"}


def _cite(n: int, article_id: str, quote: str = "") -> Citation:
    a = ARTICLES[article_id]
    return Citation(n=n, article_id=article_id, issue_no=a.issue_no, issue_date=str(a.issue_date), title="t",
                    source="s.txt", quote=quote)


def _q(**kw) -> GoldQuestion:
    base = dict(id="q", type="attendees", question=f"{MEETING}都有谁出席了？", answerable=True,
                gold_facts=["张元升", "辛启鑫", "于澎"], gold_articles=["a-01"],
                gold_names=["张元升", "辛启鑫", "于澎"], ok_names=["韩世军", "毕安传"])
    return GoldQuestion(**(base | kw))


def _a(text: str, citations=(), mode="meetings", retrieved=(), q: str = "问") -> Answer:
    return Answer(question=q, answer=text, mode=mode, citations=list(citations), retrieved=list(retrieved))


def test_漏掉一个名字的名单不算正确():
    s = score_answer(_a("张元升、辛启鑫出席[1]。", [_cite(1, "a-01")]), _q(), ARTICLES, KNOWN)
    assert not s.correct
    assert s.missing_facts == ["于澎"]
    assert s.name_recall == pytest.approx(2 / 3) and s.name_precision == 1.0


def test_完整名单正确_允许的名字不扣精确率():
    s = score_answer(_a("韩世军主持，张元升、辛启鑫、于澎出席，毕安传参加[1]。", [_cite(1, "a-01")]), _q(), ARTICLES, KNOWN)
    assert s.correct and s.name_precision == 1.0 and s.name_f1 == 1.0 and s.fact_recall == 1.0


def test_名单里多出名单外的人名既扣精确率也不算正确():
    s = score_answer(_a("张元升、辛启鑫、于澎、王宝善出席[1]。", [_cite(1, "a-01")]), _q(), ARTICLES, KNOWN)
    assert not s.correct and s.extra_names == ["王宝善"]
    assert s.name_precision == pytest.approx(3 / 4) and s.name_recall == 1.0


def test_编造的带职务人名也算名单外的人():
    assert names_in("区长姜玉林出席，韩 世军主持。", KNOWN) == {"姜玉林", "韩世军"}


def test_被空格拆开的名字照样认得():
    s = score_answer(_a("张 元升、辛启 鑫、于澎出席[1]。", [_cite(1, "a-01")]), _q(), ARTICLES, KNOWN)
    assert s.correct


@pytest.mark.parametrize("text", ["2021年11月3日", "2021-11-03", "2021.11.3", "二〇二一年十一月三日",
                                  "November 3, 2021", "on 3 November 2021", "11月3日下午", "2021年11 月 3日"])
def test_日期以任何写法陈述都算(text):
    assert states_fact(f"会议于{text}召开[1]。", "2021-11-03")


@pytest.mark.parametrize("text", ["2021年11月4日", "2022年11月3日", "昨日下午", "11月13日"])
def test_错误或未解析的日期不算(text):
    assert not states_fact(f"会议于{text}召开。", "2021-11-03")


def test_数字不能是更长数字的尾巴():
    assert states_fact("一年加工800吨。", "800吨")
    assert not states_fact("一年加工5800吨。", "800吨")
    assert not states_fact("年产值5.2亿元。", "2亿元")
    assert states_fact("第 2415 期", "2415") and not states_fact("第24150期", "2415")


def test_约和余的写法只在包含金标准事实时才算():
    assert states_fact("年产值约5亿元[1]。", "5亿元")
    assert states_fact("累计办实事4200多件。", "4200余件")
    assert states_fact("累计办实事4,200余件。", "4200余件")
    assert not states_fact("累计办实事4200件。", "4200余件")
    assert not states_fact("年产值约5000万元。", "5亿元")


def test_英文金额和百分比换算():
    assert states_fact("The total investment is 1 billion yuan [1].", "10亿元")
    assert states_fact("It grew by 18.4 percent.", "18.4%")
    assert not states_fact("The total investment is 1.5 billion yuan.", "10亿元")


def test_不可答的题只有拒答才算正确():
    q = _q(id="u", type="unanswerable", answerable=False, gold_facts=[], gold_articles=[], gold_names=[], ok_names=[])
    assert score_answer(_a("未在报纸中找到第90次工作例会的记录。", mode="abstain"), q, ARTICLES, KNOWN).correct
    wrong = score_answer(_a("韩世军出席[1]。", [_cite(1, "a-01")], mode="retrieval"), q, ARTICLES, KNOWN)
    assert not wrong.correct and wrong.false_refusal is None and wrong.citation_precision is None


def test_基线的文字拒答也算拒答_但带引用的不算():
    assert abstains(_a("None of the sources are helpful.", mode="retrieval"))
    assert not abstains(_a("没有找到，但韩世军主持[1]。", [_cite(1, "a-01")], mode="retrieval"))


def test_可答的题被拒答算误拒():
    s = score_answer(_a("未在报纸中找到相关报道。", mode="abstain"), _q(), ARTICLES, KNOWN)
    assert s.false_refusal and not s.correct and s.fact_recall == 0.0 and s.grounding_violations == []


def test_引用精确率看被引文章或引文是否含金标准事实():
    q = _q(type="number", gold_facts=["800吨"], gold_articles=["a-02"], gold_names=[], ok_names=[],
           question="德国ITEM项目每年加工铝型材多少？")
    s = score_answer(_a("800吨[1][2]。", [_cite(1, "a-02"), _cite(2, "a-01")], mode="retrieval"), q, ARTICLES, KNOWN)
    assert s.correct and s.citation_precision == 0.5 and s.citation_recall == 1.0


def test_引用召回看是否引了金标准文章():
    q = _q(type="chair", gold_facts=["韩世军"], gold_names=[], ok_names=[])
    s = score_answer(_a("韩世军[1]。", [_cite(1, "a-02", quote="韩世军主持")], mode="retrieval"), q, ARTICLES, KNOWN)
    assert s.citation_precision == 1.0  # the quote states the fact
    assert s.citation_recall == 0.0


def test_日期事实的引用支持来自昨日的换算和报纸日期():
    q = _q(type="date", gold_facts=["2021-11-03"], gold_names=[], ok_names=[])
    s = score_answer(_a("2021年11月3日[1]。", [_cite(1, "a-01")], mode="retrieval"), q, ARTICLES, KNOWN)
    assert s.correct and s.citation_precision == 1.0 and s.grounding_violations == []


def test_按期号查日期的题由同一期的任何文章支持():
    q = _q(type="issue_lookup", question="第2415期的出版日期？", gold_facts=["2021-11-04"], gold_articles=[],
           gold_source="a", gold_names=[], ok_names=[])
    s = score_answer(_a("第2415期于2021年11月4日出版[1]。", [_cite(1, "a-02")], mode="issue"), q, ARTICLES, KNOWN)
    assert s.correct and s.citation_precision == 1.0 and s.citation_recall == 1.0
    assert s.grounding_violations == [] and not s.retrieval_scored


def test_无据的人名数字日期算接地违规_问题里的词不算():
    q = _q(type="number", gold_facts=["800吨"], gold_articles=["a-02"], gold_names=[], ok_names=[],
           question="德国ITEM项目第2期一年加工多少铝型材？")
    s = score_answer(_a("第2期一年加工5000吨，区长姜玉林介绍，2022年1月1日投产[1]。", [_cite(1, "a-02")], mode="retrieval",
                        q=q.question), q, ARTICLES, KNOWN)
    assert set(s.grounding_violations) == {"5000", "姜玉林", "2022-01-01"}
    assert not s.correct


def test_检索名次按文章去重():
    q = _q(type="chair", gold_facts=["韩世军"], gold_names=[], ok_names=[])
    s = score_answer(_a("韩世军", retrieved=["a-02", "a-02", "a-01"]), q, ARTICLES, KNOWN)
    assert s.gold_rank == 2 and s.retrieval_scored
    miss = score_answer(_a("韩世军", retrieved=["a-02"]), q, ARTICLES, KNOWN)
    assert miss.gold_rank is None


def test_汇总只在适用的题上取平均_延迟分位数():
    q_list, q_num = _q(), _q(id="n", type="number", gold_facts=["800吨"], gold_articles=["a-02"], gold_names=[],
                             ok_names=[])
    q_un = _q(id="u", type="unanswerable", answerable=False, gold_facts=[], gold_articles=[], gold_names=[], ok_names=[])
    scores = [
        score_answer(_a("张元升、辛启鑫、于澎[1]", [_cite(1, "a-01")], retrieved=["a-01"]), q_list, ARTICLES, KNOWN),
        score_answer(_a("800吨", retrieved=["x", "y", "a-02"]), q_num, ARTICLES, KNOWN),
        score_answer(_a("未在报纸中找到。", mode="abstain"), q_un, ARTICLES, KNOWN),
    ]
    for s, sec in zip(scores, (1.0, 2.0, 9.0)):
        s.seconds = sec
    v = summarise(scores).values
    assert v["correct"] == 1.0 and v["name_f1"] == 1.0
    assert v["citation_precision"] == 1.0 and v["citation_recall"] == 0.5
    assert v["hit_at_1"] == 0.5 and v["hit_at_5"] == 1.0 and v["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert v["abstain_recall"] == 1.0 and v["false_refusal_rate"] == 0.0 and v["abstention_accuracy"] == 1.0
    assert v["latency_p50"] == 2.0 and v["latency_p95"] == pytest.approx(8.3)
    by_type = summarise_by_type(scores)
    assert list(by_type) == ["overall", "attendees", "number", "unanswerable", "#unanswerable"]
    assert by_type["unanswerable"].values["name_f1"] is None


def test_正确且引用正确要求引了金标准文章():
    q = GoldQuestion(id="n", type="number", question="产能多少？", answerable=True, gold_facts=["800吨"], gold_articles=["a-02"])
    right = score_answer(_a("800吨[1]", [_cite(1, "a-02")]), q, ARTICLES, KNOWN)
    elsewhere = score_answer(_a("800吨[1]", [_cite(1, "a-01")]), q, ARTICLES, KNOWN)
    assert right.correct and right.correct_cited
    assert elsewhere.correct and not elsewhere.correct_cited


@pytest.mark.parametrize("text", ["共有三位副区长出席[1]", "3位副区长出席[1]", "Three deputy heads attended [1]"])
def test_计数题的数字可以写成汉字或英文(text):
    assert states_fact(text, "3")
    assert not states_fact("共有十三位[1]", "3")


def test_分位数():
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert dates_stated("11月3日", None) == set()


def test_名单的人数由所列的人数得出_不算无据():
    q = _q(type="count", gold_facts=["3"], gold_names=[], ok_names=[])
    counted = score_answer(_a("出席的区领导共3位：张元升、辛启鑫、于澎。[1]", [_cite(1, "a-01")]), q, ARTICLES, KNOWN)
    inflated = score_answer(_a("出席的区领导共5位：张元升、辛启鑫、于澎。[1]", [_cite(1, "a-01")]), q, ARTICLES, KNOWN)
    assert counted.correct and not counted.grounding_violations
    assert inflated.grounding_violations == ["5"]


def test_引用别的文章只要它本身陈述了全部事实也算引用正确():
    q = GoldQuestion(id="w", type="who_held", question="2021年的区长是谁？", answerable=True, gold_facts=["张元升"],
                     gold_articles=["a-02"])
    other = score_answer(_a("张元升。[1]", [_cite(1, "a-01")]), q, ARTICLES, KNOWN)
    assert other.correct_cited
    unrelated = GoldQuestion(id="n", type="number", question="产能？", answerable=True, gold_facts=["800吨"],
                             gold_articles=["a-02"])
    assert not score_answer(_a("800吨[1]", [_cite(1, "a-01")]), unrelated, ARTICLES, KNOWN).correct_cited


def test_前天和上周五按出版日算作文章写明的日期():
    import datetime as dt

    from qa.eval.gold import stated_dates

    issue = dt.date(2025, 12, 4)  # a Thursday
    assert dt.date(2025, 12, 2) in stated_dates("前天下午，区政府常务会议召开。", issue)
    assert dt.date(2025, 11, 28) in stated_dates("上周五，全区会议召开。", issue)
    assert stated_dates("日前，全区会议召开。", issue) == frozenset()
