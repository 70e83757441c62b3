"""Issue 12: events not articles, the full role taxonomy, names by evidence, titles with their bodies.

Every report here is written for the test in the paper's style; none is an eval sentence.
"""

from __future__ import annotations

import datetime as dt
import re

from qa.corpus.models import Article, Issue
from qa.meetings.bodies import body_of, default_body, person_body, split_body
from qa.meetings.extract import extract_meetings
from qa.meetings.names import parse_person_part
from qa.meetings.score import GoldEvents, event_report, score_events
from qa.meetings.store import MeetingStore

ISSUE_DAY = dt.date(2024, 4, 9)  # a Tuesday


def _events(body: str, title: str = "全区工作会议召开", subtitle: str = "", day=ISSUE_DAY, article_id="lit-01"):
    issue = Issue(source="lit.txt", sha256=article_id, issue_no=9, date=day)
    article = Article(id=article_id, title=title, subtitle=subtitle, body=body, raw=body)
    return extract_meetings(article, issue), issue, article


def _ask_records(tmp_path, articles: list[tuple[str, str]], question: str, dated: bool = False):
    """What the meeting records answer a question, over an issue of (headline, body) reports."""
    from qa.answer.records import MeetingRecords
    from qa.answer.route import route
    from qa.answer.when import question_window

    issue = Issue(source="lit.txt", sha256=f"lit{len(articles)}{hash(question)}", issue_no=9, date=ISSUE_DAY, articles=[
        Article(id=f"lit-{n:02d}", title=title, body=body, raw="") for n, (title, body) in enumerate(articles, 1)])
    with MeetingStore(tmp_path / "m.sqlite") as store:
        store.upsert_issue(issue)
        records = MeetingRecords(store)
        asked = route(question, records.known_people(), records.known_titles())
        return records.answer(question, asked, None, None, question_window(question) if dated else None)


def _roles(meeting) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in meeting.attendances:
        out.setdefault(a.role, []).append(a.person)
    return out


def test_会后与随后另起一个事件_各有自己的人和日期():
    events, _, _ = _events(
        "昨日上午，全区春季农业生产工作会议在区行政中心召开。区委副书记、区长刘海川出席会议并讲话，副区长宋明远主持会议。"
        "会后，刘海川主持召开全区防汛工作调度会，强调要压紧压实责任。副区长宋明远参加。\n"
        "同日下午，区委常委会召开会议，区委书记周启航主持会议。"
    )
    assert [e.name for e in events] == ["全区春季农业生产工作会议", "全区防汛工作调度会", "区委常委会会议"]
    assert _roles(events[0]) == {"attendee": ["刘海川"], "speaker": ["刘海川"], "chair": ["宋明远"]}
    assert _roles(events[1]) == {"chair": ["刘海川"], "participant": ["宋明远"], "speaker": ["刘海川"]}
    assert _roles(events[2]) == {"chair": ["周启航"]}
    assert {e.date for e in events} == {dt.date(2024, 4, 8)}
    assert events[1].parent_id == events[0].id and events[0].place == "区行政中心"


def test_会前的插叙之后回到主会议():
    events, _, _ = _events(
        "昨日，全区招商引资工作会议召开。区委书记周启航出席会议并讲话。\n"
        "会前，与会人员到区智能制造产业园观摩了部分项目。\n"
        "周启航强调，要坚持项目为王。副区长宋明远参加会议。"
    )
    main = events[0]
    assert set(_roles(main)) == {"attendee", "speaker", "participant"}
    assert len(events) == 2 and events[1].people() == []


def test_区领导分别到各地的综述是一个事件_每位领导都是检查者():
    events, _, _ = _events(
        "日前，区领导分别到各镇街检查安全生产工作。区委书记周启航到龙泉街道，检查危化品企业，强调要压实责任。"
        "区委副书记、区长刘海川到环秀街道检查建筑工地。区人大常委会副主任綦卫东、区政协副主席逄晓梅分别到北安街道、"
        "通济新区检查燃气设施。",
        title="区领导检查安全生产工作",
    )
    assert len(events) == 1
    assert _roles(events[0]) == {"inspector": ["周启航", "刘海川", "綦卫东", "逄晓梅"]}
    assert events[0].date_approximate


def test_全部角色_列席会见见证陪同收看带队():
    meet, _, _ = _events(
        "昨日下午，区委书记周启航会见了深圳华拓科技集团董事长欧阳明轩一行。副区长宋明远参加会见。"
        "随后，周启航与欧阳明轩共同见证了华拓智能终端项目签约。",
        title="周启航会见华拓科技集团客人",
    )
    assert _roles(meet[0]) == {"meet": ["周启航"], "participant": ["宋明远"]}
    assert _roles(meet[1]) == {"witness": ["周启航", "欧阳明轩"]}
    assert next(a.body for a in meet[1].attendances if a.person == "欧阳明轩") is None
    council, _, _ = _events(
        "上周五上午，区人大常委会召开第十次会议。区人大常委会主任仉海峰主持会议。副区长冼立新，区法院院长隗建华列席会议。"
        "市人大常委会研究室主任亓文博列席指导。",
        title="区人大常委会召开第十次会议",
    )
    assert _roles(council[0]) == {"chair": ["仉海峰"], "observer": ["冼立新", "隗建华", "亓文博"]}
    assert council[0].date == dt.date(2024, 4, 5)
    assert {a.person: a.body for a in council[0].attendances}["亓文博"] == "青岛市"
    tour, _, _ = _events(
        "4月3日，区政协主席矫振东带队视察全区河道治理工作，区政协副主席阎丽华参加视察，副区长宋明远陪同。",
        title="区政协视察河道治理工作",
    )
    assert _roles(tour[0]) == {"leader": ["矫振东"], "inspector": ["矫振东"], "participant": ["阎丽华"], "accompany": ["宋明远"]}
    watch, _, _ = _events(
        "4月7日下午，全省森林防火工作电视电话会议召开。我区在区行政中心设分会场，区长刘海川在分会场参加收看。",
        title="全省森林防火工作电视电话会议召开",
    )
    assert _roles(watch[0]) == {"viewer": ["刘海川"]}


def test_罕见姓复姓四字名与无法识别的名字不丢名单():
    assert parse_person_part("副区长綦卫东").name == "綦卫东"
    assert parse_person_part("市长郗立群").name == "郗立群"  # unknown surname: the title vouches for it
    assert parse_person_part("区领导上官思齐").name == "上官思齐"
    assert parse_person_part("委员参加") is None or parse_person_part("委员参加").name is None
    events, _, _ = _events(
        "昨日，全区工作会议召开。区长刘海川主持会议。区领导司马青云、宓晓光、郗立群、傅文涛参加会议。"
    )
    assert events[0].people("participant") == ["司马青云", "宓晓光", "郗立群", "傅文涛"]


def test_职务带所属机构_别区的区长不是即墨区区长(tmp_path):
    assert person_body(["城阳区委副书记", "区长"]) == "城阳区"
    assert person_body(["胶州市委副书记", "市长"]) == "胶州市"
    assert person_body(["区委副书记", "区长"]) == "即墨区"
    assert body_of("浙江华拓集团董事长") is None and body_of("省委副书记") == "山东省"
    assert split_body("城阳区区长") == ("城阳区", "区长") and default_body("区长") == "即墨区"
    day = dt.date(2024, 4, 9)
    issue = Issue(source="lit.txt", sha256="b", issue_no=9, date=day, articles=[
        Article(id="lit-01", title="全区工作会议召开", body="昨日，全区工作会议召开。区委副书记、区长刘海川主持会议。", raw=""),
        Article(id="lit-02", title="城阳区召开工作会议", body="4月7日，城阳区召开工作会议。城阳区委副书记、区长鲍明德主持会议。", raw=""),
    ])
    with MeetingStore(tmp_path / "m.sqlite") as store:
        store.upsert_issue(issue)
        assert [h.person for h in store.holders_of("区长")] == ["刘海川"]
        assert [h.person for h in store.holders_of("即墨区区长")] == ["刘海川"]
        assert [h.person for h in store.holders_of("城阳区区长")] == ["鲍明德"]
        assert {h.person for h in store.holders_of("区长", body=None)} == {"刘海川", "鲍明德"}
        assert store.bodies_of("鲍明德") == ["城阳区"]


def test_事件金标评分_封存模式只有汇总():
    events, issue, _ = _events("昨日，全区工作会议召开。区长刘海川主持会议。副区长宋明远参加会议。")
    gold = GoldEvents.model_validate({"events": [{
        "file": "lit.txt", "quote": "全区工作会议召开", "name": "全区工作会议", "date": "2024-04-08",
        "people": [{"name": "刘海川", "role": "chair", "titles": ["区长"], "body": "即墨区"},
                   {"name": "王某某", "role": "participant", "titles": [], "body": "即墨区"}]}]})
    s = score_events(gold, events, "lit", details=False)
    assert (s.total.gold, s.total.found, s.total.right, s.matched_events) == (2, 2, 1, 1)
    text = event_report(s, details=False)
    assert "王某某" not in text and "宋明远" not in text and "漏抽" not in text
    assert "chair" in text and "participant" in text


def test_名单末尾是没有名字的部门负责同志时_前面点名的人不丢():
    events, _, _ = _events("4月8日，全区森林防火工作会议召开。副区长褚明远主持会议。区林业局局长庞书晴、区消防救援大队大队长"
                           "雍立凯，区应急局、区园林局主要负责同志参加会议。")
    assert set(_roles(events[0])["participant"]) == {"庞书晴", "雍立凯"}


def test_会前带领与会人员观摩是另一个事件():
    events, _, _ = _events("4月8日，全区乡村振兴推进会在即墨宾馆召开，区长孙杰出席并讲话。会前，孙杰带领与会人员先后观摩了"
                           "鳌山卫街道两个示范片区。")
    assert len(events) == 2
    assert "inspector" in _roles(events[1]) and "孙杰" not in _roles(events[0]).get("inspector", [])


def test_百家姓里的复姓也认得四字名():
    part = parse_person_part("董事长钟离远航", frozenset())
    assert part is not None and part.name == "钟离远航"


def test_街道职务和列表里共用的副主任属于本区():
    assert body_of("温泉街道党工委书记") == "即墨区"
    assert body_of("副主任") == "即墨区" and body_of("副主任", "胶州市") == "胶州市"


def test_问到会的人而报道只写出席时_答出席的人并说明是出席(tmp_path):
    found = _ask_records(tmp_path, [("全区河长制工作会议召开",
                                     "昨日，全区河长制工作会议召开。区长刘海川主持会议。副区长宋明远、区政协副主席祁永安出席。")],
                         "河长制工作会议参加的有哪几位？")
    assert found is not None and found.lines[0][0].startswith("出席") and found.names == {"宋明远", "祁永安"}


def test_会议听取某人的汇报_此人是发言者():
    events, _, _ = _events("4月8日，全区文旅工作座谈会召开。副区长褚明远主持会议，听取区文旅局局长庞书晴关于景区建设的汇报。")
    assert "庞书晴" in _roles(events[0]).get("speaker", [])
    events, _, _ = _events("4月8日，全区文旅工作座谈会召开。副区长褚明远主持会议，听取区文旅局的工作汇报。")
    assert _roles(events[0]).get("speaker", []) in ([], ["褚明远"])


def test_带队到几处地方检查_带队的人也是检查者():
    events, _, _ = _events("4月8日，全区安全生产会议召开。会前，区长刘海川带队到海丰化工有限公司、龙山街道燃气站检查安全生产工作，"
                           "副区长宋明远陪同。")
    assert "刘海川" in _roles(events[-1]).get("inspector", [])


def test_陪同客人一行考察时_客人是带队的人():
    events, _, _ = _events("4月8日，区长刘海川会见了远帆集团董事长夏侯明一行。同日下午，副区长宋明远陪同夏侯明一行考察了鳌山湾。")
    visit = events[-1]
    assert "夏侯明" in _roles(visit).get("leader", []) and "宋明远" in _roles(visit).get("accompany", [])


def test_会前某某一行观摩是另一个事件_河名不是人名():
    events, _, _ = _events("4月8日，全区水利工作会议召开，区长刘海川出席。会前，刘海川、宋明远一行观摩了东港水库项目。"
                           "会后，宋明远带队到墨水河、龙泉河检查河道清障。")
    everyone = {a.person for m in events for a in m.attendances}
    assert len(events) == 3 and "龙泉河" not in everyone
    assert {"刘海川", "宋明远"} <= set(_roles(events[1]).get("inspector", []) + _roles(events[1]).get("leader", []))


def test_分别到各处的综述里_问某位领导由谁陪同只答陪他的人(tmp_path):
    found = _ask_records(tmp_path, [("区领导分别到镇街督导春季防火",
                                     "日前，区领导分别到镇街督导春季防火工作。区长刘海川到龙山街道，查看林区卡口，区应急局局长庞书晴陪同；"
                                     "副区长宋明远到温泉街道，检查防火物资，区林业局局长雍立凯陪同。")],
                         "督导春季防火时，宋明远是谁陪同的？")
    assert found is not None and found.names == {"雍立凯"}


def test_人大常委会任免的职务_从会议那天起记在各人名下_免去的职务记到那天为止(tmp_path):
    from qa.answer.records import MeetingRecords
    from qa.answer.route import route

    body = ("4月8日上午，区十九届人大常委会第十二次会议召开，区人大常委会主任周启航主持会议。"
            "会议表决通过了人事任免事项：任命郦文澜 为区文化和旅游局局长，免去其鳌山卫街道党工委书记职务；"
            "任命钟离秀为区统计局局长。")
    events, _, _ = _events(body, title="区十九届人大常委会第十二次会议召开")
    assert [(a.person, a.title, a.former_title) for a in events[0].appointments] == [
        ("郦文澜", "区文化和旅游局局长", "鳌山卫街道党工委书记"), ("钟离秀", "区统计局局长", None)]
    issue = Issue(source="lit.txt", sha256="appoint", issue_no=9, date=ISSUE_DAY, articles=[
        Article(id="lit-01", title="区十九届人大常委会第十二次会议召开", body=body, raw="")])
    with MeetingStore(tmp_path / "m.sqlite") as store:
        store.upsert_issue(issue)
        records = MeetingRecords(store)
        assert {t.title for t in store.titles_of("郦文澜")} == {"区文化和旅游局局长", "鳌山卫街道党工委书记"}
        q = "2024年4月区统计局局长是谁？"
        found = records.answer(q, route(q, records.known_people(), records.known_titles()), None, None)
        assert found is not None and found.names == {"钟离秀"} and "任命钟离秀" in found.lines[0][1][0].quote


def test_会前到几处地方再逗号观摩_也是会前的一个事件():
    events, _, _ = _events("昨日上午，全区文旅产业发展大会在区行政中心召开。区长刘海川主持会议。"
                           "会前，刘海川、宋明远到海丰织造有限公司和鳌山湾文创园，观摩了智能车间和文创展厅。")
    assert len(events) == 2
    assert set(_roles(events[1]).get("inspector", [])) == {"刘海川", "宋明远"}


def test_问作为某种代表发言的人_只答报道这样写的那位(tmp_path):
    report = [("全区文旅产业发展大会召开", "昨日，全区文旅产业发展大会召开。区长刘海川出席会议并讲话，副区长宋明远通报了全区文旅产业"
               "发展情况。海丰织造有限公司董事长夏侯明作为企业代表发言。")]
    for q, who in (("全区文旅产业发展大会上作为企业代表发言的是哪位？", {"夏侯明"}),
                   ("Who briefed the tourism industry development conference on how the industry had grown?", {"宋明远"}),
                   ("全区文旅产业发展大会上讲话的有哪些人？", {"刘海川", "宋明远", "夏侯明"})):
        q = q if re.search(r"[\u4e00-\u9fff]", q) else q + " 文旅 产业 发展 大会 讲话"  # the English cues, as analyse adds them
        found = _ask_records(tmp_path, report, q)
        assert found is not None and found.names == who, q


def test_某某与复姓客人共同见证_两人都是见证人():
    events, _, _ = _events("昨日，区长刘海川会见了远帆集团董事长欧阳明远一行。会见后，刘海川与欧阳明远共同见证了远帆智能装备项目签约。")
    assert set(_roles(events[-1]).get("witness", [])) == {"刘海川", "欧阳明远"}


def test_会后举行仪式和等区领导观摩_各是一个事件():
    events, _, _ = _events("4月8日，区十九届人大常委会第十二次会议召开，区人大常委会主任周启航主持会议。"
                           "会后举行宪法宣誓仪式，周启航主持仪式。")
    assert [e.name for e in events][-1].endswith("宪法宣誓仪式") and _roles(events[-1]) == {"chair": ["周启航"]}
    events, _, _ = _events("昨日，全区文旅产业发展大会召开。区长刘海川主持会议。"
                           "会前，刘海川、宋明远等区领导观摩了鳌山湾文创园和古城夜游码头两个项目。")
    assert len(events) == 2 and set(_roles(events[1]).get("inspector", [])) == {"刘海川", "宋明远"}


def test_问某月那次某机构的例会_当月只有这一次就是它(tmp_path):
    found = _ask_records(tmp_path, [
        ("区十九届人大常委会第十二次会议召开", "4月8日上午，区十九届人大常委会第十二次会议召开，区人大常委会主任周启航主持会议。"
                                              "区人大常委会副主任祁永安、褚明远出席会议。"),
        ("全区文旅产业发展大会召开", "4月3日，全区文旅产业发展大会召开。区长刘海川出席会议并讲话。"),
    ], "2024年4月那次区人大常委会例会，到场的副主任都有谁？", dated=True)
    assert found is not None and found.names == {"祁永安", "褚明远"}


def test_外地官员的职务连同其所在的市一起说(tmp_path):
    found = _ask_records(tmp_path, [("胶州市重点项目集中签约", "昨日，胶州市重点项目集中签约仪式举行。胶州市委副书记、市长傅正明出席并讲话。")],
                         "傅正明是什么职务？")
    assert found is not None and "胶州市委副书记" in found.lines[0][0] and "胶州市长" in found.lines[0][0]
