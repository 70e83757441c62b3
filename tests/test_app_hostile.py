"""The app against hostile or careless input: Chinese messages, no live HTML, upload limits, logins that resist guessing."""

from __future__ import annotations

import re
from pathlib import Path

import gradio as gr
import pytest
from markdown_it import MarkdownIt

from app_support import app_index, free_port
from qa.app import render
from qa.app.indexer import ArchiveIndexer, DuplicateIssue, UploadRefused
from qa.app.logins import Logins, read_auth_file
from qa.app.ui import ArchiveApp
from qa.catalog import Catalog
from qa.errors import ConfigError
from qa.meetings.store import MeetingStore

# What Python, pydantic or sqlite say when they leak: none of it may reach a reader.
RAW = re.compile(r"Traceback|out of range for month|too large to convert|has no attribute|validation error|"
                 r"object at 0x|Error\(|Exception|sqlite3|/tmp/|index_store")

# An issue of the tests' own, in the paper's raw layout.
OWN_ISSUE = """2022年3月1日 农历正月廿九 星期二

第2500期

## 测试镇开展春季义务植树活动

3月1日上午，测试镇组织机关干部和志愿者开展春季义务植树活动，共栽种侧柏、国槐树苗500株。

活动现场，大家分工协作，挖坑、扶苗、培土、浇水，一派忙碌景象。

（张测试）
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory, seed_settings):
    from qa.answer.wiring import build_engine

    settings = app_index(tmp_path_factory.mktemp("hostile_app_index"), seed_settings)
    indexer = ArchiveIndexer(settings, lambda: build_engine(settings))
    archive = ArchiveApp(build_engine(settings), Catalog.open(settings.index_dir), MeetingStore.from_settings(settings),
                         indexer=indexer)
    archive.settings = settings
    return archive


def _api_error(app: ArchiveApp, **kwargs) -> str:
    kwargs.setdefault("question", "谁主持了奇瑞项目推进工作专题会？")
    with pytest.raises(gr.Error) as caught:
        app.api_answer(**kwargs)
    return caught.value.message


@pytest.mark.slow
@pytest.mark.parametrize("kwargs, says", [
    ({"history": [1, 2]}, "history 第1项应为先前 /ask 返回的对象"),
    ({"history": "上一问"}, "history 应为列表"),
    ({"history": [{"question": 5, "answer": []}]}, "应为文字"),
    ({"issue_no": 10**30}, "期号应为 1 到 99999 之间的整数"),
    ({"issue_no": "第2415期"}, "期号应为"),
    ({"date_from": "2023-02-30"}, "2023年2月没有30日"),
    ({"date_from": "2023-13"}, "没有13月"),
    ({"date_from": 2023}, "date_from 应为文字日期"),
    ({"date_from": "2024", "date_to": "2023"}, "晚于结束日期"),
    ({"question": 42}, "question 应为文字"),
], ids=["history-ints", "history-text", "history-types", "issue-huge", "issue-text", "day-30-feb", "month-13",
        "date-number", "reversed", "question-number"])
def test_接口对坏输入给出中文说明而不是Python错误(app, kwargs, says):
    message = _api_error(app, **kwargs)
    assert says in message
    assert not RAW.search(message), message


@pytest.mark.slow
def test_接口接受宽松的历史_模式不明时仍能追问(app):
    first = app.api_answer(question="2023年孙杰的职务是什么？")
    odd = {**first, "mode": "不存在的模式", "focus": {"person": "孙杰", "n": 3}}
    follow = app.api_answer(question="他还主持过哪些会议？", history=[odd])
    assert follow["question"] == "他还主持过哪些会议？" and follow["answer"]


def _live(markdown: str) -> str:
    """The HTML a CommonMark renderer makes of it (gradio renders Markdown in the browser the same way)."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


HOSTILE = ["<img src=http://198.51.100.7/x.png onerror=alert(1)>", "[点我](http://198.51.100.7/)",
           "![图](http://198.51.100.7/y.png)", "http://198.51.100.7/z", "<script>alert(1)</script>"]


@pytest.mark.slow
@pytest.mark.parametrize("text", HOSTILE)
def test_日期框和人物框中输入的文字按原样显示(app, text):
    status = app.filter_status(text, "", "")
    assert "无法识别的日期" in status
    html = _live(status)
    assert "<img" not in html and "<a " not in html and "<script" not in html and "://" not in status

    status = app.filter_status("2021", text, "")
    assert "<img" not in _live(status) and "<a " not in _live(status)

    _, _, summary, profile, _ = app.meeting_table(text, "", "")
    for shown in (_live(summary), profile):
        assert "<img" not in shown and "<a " not in shown and "<script" not in shown
    assert "://" not in summary

    _, _, summary, _, _ = app.meeting_table(None, text, "")
    assert "无法识别的日期" in summary and "<img" not in _live(summary) and "<a " not in _live(summary)


def test_Markdown转义后文字不变():
    text = "2021-11-04 <b>第88次</b> [链接](x) a@b.c *强调* #标题 | 表"
    assert MarkdownIt("commonmark").render(render.md_literal(text)).strip() == f"<p>{render.esc(text).replace('&#x27;', chr(39))}</p>"


@pytest.mark.slow
def test_上传超过大小或篇数上限时说明上限且不留下文件(app, tmp_path):
    indexer = ArchiveIndexer(app.settings.model_copy(update={"upload": app.settings.upload.model_copy(
        update={"max_bytes": 200, "max_articles": 1})}), lambda: app.engine)
    big = tmp_path / "big.txt"
    big.write_text(OWN_ISSUE * 3, encoding="utf-8")
    with pytest.raises(UploadRefused, match="超过导入上限") as caught:
        indexer.add(big, "big.txt", {})
    assert "upload.max_bytes" in str(caught.value) and not RAW.search(str(caught.value))

    indexer.settings = indexer.settings.model_copy(update={"upload": indexer.settings.upload.model_copy(
        update={"max_bytes": 1_000_000})})
    two = tmp_path / "two.txt"
    two.write_text(OWN_ISSUE + "\n## 第二篇报道标题\n\n测试镇召开安全生产工作会议，部署近期重点工作。\n", encoding="utf-8")
    with pytest.raises(UploadRefused, match="超过一期的上限 1 篇"):
        indexer.add(two, "two.txt", {})
    assert not indexer.uploads.exists() or not list(indexer.uploads.glob("*")), "nothing of a refused upload is kept"


@pytest.mark.slow
def test_上传后临时文件被删除_消息不含服务器路径_重复的期被拒(app, tmp_path, monkeypatch):
    temp = tmp_path / "gradio-temp"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(temp))
    (temp / "a1").mkdir(parents=True)
    upload = temp / "a1" / "2500.txt"
    upload.write_text(OWN_ISSUE, encoding="utf-8")
    quiet = lambda *a, **k: None  # noqa: E731 - the progress bar outside a gradio event

    done, *_ = app.add_issue(str(upload), None, quiet)
    assert "已导入 第2500期" in done
    assert not RAW.search(done) and str(app.settings.index_dir) not in done and "2500" in done
    assert not upload.exists() and not (temp / "a1").exists(), "gradio's temp copy is removed"
    kept = sorted((Path(app.settings.index_dir) / "uploads").glob("*"))
    assert [p.name for p in kept] == ["2500.txt"]

    (temp / "a2").mkdir()
    copy = temp / "a2" / "2500-gbk.txt"
    copy.write_bytes(OWN_ISSUE.replace("\n", "\r\n").encode("gb18030"))
    with pytest.raises(gr.Error) as caught:
        app.add_issue(str(copy), None, quiet)
    assert "同一期" in caught.value.message and "第2500期" in caught.value.message
    assert not RAW.search(caught.value.message)
    assert not copy.exists()
    assert sorted((Path(app.settings.index_dir) / "uploads").glob("*")) == kept
    assert app.catalog.issue_by_no(2500) is not None and len([i for i in app.catalog.issues() if i.issue_no == 2500]) == 1

    again = tmp_path / "again.txt"
    again.write_text(OWN_ISSUE, encoding="utf-8")
    with pytest.raises(DuplicateIssue):
        app.indexer.add(again, "again.txt", {})
    assert sorted((Path(app.settings.index_dir) / "uploads").glob("*")) == kept


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_登录连续失败后暂时锁定_等待后恢复():
    clock = Clock()
    logins = Logins([("editor", "正确的密码")], max_failures=3, lockout_s=60, clock=clock)
    assert logins("editor", "正确的密码")
    for _ in range(3):
        assert not logins("editor", "猜一猜")
    assert not logins("editor", "正确的密码"), "locked: even the right password waits"
    clock.now += 61
    assert logins("editor", "正确的密码")
    for _ in range(3):
        logins("editor", "猜")
    for _ in range(3):
        clock.now += 61
        logins("editor", "猜")
    clock.now += 61
    assert not logins("editor", "正确的密码"), "each further lock-out lasts longer"
    assert not logins("nobody", "x") and not logins("", "")


def test_密码可从文件或环境变量读取_不出现在命令行(tmp_path, monkeypatch):
    from qa.cli.serve import users_for
    from qa.settings import load_settings

    file = tmp_path / "users.txt"
    file.write_text("# 编辑部\neditor:s3cret:with:colons\n\nreader:pass\n", encoding="utf-8")
    file.chmod(0o600)
    settings = load_settings()
    assert users_for([], file, settings) == [("editor", "s3cret:with:colons"), ("reader", "pass")]
    monkeypatch.setenv("QA_SERVER__AUTH", '[["editor", "from-env"]]')
    assert users_for([], None, load_settings()) == [("editor", "from-env")]
    monkeypatch.setenv("QA_SERVER__AUTH_FILE", str(file))
    assert ("reader", "pass") in users_for([], None, load_settings())

    bad = tmp_path / "bad.txt"
    bad.write_text("editor:ok\nno-password-here\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="第 2 行应写成 用户名:密码") as caught:
        read_auth_file(bad)
    assert "no-password-here" not in str(caught.value)
    with pytest.raises(ConfigError, match="无法读取密码文件"):
        read_auth_file(tmp_path / "missing.txt")


@pytest.mark.slow
def test_网页登录连续输错后被锁定(monkeypatch):
    import httpx

    from qa.app.serve import launch

    with gr.Blocks() as demo:
        gr.Markdown("测试")
    running = launch(demo, port=free_port(), auth=Logins([("editor", "secret")], max_failures=3, lockout_s=60),
                     block=False, quiet=True)
    try:
        def login(password):
            return httpx.post(running.url + "login", data={"username": "editor", "password": password}).status_code

        assert login("secret") == 200
        assert [login("wrong") for _ in range(3)] == [400, 400, 400]
        assert login("secret") == 400
    finally:
        running.close()
