"""Extraction of meetings from report language: on the seeds and on small literal reports; no model."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from qa.corpus.models import Article, Issue
from qa.meetings.extract import extract_issue, extract_meetings
from qa.meetings.names import parse_person_part


@pytest.fixture(scope="module")
def by_article(seed_issues):
    """Each article's main event: the first it tells."""
    out = {}
    for issue in seed_issues.values():
        for m in extract_issue(issue):
            out.setdefault(m.article_id, m)
    return out


def _report(body: str, title: str = "全区工作会议召开", subtitle: str = "", date=dt.date(2024, 3, 6)):
    issue = Issue(source="literal.txt", sha256="0", issue_no=1, date=date)
    article = Article(id="literal-01", title=title, subtitle=subtitle, body=body, raw=body)
    meetings = extract_meetings(article, issue)
    assert len(meetings) == 1
    return meetings[0]


def _roles(meeting) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in meeting.attendances:
        out.setdefault(a.role, []).append(a.person)
    return out


def test_奇瑞项目推进工作专题会出席领导全部列出(by_article):
    m = by_article["000_4891b56cadfbdf84-04"]
    assert m.people("attendee") == ["张元升", "辛启鑫", "于澎"]
    assert m.people("chair") == ["韩世军"]
    assert m.people("participant") == ["毕安传"]
    assert set(m.people("speaker")) == {"韩世军", "张元升"}


def test_第88次工作例会参加人员按原文顺序全部列出(by_article):
    m = by_article["000_4891b56cadfbdf84-01"]
    assert m.people("participant") == ["衣立渊", "杨亦武", "李伟", "冯伟", "毕安传", "张伟"]
    assert m.people("attendee") == ["张元升", "王宝善"]
    assert m.people("chair") == ["韩世军"]


def test_称谓链中每个职务归于其后的姓名(by_article):
    m = by_article["000_4891b56cadfbdf84-01"]
    titles = {a.person: a.titles for a in m.attendances if a.role == "attendee"}
    assert titles["张元升"] == ["区委副书记", "区长", "区疫情防控指挥部总指挥", "工作专班主任"]
    assert titles["王宝善"] == ["区委副书记", "区疫情防控指挥部副总指挥", "工作专班常务副主任"]
    chair = next(a for a in by_article["001_6220ff5f0f64df25-06"].attendances if a.role == "chair")
    assert (chair.person, chair.titles) == ("孙杰", ["区委副书记", "区长", "区政府党组书记"])


def test_共享一个职务的名单每人都带上职务(by_article):
    m = by_article["003_fe06ce4d6c70b362-03"]
    titles = {a.person: a.titles for a in m.attendances if a.role == "participant"}
    assert titles == {
        "刘伟": ["区人大常委会副主任"],
        "闫丕云": ["区人大常委会副主任"],
        "王将德": ["区人大常委会副主任"],
        "王豪先": ["区人大常委会副主任"],
        "马明强": ["副区长"],
    }
    assert m.people("leader") == ["王宝善"]


def test_等领导之后的词不算人名(by_article):
    assert by_article["001_6220ff5f0f64df25-04"].people("attendee") == ["韩世军", "孙杰", "王宝善", "宋宗军"]
    assert by_article["001_6220ff5f0f64df25-02"].people("attendee") == ["任爱光", "张建刚", "孙杰", "王宝善"]


def test_分会场出席者标为分会场_主会场出席者不标(by_article):
    venues = {a.person: a.venue for a in by_article["002_5b04f719013d29ca-01"].attendances if a.role == "attendee"}
    assert venues == {"曾赞荣": "main", "赵豪志": "main", "孟庆斌": "main", "韩世军": "branch", "王宝善": "branch"}
    digital = by_article["001_6220ff5f0f64df25-01"]
    assert {a.person: a.venue for a in digital.attendances if a.role == "attendee"} == {"赵豪志": "main", "肖莉": "branch"}
    assert digital.branch_place == "即墨宾馆"


def test_批示者不算出席者(by_article):
    assert "陆治原" not in by_article["001_6220ff5f0f64df25-01"].people()


def test_主持人和组织者分开_政企座谈会由马明强主持(by_article):
    m = by_article["003_fe06ce4d6c70b362-02"]
    assert m.people("chair") == ["马明强"]
    assert m.people("convener") == ["孙杰"]


def test_昨日解析为出版日前一天(by_article, seed_issues):
    yesterday = [m for m in by_article.values() if m.date_text and m.date_text.startswith("昨日")]
    assert len(yesterday) == 7
    for m in yesterday:
        assert m.date == m.issue_date - dt.timedelta(days=1), m.id
        assert not m.date_approximate
    assert by_article["003_fe06ce4d6c70b362-01"].date == dt.date(2023, 10, 26)
    assert by_article["004_2f4bcbb58e4c8ab1-01"].date == dt.date(2024, 5, 20)


def test_月日取出版年份_日前近日标为约略(by_article):
    assert by_article["001_6220ff5f0f64df25-01"].date == dt.date(2023, 2, 24)
    spread = by_article["001_6220ff5f0f64df25-02"]
    assert (spread.date, spread.date_end) == (dt.date(2023, 2, 23), dt.date(2023, 2, 24))
    band = by_article["002_5b04f719013d29ca-02"]
    assert band.date_approximate and band.date_text == "日前"
    assert _report("近日，区委书记李明到龙山街道调研。").date_approximate


def test_跨年的月日取上一年():
    m = _report("12月30日，全区年终总结会议召开。区长王大明出席会议。", date=dt.date(2024, 1, 2))
    assert m.date == dt.date(2023, 12, 30)


def test_会议名称取自正文召开句而非简写标题(by_article):
    assert by_article["001_6220ff5f0f64df25-06"].name == "区政府党组2023年第4次（扩大）会议暨区十九届人民政府第21次常务会议"
    assert by_article["003_fe06ce4d6c70b362-01"].name == "区政府党组2023年第18次（扩大）会议暨区政府第32次常务会议"
    assert by_article["001_6220ff5f0f64df25-05"].name == "区委常委会全体会议"
    assert by_article["000_4891b56cadfbdf84-04"].name == "奇瑞项目推进工作专题会议"
    assert by_article["003_fe06ce4d6c70b362-05"].name == "“体彩杯”2023年即墨区中老年人健身操舞（三项全能）交流活动"


def test_地点取自在某地召开或举行(by_article):
    assert by_article["001_6220ff5f0f64df25-06"].place == "即墨宾馆"
    assert by_article["004_2f4bcbb58e4c8ab1-01"].place == "即墨宾馆会议中心"
    assert by_article["004_2f4bcbb58e4c8ab1-03"].place == "即墨四中"
    assert by_article["001_6220ff5f0f64df25-02"].place == "青岛蓝谷国际酒店"
    assert by_article["000_4891b56cadfbdf84-04"].place is None


def test_每条记录的出处句子在正文中原样存在(seed_issues):
    for issue in seed_issues.values():
        bodies = {a.id: a.body for a in issue.articles}
        for m in extract_issue(issue):
            for a in m.attendances:
                ev = a.evidence
                assert ev.part == "body"
                assert bodies[ev.article_id][ev.start : ev.end] == ev.quote
                assert a.person in ev.quote
                assert (ev.source, ev.issue_no, ev.issue_date) == (issue.source, issue.issue_no, issue.date)
            if m.date_evidence:
                assert m.date_text in m.date_evidence.quote


def test_非会议文章不产生会议记录(by_article):
    for article_id in ("000_4891b56cadfbdf84-03", "000_4891b56cadfbdf84-06", "002_5b04f719013d29ca-05",
                       "003_fe06ce4d6c70b362-04", "004_2f4bcbb58e4c8ab1-02", "004_2f4bcbb58e4c8ab1-04"):
        assert article_id not in by_article


def test_会议由某人主持的被动句识别为主持人():
    m = _report("3月5日上午，全区安全生产工作会议在区行政中心召开。区委副书记、区长王大明出席会议并讲话。"
                "会议由副区长李小红主持。区委常委、常务副区长赵刚，区政府党组成员刘洋参加会议。")
    assert _roles(m) == {"attendee": ["王大明"], "speaker": ["王大明"], "chair": ["李小红"], "participant": ["赵刚", "刘洋"]}
    assert next(a.titles for a in m.attendances if a.person == "赵刚") == ["区委常委", "常务副区长"]
    assert (m.place, m.date) == ("区行政中心", dt.date(2024, 3, 5))


def test_调研的主体为调研者_陪同者单列_调研中的指出不算讲话():
    m = _report("近日，市委副书记张强到我区调研乡村振兴工作，区委书记李明、区长王大明陪同。张强指出，要抓好产业振兴。",
                title="张强来我区调研")
    assert _roles(m) == {"inspector": ["张强"], "accompany": ["李明", "王大明"]}
    assert m.kind == "activity"
    assert {a.person: a.body for a in m.attendances} == {"张强": "青岛市", "李明": "即墨区", "王大明": "即墨区"}


def test_出席活动的还有名单带上前面的职务():
    m = _report("昨日，区人大常委会副主任常乐、任强带领检查组开展执法检查。出席活动的区领导还有于海、高明。")
    assert _roles(m) == {"leader": ["常乐", "任强"], "inspector": ["常乐", "任强"], "attendee": ["于海", "高明"]}
    assert {a.person: a.titles for a in m.attendances}["高明"] == ["区领导"]


def test_职务末字可作姓氏时仍正确切分():
    assert parse_person_part("区人大常委会副主任任强").name == "任强"
    assert parse_person_part("副区长常乐").name == "常乐"
    assert parse_person_part("统战部部长张惠").titles == ["统战部部长"]
    assert parse_person_part("工业和信息化部科技司副司长任爱光").name == "任爱光"
    assert parse_person_part("区长").name is None
    assert parse_person_part("全区") is None
    assert parse_person_part("200余人") is None


def test_作为与作出不当作讲话():
    m = _report("昨日，全区工作会议召开。区委书记韩世军作出批示，区长孙杰主持会议。孙杰作为召集人要求各部门落实。")
    assert _roles(m) == {"chair": ["孙杰"]}
    talk = _report("昨日，全区工作会议召开。区委书记韩世军作动员讲话，区长孙杰主持会议。")
    assert _roles(talk) == {"speaker": ["韩世军"], "chair": ["孙杰"]}


def test_副标题中空格分隔的名单补充已知人物的角色():
    m = _report("昨日上午，全区经济工作会议召开。区委书记韩世军、区委副书记、区长孙杰出席会议。",
                title="全区经济工作会议召开", subtitle="韩世军讲话 孙杰主持")
    chair = next(a for a in m.attendances if a.role == "chair")
    assert (chair.person, chair.evidence.part, chair.evidence.quote) == ("孙杰", "subtitle", "韩世军讲话 孙杰主持")
    assert "韩世军" in m.people("speaker")


def test_副标题不引入正文之外的人():
    m = _report("昨日上午，全区经济工作会议召开。区长孙杰出席会议。", subtitle="赵某某主持")
    assert m.people() == ["孙杰"]


def test_修复时连在一起的已知姓名被切开_未知的不切():
    m = _report("昨日，全区工作会议召开。区委书记韩世军，区长孙杰出席会议。区人大常委会主任王宝善主持会议。"
                "会后，韩世军孙杰王宝善参加座谈。")
    assert m.people("participant") == ["韩世军", "孙杰", "王宝善"]
    unknown = _report("昨日，全区工作会议召开。区长孙杰出席会议。赵豪志孟庆斌参加座谈。")
    assert unknown.people() == ["孙杰"]


def test_引号内的逗号不切断活动名称(by_article):
    assert by_article["000_4891b56cadfbdf84-02"].name == "“推广使用清洁煤炭，建设生态文明城市”政府开放日活动"


def test_抽取不用模型且很快(seed_issues):
    started = time.perf_counter()
    for _ in range(5):
        for issue in seed_issues.values():
            extract_issue(issue)
    assert time.perf_counter() - started < 5.0


def test_利用率之类的词不当作率队():
    m = _report("昨日，全区工作会议召开。设备利用率达到90%，区长孙杰出席会议。")
    assert _roles(m) == {"attendee": ["孙杰"]}
    led = _report("1月3日，区委书记韩世军率区党政代表团赴上海考察。", title="韩世军率队赴上海考察")
    assert _roles(led) == {"leader": ["韩世军"], "inspector": ["韩世军"]}
    trip = _report("9月3日，区长孙杰率队赴深圳开展招商活动。", title="孙杰率队赴深圳招商")
    assert _roles(trip) == {"leader": ["孙杰"]} and trip.place == "深圳"
