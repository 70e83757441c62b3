"""How a question is understood before anything is looked up (pure: no index, no model)."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.answer.decompose import split_question
from qa.answer.english import chinese_cues, link_names
from qa.answer.normalise import normalise_question
from qa.answer.relevance import Weighted, coverage, series_conflict, weigh
from qa.answer.route import route
from qa.answer.select import who_answer
from qa.answer.when import question_window


@pytest.mark.parametrize("typed, meant", [
    ("誰主持了奇瑞項目推進工作專題會？", "谁主持了奇瑞项目推进工作专题会？"),
    ("请问，谁主持了奇瑞项目推进工作专题会?", "谁主持了奇瑞项目推进工作专题会？"),
    ("韩 世军都主持过什么会？", "韩世军都主持过什么会？"),
    ("２０２１年的区长是谁", "2021年的区长是谁？"),
    ("我想了解一下：德国ITEM项目年产值多少？麻烦告诉我。", "德国ITEM项目年产值多少？"),
])
def test_各种写法的问题归一成同一种写法(typed, meant):
    assert normalise_question(typed) == meant


def test_英文问题只统一宽度():
    assert normalise_question("Who chaired the Chery meeting？") == "Who chaired the Chery meeting?"


@pytest.mark.parametrize("question, parts", [
    ("安全生产调度会在哪里召开？由谁主持？", ["安全生产调度会在哪里召开？", "安全生产调度会由谁主持？"]),
    ("2021年和2024年的区长分别是谁？", ["2021年的区长是谁？", "2024年的区长是谁？"]),
    ("龙山街道那次座谈会在哪里开的，谁主持的？", ["龙山街道那次座谈会在哪里开的", "龙山街道那次座谈会谁主持的？"]),
])
def test_复合问题拆成各自的问题_丢了主语的补回主语(question, parts):
    assert [p.text for p in split_question(question)] == parts


def test_第二问带着第一问的主语():
    first, second = split_question("德国ITEM项目年产值多少？预计年税收多少？")
    assert first.text == "德国ITEM项目年产值多少？"
    assert second.text.startswith("德国ITEM项目") and second.text.endswith("预计年税收多少？")


def test_靠前一问的部分按追问处理_单一问题不拆():
    parts = split_question("谁接见了获奖运动员？还有哪些人参加接见？")
    assert [p.follows for p in parts] == [False, True]
    assert [p.text for p in split_question("韩世军、张元升出席了哪些会议？")] == ["韩世军、张元升出席了哪些会议？"]
    en = split_question("Who led the inspection in June 2022, and which deputy head accompanied it?")
    assert [p.follows for p in en] == [False, True] and en[1].text.startswith("which")


@pytest.mark.parametrize("question, start, end, precision", [
    ("2023年2月24日下午的常委会由谁主持？", dt.date(2023, 2, 23), dt.date(2023, 2, 25), "day"),
    ("2022年6月区长到哪里调研？", dt.date(2022, 6, 1), dt.date(2022, 6, 30), "month"),
    ("2025年的营商环境会议是谁主持的？", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year"),
    ("Who chaired the meeting on 3 December 2025?", dt.date(2025, 12, 2), dt.date(2025, 12, 4), "day"),
    ("What happened in June 2022?", dt.date(2022, 6, 1), dt.date(2022, 6, 30), "month"),
])
def test_问题里的时间成为事件日期的范围(question, start, end, precision):
    w = question_window(question)
    assert (w.start, w.end, w.precision) == (start, end, precision)


def test_年度考核不是事件发生的时间():
    assert question_window("2023年度考核结果是什么？") is None


def test_英文里的拼音名字连到档案里的人_称谓加上中文():
    people = {"綦建国", "欧阳振邦", "韩世军"}
    assert link_names("Which meetings did Qi Jianguo chair?", people) == [("Qi Jianguo", "綦建国")]
    assert link_names("What post did Ouyang Zhenbang hold?", people) == [("Ouyang Zhenbang", "欧阳振邦")]
    cued = chinese_cues("Who was the party secretary that met Han Shijun?", people)
    assert "韩世军" in cued and "区委书记" in cued


def test_系列里的另一个不是所问的那个():
    assert series_conflict("谁出席了第90次工作例会？", "第88次工作例会召开")
    assert series_conflict("恒岳储能三期项目总投资多少？", "恒岳储能二期项目签约")
    assert not series_conflict("第二十九次会议谁主持？", "区人大常委会第29次会议召开")
    assert not series_conflict("奇瑞项目谁主持？", "奇瑞项目推进工作专题会")


def test_档案里少见的词分量重_没有的名字最重_没有的普通词是用户的说法():
    counts = {"会议": 90, "恒岳": 2}
    weighted = weigh(["会议", "恒岳", "深圳", "盘子", "鼓号操"], counts.get, 100)
    by = {w.term: w for w in weighted}
    assert by["会议"].weight < by["恒岳"].weight <= by["深圳"].weight and not by["深圳"].known
    # 「盘子」 names nothing and is an everyday word: the user's own word for what the paper says its way
    assert by["盘子"].weight < by["恒岳"].weight and not by["盘子"].known
    # 「鼓号操」 is rare in the language at large: something the paper never reported
    assert by["鼓号操"].weight > by["盘子"].weight
    assert coverage(weighted, "恒岳储能项目会议") > coverage(weighted, "全区工作会议")
    assert coverage([Weighted("甲", 1.0, True, False)], "") == 0.0


def test_谁做了什么取问题所问动作前面的人():
    sentence = "11月3日，区政协副主席亓晓岚带队视察老旧小区改造工作，副区长毕安传陪同。"
    assert who_answer("哪位副区长陪同？", sentence) == ["毕安传"]
    assert who_answer("由谁带队？", sentence) == ["亓晓岚"]
    assert who_answer("谁会见了客人？", sentence) == []


def test_数人数的问题和问名单的问题分开():
    people = {"綦建国"}
    assert route("区政府常务会议有几位副区长参加？", people).count
    assert not route("区政府常务会议有哪几位副区长参加？", people).count
    assert route("哪些人列席了常委会？", people).role == "observer"
    assert route("谁陪同视察？", people).role == "accompany"
    assert route("2022年谁担任即墨区区长？", people).kind == "title_holder"


def test_英文日期的报纸期号问题走期号目录():
    r = route("Which issue number was the paper dated May 21, 2024?", set())
    assert r.kind == "issue" and r.date == (2024, 5, 21)


@pytest.mark.parametrize("question, role", [
    ("孙杰主持的企业家座谈会上，有哪些副区长参加？", "participant"),  # 「主持的」 says which meeting
    ("全区安全生产会议是谁主持的？", "chair"),
    ("城阳区防汛工作会议上讲话的城阳区长是谁？", "speaker"),  # 「讲话的区长」 is who is asked for
])
def test_修饰会议的动词不是所问的角色(question, role):
    r = route(question, {"孙杰"})
    assert r.kind == "meeting" and r.role == role


def test_问企业而不是问人的问题不走参会名单():
    assert route("孙杰带队去北京招商时拜访了哪些企业？", {"孙杰"}).kind == "retrieval"
    assert route("2025年全区会议上出席会议的区领导有哪些？", set()).kind == "meeting"
    assert route("Which district leaders took part in the study session?", set()).kind == "meeting"


def test_相对日期按出版日解读():
    from qa.answer.select import date_answer

    assert date_answer("上周五下午，区政府常务会议召开。", dt.date(2022, 6, 21)) == (dt.date(2022, 6, 17), "上周五")
    assert date_answer("前天下午，会议召开。", dt.date(2025, 12, 4)) == (dt.date(2025, 12, 2), "前天")
    assert date_answer("3月2日，会议召开。", dt.date(2023, 3, 4)) == (dt.date(2023, 3, 2), "")
    assert date_answer("日前，会议召开。", dt.date(2023, 3, 4)) == (None, "")  # 日前 is no day


@pytest.mark.parametrize("sentence, place", [
    ("我区在区行政中心 设分会场，区长参加收看。", "区行政中心"),  # OCR break read through
    ("2月14日，区长孙杰到蓝村街道调研企业发展情况。", "蓝村街道"),
])
def test_地点从在某地召开或到某地调研中取出(sentence, place):
    from qa.answer.select import place_answer

    assert place_answer(sentence) == place


def test_切错的词不当作报纸没有的词():
    from qa.answer.relevance import miscut

    archive = {"我区", "分会场", "会场"}.__contains__
    assert miscut("区分", "我区分会场设在哪里", archive)  # 我/区分/会场: the paper prints 我区 and 分会场
    assert not miscut("董事长", "公司的董事长是谁", archive)


def test_问题点名报纸从未出现的地方时_不算关于这篇报道():
    from qa.answer.relevance import names_the_unreported

    w = weigh(["孙杰", "深圳", "招商"], {"孙杰": 3, "招商": 2}.get, 100)
    assert names_the_unreported(w, "孙杰率队赴上海开展招商活动")
    assert not names_the_unreported(w, "孙杰率队赴深圳开展招商活动")


def test_用户自己的动词和量词比名词轻():
    w = {x.term: x.weight for x in weigh(["下去", "企业", "两家"], {"下去": 2, "企业": 2}.get, 100)}
    assert w["下去"] < w["企业"] and w["两家"] < weigh(["董事长"], {}.get, 100)[0].weight


def test_英文词经双语词典找到报纸自己的中文词():
    from qa.answer.bridge import EnglishBridge

    entries = [
        {"simplified": "基层", "definitions": ["grass-roots", "basic level"]},
        {"simplified": "草根网民", "definitions": ["grassroots netizen"]},
        {"simplified": "治理", "definitions": ["to govern", "governance"]},
        {"simplified": "座谈会", "definitions": ["conference", "symposium"]},
        {"simplified": "研讨会", "definitions": ["symposium"]},
    ]
    archive = {"基层", "治理", "座谈会"}.__contains__  # the paper never prints 草根网民 or 研讨会
    bridge = EnglishBridge(archive, entries=lambda: entries)
    assert bridge.cues("Who chaired the symposium on grassroots governance?") == ["座谈会", "基层", "治理"]


def test_英文词有几种译法时取报纸最常用的那种():
    from qa.answer.bridge import EnglishBridge

    entries = [
        {"simplified": "座谈会", "definitions": ["conference", "symposium"]},
        {"simplified": "会议", "definitions": ["meeting", "conference"]},
        {"simplified": "带头人", "definitions": ["leader"]},
        {"simplified": "领导", "definitions": ["leader", "to lead"]},
        {"simplified": "清明", "definitions": ["Qingming festival, 5th April"]},
    ]
    printed = {"座谈会": 12, "会议": 900, "带头人": 2, "领导": 400, "清明": 3}
    bridge = EnglishBridge(printed.__contains__, entries=lambda: entries, vocabulary=lambda: printed)
    assert bridge.cues("Which leaders attended the conference?") == ["领导", "会议"]
    assert bridge.cues("Who spoke at the 5th conference?") == ["会议"], "24th, 5th are numbers, not the word 'th'"


def test_英文说的机关找到报纸印的局长职务连简称也认得():
    from qa.answer.bridge import EnglishBridge

    entries = [
        {"simplified": "发展", "definitions": ["development", "to develop"]},
        {"simplified": "改革", "definitions": ["reform"]},
        {"simplified": "应急", "definitions": ["(attributive) emergency"]},
        {"simplified": "管理", "definitions": ["to manage", "management"]},
        {"simplified": "自然", "definitions": ["nature", "natural"]},
        {"simplified": "资源", "definitions": ["resource"]},
        {"simplified": "环境", "definitions": ["environment"]},
    ]
    bridge = EnglishBridge(lambda w: True, entries=lambda: entries)
    titles = {"区发改局局长", "区应急局局长", "市应急局局长", "区自然资源局局长", "区生态环境分局局长", "区委书记"}
    assert bridge.post_of("Who ran the development and reform bureau in 2026年3月?", titles) == "区发改局局长"
    assert bridge.post_of("Who headed Jimo's emergency management bureau?", titles) == "区应急局局长"
    assert bridge.post_of("Who headed the natural resources bureau?", titles) == "区自然资源局局长"
    assert bridge.post_of("Who headed the tax bureau?", titles) is None  # no title spells it: no guess
    assert bridge.post_of("Who chaired the meeting?", titles) is None  # no office named


def test_同一个局的简称和全称是同一个职务():
    from qa.meetings.bodies import same_post

    assert same_post("区住建局局长", "区住房城乡建设局局长")
    assert same_post("区教体局局长", "区教育体育局局长")
    assert not same_post("区发改局局长", "区商务局局长")
    assert not same_post("区应急局局长", "市应急局局长")  # another body's bureau
    assert not same_post("区委书记", "区委副书记")


def test_会议编号的中文数字写成阿拉伯数字():
    assert normalise_question("区十九届政府第八次常务会是哪天开的") == "区19届政府第8次常务会是哪天开的？"


def test_中文数字和阿拉伯数字写的编号算同一个词():
    w = weigh(["第八次", "常务会议"], {"常务会议": 3}.get, 100)
    assert coverage(w, "区十九届人民政府第8次常务会议召开") == 1.0


def test_问题词后面的名词是答案的种类不是话题():
    from qa.answer.select import content_terms

    assert "地方" not in content_terms("深度行青岛站活动是在什么地方举行的？")
    assert "深度" in content_terms("深度行青岛站活动是在什么地方举行的？")


@pytest.mark.parametrize("question", ["常务会上到了几个副区长？", "营商环境大会上一共去了几位区领导？"])
def test_数某类人的问题不需要角色动词(question):
    r = route(question, set())
    assert r.kind == "meeting" and r.count and r.role == "any"


def test_没说是哪次活动的数人问题不去会议记录():
    assert route("即墨区有几个副区长？", set()).kind != "meeting"


def test_除了主持人还有谁参加_问的是参加的人():
    assert route("专题会议上，除了主持人，还有谁参加了？", set()).role == "participant"
    assert route("专题会参会的区领导", set()).kind == "meeting"


def test_没有地点的句子不当作地点题的答案():
    from qa.answer.select import names_a_place

    assert names_a_place("副区长逄锦涛陪同视察了移风店镇、金口镇。")
    assert not names_a_place("今年区政协将围绕乡村振兴开展六次专题协商。")


@pytest.mark.parametrize("question, title", [
    ("2023年的胶州市市长是哪位？", "胶州市市长"),  # another city's 市长, not the bare one
    ("2021年担任即墨区区长的是哪位？", "即墨区区长"),
    ("2024年即墨区政协的主席由谁担任？", "即墨区政协主席"),
    ("2022年区长是谁？", "区长"),
])
def test_职务带上问题里写的地方(question, title):
    r = route(question, set(), {"区政协主席", "市长", "区长"})
    assert r.kind == "title_holder" and r.title == title


def test_问某职务是谁时_答职务后面印的名字():
    from qa.answer.select import asked_post, post_holder

    assert asked_post("区住建局的局长是谁？") == "局长"
    assert asked_post("谁主持了会议？") is None
    assert post_holder("局长", "区住房城乡建设局局长仉淑华陪同。", {"仉淑华"}) == "仉淑华"
    assert post_holder("董事长", "即墨国际陆港与某某公司举行签约仪式", set()) is None


def test_那次会议指上一轮的那一次_连日期一起():
    from qa.answer.followup import Focus, resolve

    focus = Focus(person="韩世军", meeting="区委常委会会议", when="2024-05-20")
    assert resolve("那场会上有哪些人列席？", focus, False) == "2024年5月20日区委常委会会议上有哪些人列席？"
    assert resolve("Who chaired that meeting?", focus, False).startswith("2024年5月20日区委常委会会议")


def test_这个职务指上一轮问的职务():
    from qa.answer.followup import Focus, resolve

    assert resolve("到2024年这个职务换成了谁？", Focus(person="于澎", title="区政协主席"), False) == "到2024年区政协主席换成了谁？"
    assert route("到2024年区政协主席换成了谁？", set(), {"区政协主席"}).kind == "title_holder"


def test_复合问题的主语不带上第一问所问的指标():
    parts = [p.text for p in split_question("某某新材料项目年产值多少？预计什么时候投产？")]
    assert parts == ["某某新材料项目年产值多少？", "某某新材料项目预计什么时候投产？"]


def test_数量紧跟在所问的东西后面时取这个数():
    from qa.answer.select import number_answer

    s = "该项目总投资9.5亿元，主要生产复合材料，一期建成后年产碳纤维复合材料2000吨。"
    assert number_answer("某项目年产多少碳纤维复合材料？", s, ["项目", "年产", "碳纤维", "复合材料"]) == "2000吨"


def test_英文问题的序数和计数单位():
    from qa.answer.select import _asked_unit

    assert "第88次" in chinese_cues("Who attended the 88th regular working meeting?", set())
    assert _asked_unit("How many teams competed in the drill competition?") == "支"
    assert _asked_unit("How many in-service Party members joined?") == "名"
    assert _asked_unit("How many companies signed?") == "家"
    assert _asked_unit("What did the lantern fair cost the town?") == "元"
    assert _asked_unit("What was the budget of the book week?") == "元", "a budget is money, not a count of teams"


def test_英文序数词按报纸的写法_届次分开():
    from qa.answer.english import ordinals_in_chinese

    asked = "Who chaired the fourth session of the 18th Standing Committee of the district People's Congress?"
    assert ordinals_in_chinese(asked) == ["第四次", "十八届"]
    assert ordinals_in_chinese("the twenty-second regular meeting") == ["第二十二次"]
    assert ordinals_in_chinese("the thirtieth meeting of the district government") == ["第三十次"]
    assert ordinals_in_chinese("Was it held for the first time?") == [], "an ordinal numbering nothing adds nothing"


def test_副主席不是主持人_主持之外的人才是所问():
    asked = route("How many vice-chairpersons of the district CPPCC attended its fifth session?", set())
    assert asked.kind == "meeting" and asked.role == "attendee"
    assert route("区人大常委会第九次会议，主任主持之外还有哪几位副主任到会？", set()).role in ("attendee", "participant")
    assert route("区政府第9次常务会议，有哪几位副区长在会上？", set()).role == "attendee"


def test_问哪一年是问日期():
    from qa.answer.select import asks

    assert asks("那个产业园计划哪一年建成？") == "date"


def test_只换了时间的追问_把上一问按新时间再问一遍():
    from qa.answer.followup import with_new_time

    assert with_new_time("2023年某某是什么职务？", "再往前，2021年3月呢？") == "2021年3月某某是什么职务？"
    assert with_new_time("2019年莱西市市长是哪位？", "那2020年的时候呢？") == "2020年莱西市市长是哪位？"
    assert with_new_time("某某主持了什么会？", "2024年某某主持了什么会？") is None


def test_分年份的复合问题_每年各问两件事():
    parts = [p.text for p in split_question("2020年和2024年的全区某某推进会分别在哪里召开？各由谁作工作报告？")]
    assert parts == ["2020年的全区某某推进会在哪里召开？", "2020年的全区某某推进会由谁作工作报告？",
                     "2024年的全区某某推进会在哪里召开？", "2024年的全区某某推进会由谁作工作报告？"]


def test_问作报告的人时只列作报告的那位():
    from qa.answer.records import _clause_of

    s = "胶州市委副书记、市长某甲主持会议并讲话，胶州市副市长某乙通报了重点项目进展情况。"
    assert "通报" in _clause_of("某乙", s) and "通报" not in _clause_of("某甲", s)


def test_出席的副主任是哪几位_问的是出席的人():
    assert route("某日区人大常委会开会，出席的常委会副主任是哪几位？", set()).role == "attendee"


@pytest.mark.parametrize("question, kind", [
    ("某某调研去了哪两所学校？", "place"),
    ("新修的农村公路有多长？", "number"),
])
def test_更多问法的答案种类(question, kind):
    from qa.answer.select import asks

    assert asks(question) == kind


def test_外资和长度的计量单位():
    from qa.answer.select import number_answer

    assert number_answer("某年实际使用外资多少？", "实际使用外资2.6亿美元，同比增长12.1%。", ["实际", "使用", "外资"]) == "2.6亿美元"
    assert number_answer("新修农村公路有多长？", "全年新修和改造农村公路286公里，惠及12万人。", ["农村", "公路"]) == "286公里"


def test_问题词和数量词后面的名词也是答案的种类():
    from qa.answer.select import content_terms, place_answer

    assert "学校" not in content_terms("某某调研教育去了哪两所学校？")
    assert "多长" not in content_terms("新修的农村公路有多长？")
    assert place_answer("区委书记到某某一中、某某实验小学调研教育工作。") == "某某一中、某某实验小学"


def test_英文日期写成报纸的写法():
    from qa.answer.english import english_dates

    assert english_dates("Who spoke on 3 March 2025?") == "Who spoke on 2025年3月3日?"
    assert english_dates("held on Nov. 7, 2022") == "held on 2022年11月7日"
    assert english_dates("visits during 5–6 May 2024") == "visits during 2024年5月5日至6日"
    assert english_dates("in August 2023, who") == "in 2023年8月, who"
    assert english_dates("May I ask who led it in 2021?") == "May I ask who led it in 2021年?"


def test_英文问题看第一个疑问词要什么():
    from qa.answer.select import asks

    assert asks("What post did Liu Xin hold when the delegation came to Lancun in May 2022?") == "other"
    assert asks("When the mayor toured the port, who went with him?") == "who"
    assert asks("Which subdistrict did the secretary visit?") == "place"
    assert asks("When and where was the forum held?") == "date"


def test_英文里用拼音写的地名和公司名找到报纸里的词():
    from qa.answer.bridge import EnglishBridge

    vocabulary = {"莱西": 3, "莱西市": 5, "教育": 40, "胶州": 2, "鳌山卫街道": 4}
    bridge = EnglishBridge(lambda w: False, entries=list, vocabulary=lambda: vocabulary)
    assert bridge.spelled("Who was the mayor of Laixi in 2022?") == [("Laixi", "莱西")]
    # 育 has a rare reading zhou; the usual reading of 胶州 wins although 教育 is printed more often
    assert bridge.spelled("a forum in Jiaozhou") == [("Jiaozhou", "胶州")]
    # the leading part of a longer word: 鳌山卫 of 鳌山卫街道
    assert bridge.spelled("the Aoshanwei subdistrict") == [("Aoshanwei", "鳌山卫")]


def test_英文的某地某职务写成报纸的某地职务():
    from qa.answer.english import chinese_cues

    assert chinese_cues("Who was the mayor of Jiaozhou in 2021?", set()).endswith("胶州市长")


def test_地名只写一次市字的职务也认得():
    from qa.answer.route import route

    r = route("2022年莱西市长是谁？", set(), {"市长", "莱西市副市长"})
    assert (r.kind, r.title, r.year) == ("title_holder", "莱西市市长", 2022)


def test_英文追问只换时间时沿用上一问():
    from qa.answer.followup import with_new_time

    assert with_new_time("Who was head of the bureau in 2022?", "And in 2024?") == "Who was head of the bureau in 2024年?"
    assert with_new_time("Who chaired it in March 2023?", "What about earlier, in 2021?") == "Who chaired it in 2021年?"


def test_英文复合问题的it指第一问问的东西():
    from qa.answer.decompose import split_question

    parts = split_question("Where was the 2024 harbour safety drill held, and who led it?")
    assert [p.text for p in parts] == ["Where was the 2024 harbour safety drill held",
                                       "who led the 2024 harbour safety drill?"]


def test_问在哪里时前面的普通名词是答案的种类():
    from qa.answer.select import content_terms

    terms = content_terms("那场港口安全演练，会场设在哪儿？")
    assert "会场" not in terms and "演练" in terms and "那场" not in terms


def test_问某局局长是谁时_从任命句里取被任命的人():
    from qa.answer.select import post_holder

    sentence = "会议任命庞书晴为区统计局局长，任命雍立凯为区审计局局长。"
    assert post_holder("局长", sentence, asked="区审计局局长是谁？") == "雍立凯"
    assert post_holder("局长", "区审计局局长雍立凯陪同。", {"雍立凯"}) == "雍立凯"


def test_问落户在哪里时取报道里落户后面的地方():
    from qa.answer.select import place_answer

    assert place_answer("项目落户蓝村街道产业园，总投资5亿元。", "某某项目落户在哪里？") == "蓝村街道产业园"
    assert place_answer("项目进展顺利，总投资5亿元。", "某某项目落户在哪里？") is None


def test_那次后面跟着会议的描述时不是指代前一问():
    from qa.answer.analyse import _DANGLING

    assert not _DANGLING.search("那次全区森林防火动员会上要求排查哪些地方？")
    assert _DANGLING.search("那次会上要求排查哪些地方？")


def test_哪几个人问的是谁_几个人问的是多少():
    from qa.answer.select import asks

    assert asks("会后跟着去工地的是哪几个人？") == "who"
    assert asks("有几个人参加了座谈？") == "number"


def test_数字按报纸印的写法作答():
    from qa.answer.select import as_printed

    assert as_printed("30公里", "沿山脊建成三十公里防火隔离带。") == "三十公里"
    assert as_printed("800吨", "一年加工铝型材800吨。") == "800吨"


def test_某人会见了谁问的是被会见的人():
    from qa.answer.select import who_answer

    sentence = "昨日，区长刘海川会见了香港恒丰集团董事长司马远航一行。"
    assert who_answer("刘海川会见了谁？", sentence, {"刘海川"}) == ["司马远航"]
    assert who_answer("谁会见了司马远航？", sentence, {"刘海川"}) == ["刘海川"]


def test_事件名去掉人名时连同前面的职务换成领导或客人():
    from qa.answer.records import _without_people

    assert _without_people("省委副秘书长贺立群来我区调研", {"贺立群"}) == "省委领导来我区调研"
    assert _without_people("孙杰会见海丰集团董事长夏侯明", {"夏侯明"}) == "孙杰会见海丰集团客人"


def test_问某公司的董事长时_别的公司的董事长不算():
    from qa.answer.select import post_holder

    sentence = "区长刘海川会见了杭州远帆船舶有限公司董事长钟离远航一行。"
    assert post_holder("董事长", sentence, asked="宁波海鹰电子有限公司的董事长是谁？") is None
    assert post_holder("董事长", sentence, asked="杭州远帆船舶有限公司的董事长是谁？") == "钟离远航"


def test_问参加或主持过哪些会时两种角色都列():
    from qa.answer.route import route

    r = route("庞书晴参加或主持过哪些会议？", {"庞书晴"})
    assert (r.kind, r.person, r.role) == ("person_meetings", "庞书晴", "any")
    assert route("庞书晴主持过哪些会议？", {"庞书晴"}).role == "chair"


def test_繁简转换改了人名的字时_仍按报纸印的名字找人():
    from qa.answer.normalise import normalise_question, with_archive_names

    q = normalise_question("上官雪濛參加過哪些會議？")
    assert with_archive_names(q, frozenset({"上官雪濛"})).startswith("上官雪濛")
    assert route("庞书晴在哪些会议上出现过？", {"庞书晴"}).role == "any"


def test_问是什么或哪几个地方时_前面的普通名词是答案的种类():
    from qa.answer.select import content_terms

    assert "目标" not in content_terms("那次会上给项目定下的硬目标是什么？")
    assert "地方" not in content_terms("副市长实地看了哪几个地方？")
    assert "副区长" in content_terms("还有哪位副区长一起去了？")  # a post after 哪位 says who is meant


def test_复合问题第二问只换了时间时_沿用第一问():
    from qa.answer.decompose import split_question
    from qa.answer.followup import with_new_time

    parts = split_question("区统计局的局长，2021年年中是谁？到2024年3月下旬又换成了谁？")
    assert [p.follows for p in parts] == [False, True]
    assert with_new_time(parts[0].text, parts[1].text) == "区统计局的局长，2024年3月下旬是谁？"


def test_他还主持过别的会吗是问他的会议():
    from qa.answer.route import route

    r = route("庞书晴还主持过别的会吗？", {"庞书晴"})
    assert (r.kind, r.role) == ("person_meetings", "chair")


def test_那几年的几不是在问():
    from qa.answer.decompose import split_question

    assert len(split_question("庞书晴当局长那几年，主持过哪些会议？")) == 1
    assert len(split_question("会议在哪里召开？由谁主持？")) == 2


def test_问投了多少钱时一个数目不是答案():
    from qa.answer.select import number_answer

    assert number_answer("改造工程一共投了多少钱？", "全区改造供水管网126个村。", ["改造", "工程"]) is None
    assert number_answer("改造工程一共投了多少钱？", "改造工程投入资金3.5亿元。", ["改造", "工程"]) == "3.5亿元"


def test_英文拼出来的是名字_不是词典能翻译的普通名词():
    from qa.answer.bridge import EnglishBridge

    entries = [{"simplified": "海洋", "definitions": ["ocean"]}]
    bridge = EnglishBridge({"海洋"}.__contains__, entries=lambda: entries, vocabulary=lambda: {"海洋": 40, "海阳市": 1})
    assert bridge.spelled("the mayor of Haiyang") == [("Haiyang", "海阳")]


def test_英文问某人主持过哪个会议是问他的会议():
    from qa.answer.route import route

    r = route("Which meeting did 庞书晴 chair? 主持", {"庞书晴"})
    assert (r.kind, r.role) == ("person_meetings", "chair")


def test_问那位某某是谁时_读出问题自己对职务的说法():
    from qa.answer.select import asked_post

    assert asked_post("请来讲课的那位专家是谁？") == "专家"


def test_谁担任某地某职务_的字和口语不妨碍读出职务():
    from qa.answer.route import route

    r = route("2025年6月的时候，即墨区的常务副区长由谁来担任？", set(), {"常务副区长"})
    assert (r.kind, r.title) == ("title_holder", "即墨区常务副区长")
    r = route("2023年5月莱西那边当市长的是哪位？", set(), {"市长"})
    assert (r.kind, r.title) == ("title_holder", "莱西市市长")
    r = route("2022年底即墨区委组织部部长是哪位？", set(), {"组织部部长"})
    assert r.title == "即墨区委组织部部长"


def test_哪家企业的人问的是哪家企业_到哪家企业问的是地方():
    from qa.answer.select import asks

    assert asks("区长在宾馆见的是哪家企业的人？") != "place"
    assert asks("区长到哪家企业调研？") == "place"


def test_接着上一问说的_见完之后_带上上一问的话题():
    from qa.answer.analyse import _GOES_ON

    assert _GOES_ON.match("见完之后签了个什么项目？") and not _GOES_ON.match("2024年区长是谁？")


def test_某单位的一把手_头儿_当家的是该单位的正职():
    from qa.answer.route import route

    titles = {"区统计局局长", "区统计局副局长", "区妇联主席"}
    assert route("2024年区统计局的一把手是谁？", set(), titles).title == "区统计局局长"
    assert route("2023年那会儿区妇联是谁当家？", set(), titles).title == "区妇联主席"
    assert route("区里管统计局的头儿是谁？", set(), titles).title == "区统计局局长"


def test_句首的两位数年份是二十几年():
    assert normalise_question("23年春天区长是谁") == "2023年春天区长是谁？"
    assert normalise_question("连续12年获评先进的是哪家？").startswith("连续12年")


def test_负责某项工作的某职务_读成报纸印的职务():
    from qa.answer.route import route

    titles = {"区统计局局长", "市统计局局长", "常务副区长", "副区长"}
    r = route("2024年负责即墨统计工作的局长是谁？", set(), titles)
    assert (r.kind, r.title) == ("title_holder", "区统计局局长")
    r = route("2025年秋天，区政府里负责常务工作的副区长叫什么名字？", set(), titles)
    assert (r.kind, r.title) == ("title_holder", "常务副区长")


def test_两个时间点加上月份或季节也按时间拆开():
    from qa.answer.decompose import split_question

    parts = split_question("2022年3月和2025年8月，即墨区区长分别是谁？")
    assert [p.text for p in parts] == ["2022年3月，即墨区区长是谁？", "2025年8月，即墨区区长是谁？"]
    parts = split_question("庞书晴在2022年春天和2024年冬天各干的什么工作？")
    assert [p.text for p in parts] == ["庞书晴在2022年春天干的什么工作？", "庞书晴在2024年冬天干的什么工作？"]


def test_说报纸本身的词不是要找的内容():
    from qa.answer.select import content_terms

    terms = content_terms("那期报纸里焊接工人的照片说明写了什么？")
    assert "焊接" in terms and not {"报纸", "说明", "写"} & set(terms)


def test_某天某人忙了哪些事_是问他那天的会议和活动():
    from qa.answer.route import route

    r = route("2024年3月8日这一天庞书晴都忙了哪些事？", {"庞书晴"})
    assert (r.kind, r.person, r.date) == ("person_meetings", "庞书晴", (2024, 3, 8))


def test_问局长不带区字也是本区那个局的局长():
    from qa.answer.route import route

    r = route("2025年12月住建局局长是谁？", set(), {"区住建局局长"})
    assert (r.kind, r.title, r.year, r.month) == ("title_holder", "区住建局局长", 2025, 12)


def test_问题里说出答案是哪一类东西():
    from qa.answer.select import asked_noun

    assert asked_noun("常委会最后作出了什么决定") == "决定"  # the sentence 「会议决定，…」 answers it
    assert asked_noun("双方谈的是哪个项目") == "项目"  # 项目 keeps its 项
    assert asked_noun("审议通过的是哪份方案") == "方案"  # 哪/份方案: the measure word goes
    assert asked_noun("这家公司的主要产品有哪些") == "产品"
    assert asked_noun("谁主持的会议") is None


def test_追问名字不是另一个问题():
    parts = split_question("是哪个局的负责人上台作的汇报？叫什么名字？")
    assert [p.text for p in parts] == ["是哪个局的负责人上台作的汇报，叫什么名字？"]


def test_问数字时问的是哪一项():
    from qa.answer.select import measured_noun, mentions_measure

    assert measured_noun("这个基地建成后每年能交多少税？") == "税"
    assert measured_noun("达产后一年产值能有多少？") == "产值"
    assert measured_noun("有多少人参加比赛？") is None  # people are counted in 名, 人, 位: the extractor reads them
    assert mentions_measure("税", "年纳税2亿元") and not mentions_measure("税", "落户综合保税区的项目16个")
    assert mentions_measure("增速", "同比增长18.4%")  # said in other words, half its characters


def test_问题里的简称算文章里的全称():
    w = weigh(["劳模", "接见"], {"劳模": 1, "接见": 5}.get, 100)
    assert coverage(w, "区委书记接见了新当选的省劳动模范代表") == 1.0
    assert coverage(weigh(["劳模"], {"劳模": 1}.get, 100), "劳动者代表座谈") == 0.0  # 劳动者 holds no 模


def test_问某期刊登的照片不是问那期的出版日期():
    assert route("What does the photo published in issue 2415 show?", set()).kind != "issue"
    assert route("When was issue 2415 published?", set()).kind == "issue"


def test_职务按人们常说的简称也认得():
    titles = {"区委组织部部长", "区应急局局长", "区教体局局长"}
    assert route("2023年组织部长是谁？", set(), titles).title == "区委组织部部长"
    assert route("2022年6月应急局长是谁？", set(), titles).title == "区应急局局长"
    r = route("2023年4月管教育体育口的那个局，局长叫什么名字？", set(), titles)
    assert (r.kind, r.title) == ("title_holder", "区教体局局长")


def test_英文里除去的角色不是问的角色():
    r = route("Which leaders attended the Chery meeting, apart from the person chairing it?", set())
    assert (r.kind, r.role) == ("meeting", "attendee")


def test_英文问确切日期是问日期():
    from qa.answer.select import asks

    assert asks("What exact date was that session held on?") == "date"


def test_管某事的那个局换成谁当局长_问的是那个局的局长():
    from qa.answer.route import in_charge_of

    titles = {"区统计局局长", "区审计局局长", "区统计局副局长"}
    assert in_charge_of("2024年10月起，管统计的那个局换成谁当局长了？", titles)[0] == "区统计局局长"


def test_怎么做某事的那次会_是在说哪次会_不是另一问():
    parts = split_question("专门商量怎么把海带养殖做大的那次常委会，是哪位主持的？")
    assert [p.text for p in parts] == ["专门商量怎么把海带养殖做大的那次常委会，是哪位主持的？"]


def test_要投多少钱问的是投资额_不是年产值():
    from qa.answer.select import number_answer

    s = "项目总投资12亿元，主要生产智能康复设备，达产后年产值约20亿元。"
    assert number_answer("那个康复设备基地要投多少钱？", s, ["康复", "设备", "基地"]) == "12亿元"
    assert number_answer("那个康复设备基地首期投了多少？", "首期投入3.5亿元，建设两条生产线。", ["康复", "设备", "基地"]) == "3.5亿元"


def test_任命谁为某局局长_只答被任命为这个职务的人():
    from qa.answer.select import appointed_post, post_holder

    said = "表决通过了人事任免事项：任命郦文澜为区行政审批服务局局长；任命钟离秀为区统计局局长。"
    assert appointed_post("那次会议任命谁为区统计局局长？") == "区统计局局长"
    assert post_holder("区统计局局长", said) == "钟离秀"
    assert post_holder("区民政局局长", said) is None


def test_检索时会议序号两种数字都带上():
    from qa.answer.normalise import with_chinese_numerals

    assert with_chinese_numerals("区19届人大常委会第26次会议是哪天召开的？").endswith("十九届 第二十六次")
    assert with_chinese_numerals("奇瑞项目在哪里") == "奇瑞项目在哪里"


def test_按职务问到场的人和问哪一位都是问人():
    assert route("区政协第九次常委会议，出席的区政协副主席有哪些？", set()).kind == "meeting"
    assert route("那场座谈会，台上具体主持的是哪一位？", set()).role == "chair"


def test_问某天的会见_不拿报道里另一天的会见来答():
    from qa.answer.from_text import _dated_elsewhere
    from qa.answer.select import ASKS_OTHER_PARTY, Passage
    from qa.answer.when import question_window

    asked = question_window("2024年3月8日区长会见的是哪位客人？")
    later = Passage("a", "区长会见远帆集团客人", "前天下午，区长刘海川会见了远帆集团董事长夏侯明一行。", 1, dt.date(2024, 3, 27), "x", 0)
    same = Passage("b", "区长会见海丰集团客人", "昨日下午，区长刘海川会见了海丰集团董事长欧阳明一行。", 2, dt.date(2024, 3, 9), "x", 1)
    assert _dated_elsewhere(later, asked) and not _dated_elsewhere(same, asked)
    assert ASKS_OTHER_PARTY.search("区长会见的是哪位客人？")


def test_问企业做什么_说它主要生产什么的句子才算回答():
    from qa.answer.from_text import _ASKS_MAKES, _SAYS_MAKES

    assert _ASKS_MAKES.search("海丰织造这家企业是做什么产品的？") and _ASKS_MAKES.search("What will the new base make?")
    assert _SAYS_MAKES.search("公司主要生产无缝针织运动服和医用弹力绷带。")
    assert not _SAYS_MAKES.search("海丰织造有限公司董事长夏侯明作为企业代表发言。")


def test_干到什么位置_在哪个街道当书记_管什么的都是问职务():
    for q in ("到了2024年秋天，郦文澜已经干到什么位置了？", "钟离秀2024年在哪个街道当书记？", "夏侯明在我们区是管什么的领导？"):
        assert route(q, {"郦文澜", "钟离秀", "夏侯明"}).kind == "person_role", q
