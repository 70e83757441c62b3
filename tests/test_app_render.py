"""The app's presentation and start-up pieces without a browser: links, highlighting, tables, access, qa serve."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from app_support import SEEDS, seed_cache
from qa.answer.models import Answer, Citation
from qa.app import render
from qa.corpus.models import Article, Issue
from qa.settings import Settings


def _issue(**kw) -> Issue:
    return Issue(source="seeds/x.txt", sha256="0", issue_no=2415, date=dt.date(2021, 11, 4), **kw)


def _article(body: str, **kw) -> Article:
    return Article(id="x-01", title="奇瑞项目推进工作专题会", body=body, raw=body, **kw)


def _cite(n: int, quote: str, title: str = "奇瑞项目推进工作专题会") -> Citation:
    return Citation(n=n, article_id="x-01", issue_no=2415, issue_date="2021-11-04", title=title, source="seeds/x.txt",
                    quote=quote)


def test_答案中的每个引用标记都成为指向本轮引用的链接():
    md = render.answer_markdown("出席的有：张元升、于澎。[1][2]", turn=3)
    assert md == "出席的有：张元升、于澎。[\\[1\\]](#cite-3-c-1)[\\[2\\]](#cite-3-c-2)"


def test_答案文字按原样显示_列表项保留():
    md = render.answer_markdown("据报纸记载：\n- 2021年11月3日 *第88次* <b>会</b>[1]", turn=0)
    assert md.startswith("据报纸记载：\n- 2021年11月3日 \\*第88次\\* \\<b\\>会\\</b\\>")
    assert md.endswith("[\\[1\\]](#cite-0-c-1)")


def test_未找到时列出最接近的文章并链接到原文():
    answer = Answer(question="冠军是谁？", answer="未在报纸中找到能回答该问题的报道。", mode="abstain",
                    nearest=[_cite(1, "日前，大赛举办。", "即墨区少先队鼓号操大赛举办")])
    md = render.chat_message(answer, turn=1, filters_note="筛选：2021-01-01 至 不限")
    assert "最接近的报道" in md and "(#cite-1-a-1)" in md and "鼓号操大赛举办" in md
    assert md.endswith("*筛选：2021-01-01 至 不限*")


def test_原文中支持答案的句子被高亮_跨段落与空白差异也能找到():
    body = "昨日上午，我区召开专题会议。\n区委副书记、区长张元升，区政协主席于澎出席会议。\n副区长毕安传参加会议。"
    html = render.article_html(_issue(), _article(body, byline=["吴超"]), quote="区政协主席 于澎出席会议。",
                               others=["副区长毕安传参加会议。"])
    assert '<mark class="qa-hit">区政协主席于澎出席会议。</mark>' in html
    assert '<mark class="qa-other">副区长毕安传参加会议。</mark>' in html
    assert html.count("<p>") == 3 and "第2415期 · 2021年11月4日" in html and "吴超" in html


def test_跨段落的引文在每段内分别高亮():
    html = render.article_html(_issue(), _article("甲乙丙\n丁戊己"), quote="丙\n丁")
    assert '甲乙<mark class="qa-hit">丙</mark></p><p><mark class="qa-hit">丁</mark>戊己' in html


def test_不在正文中的引文_如报头_单独显示():
    html = render.article_html(_issue(), _article("正文。"), quote="2021 年 11 月 4 日 第 2415 期")
    assert "引文：<mark class=\"qa-hit\">2021 年 11 月 4 日 第 2415 期</mark>" in html


def test_文章中的HTML被转义():
    html = render.article_html(_issue(), _article("<script>alert(1)</script>"), quote=None)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_会议表按角色列出与会者_主持单列_每种角色都列出():
    from qa.meetings.models import Attendance, Evidence, Meeting

    ev = Evidence(article_id="x-01", title="t", source="s", quote="q", start=0, end=1)
    people = [("韩世军", "chair"), ("张元升", "attendee"), ("于澎", "attendee"), ("毕安传", "participant"),
              ("褚洪涛", "observer")]
    meeting = Meeting(id="x-01#1", name="奇瑞项目推进工作专题会议", name_evidence=ev, date=dt.date(2021, 11, 3),
                      article_id="x-01", article_title="t", issue_no=2415, issue_date=dt.date(2021, 11, 4), source="s",
                      attendances=[Attendance(meeting_id="x-01#1", person=p, role=r, evidence=ev) for p, r in people])
    assert render.meeting_row(meeting) == ["2021-11-03", "奇瑞项目推进工作专题会议", "", "韩世军",
                                           "出席：张元升、于澎；参加：毕安传；列席：褚洪涛", "第2415期 · 2021年11月4日"]


def test_登录时只有管理员能导入_不登录时本机用户都能导入():
    from qa.app.ui import Access

    assert Access().may_add(None)
    assert Access(login=True, admins=["editor"]).may_add("editor")
    assert not Access(login=True, admins=["editor"]).may_add("reader")
    assert not Access(login=True).may_add("anyone")


def test_qa_serve参数错误和空索引时给出清楚提示(tmp_path):
    from qa.cli import main

    runner = CliRunner()
    env = {"QA_INDEX_DIR": str(tmp_path / "index"), "QA_SEEDS_DIR": str(SEEDS)}
    bad = runner.invoke(main, ["serve", "--auth", "nopassword"], env=env)
    assert bad.exit_code == 2 and "用户名:密码" in bad.output
    empty = runner.invoke(main, ["serve", "--no-index"], env=env)
    assert empty.exit_code == 1 and "qa ingest" in empty.output and "Traceback" not in empty.output


@pytest.mark.slow
def test_空索引时先导入seeds_再次启动不重复导入(tmp_path, seed_settings):
    from qa.app.serve import ensure_index, index_is_empty

    settings = Settings(index_dir=tmp_path / "index", seeds_dir=SEEDS, embedder={"cache_path": seed_cache(seed_settings)})
    assert index_is_empty(settings)
    report = ensure_index(settings, progress=False)
    assert report.ok and len(report.added) == len(list(SEEDS.glob("*.txt")))
    assert not index_is_empty(settings)
    assert ensure_index(settings, progress=False) is None
