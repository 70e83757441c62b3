"""The app in a real headless Chromium (Debian's, via Playwright): ask, cite, read, browse meetings, add an issue."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from app_support import CHROMIUM, CHROMIUM_ARGS, ROOT, app_index, free_port

pytestmark = pytest.mark.slow

SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHERY_QUESTION = "哪些领导出席了奇瑞项目推进工作专题会？"
CHERY_QUOTE = "区委副书记、区长张元升，区人大常委会主任辛启鑫，区政协主席于澎出席会议。"

NEW_ISSUE = """中共青岛市即墨区委 青岛市即墨区人民政府 主办

2025年3月12日 农历二月十三 星期三 第3120期

## 即墨古城保护利用工作推进会召开

韩世军出席会议

昨日上午，即墨古城保护利用工作推进会召开，研究部署古城墙修缮和街区业态提升工作。区委书记韩世军出席会议并讲话。副区长毕安传主持会议。

会议指出，要统筹推进古城墙修缮工程，今年完成修缮长度1200米，打造集文化展示、休闲旅游于一体的历史文化街区。(王静)
"""


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory, seed_settings):
    return app_index(tmp_path_factory.mktemp("app_browser_index"), seed_settings)


def _serve(settings, login=False, admins=(), auth=()):
    from qa.app.serve import launch, make_app

    return launch(make_app(settings, login=login, admins=admins), port=free_port(), auth=auth, block=False, quiet=True)


@pytest.fixture(scope="module")
def app_url(app_settings):
    running = _serve(app_settings)
    yield running.url
    running.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: make test installs it (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh page that fails the test if it requests anything but the loopback app."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside: list[str] = []

    def watch(request) -> None:
        if request.url.startswith(("data:", "blob:")):
            return
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    page.on("request", watch)
    yield page
    context.close()
    assert not outside, f"the page tried to reach the network: {outside}"


def _wait_for_turn(page, turn: int) -> None:
    """Wait until the source panel shows turn `turn`; on a timeout, say what the page showed instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator("#qa-sources .qa-note, #qa-sources .qa-sources-q", has_text=f"第{turn}问").first.wait_for()
    except PlaywrightTimeout:
        shown = {sel: page.locator(sel).inner_text() for sel in ("#qa-chat", "#qa-sources", "#qa-question textarea")}
        raise AssertionError(f"the source panel never showed 第{turn}问; the page showed {shown}") from None


def _ask(page, question: str) -> str:
    """Type a question, send it, and wait for the finished answer (the source panel names this turn)."""
    turn = page.locator("#qa-chat [data-testid=user]").count() + 1
    page.locator("#qa-question textarea").fill(question)
    page.locator("#qa-send").click()
    _wait_for_turn(page, turn)
    return page.locator("#qa-chat [data-testid=bot]").last.inner_text()


def _click_until_turn(page, link, turn: int, tries: int = 3) -> None:
    """Click a citation until the source panel shows its turn: a click that lands while the chat is still
    re-rendering the newest answer can be lost, as it can for a user, who clicks again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries - 1):
        _click(link)
        try:
            page.locator("#qa-sources .qa-note, #qa-sources .qa-sources-q", has_text=f"第{turn}问").first.wait_for(
                timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    _click(link)
    _wait_for_turn(page, turn)


def _click(link) -> None:
    # the chat may still be scrolling to its newest message: bring the link to rest first
    link.scroll_into_view_if_needed()
    link.click()


def test_提问后点击引用看到高亮原句_会议页按王宝善筛选(page, app_url):
    page.goto(app_url, wait_until="load")
    answer = _ask(page, CHERY_QUESTION)
    for name in ("张元升", "辛启鑫", "于澎"):
        assert name in answer
    assert "[1]" in answer
    sources = page.locator("#qa-sources")
    assert "韩世军主持召开奇瑞项目推进工作专题会" in sources.inner_text()
    assert "第2415期 · 2021年11月4日" in sources.inner_text()

    page.locator("#qa-chat a[href='#cite-0-c-1']").click()
    hit = page.locator("#qa-article mark.qa-hit")
    hit.wait_for()
    assert hit.inner_text() == CHERY_QUOTE
    assert page.locator("#qa-article h3").inner_text() == "韩世军主持召开奇瑞项目推进工作专题会"
    assert "qa-src-active" in page.locator("#qa-sources li").first.get_attribute("class")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    page.get_by_role("tab", name="会议").click()
    person = page.locator("#qa-person input")
    person.click()
    person.fill("王宝善")
    person.press("Enter")
    page.locator("#qa-m-summary", has_text="人物：王宝善").wait_for()
    summary = page.locator("#qa-m-summary").inner_text()
    count = int(re.search(r"共 (\d+) 次", summary).group(1))
    assert count >= 5
    table = page.locator("#qa-meetings").inner_text()
    for meeting in ("第88次工作例会", "深度行", "全区重点项目现场观摩会", "激励干部担当作为", "全市党建引领基层治理工作会议"):
        assert meeting in table
    assert "奇瑞项目推进工作专题会议" not in table  # 王宝善 was not there
    profile = page.locator("#qa-profile").inner_text()
    assert "区人大常委会主任" in profile and f"参加的会议或活动（{count}）" in profile

    page.locator("#qa-meetings [data-testid=cell-0-1]").click()
    hit = page.locator("#qa-m-article mark.qa-hit")
    hit.wait_for()
    assert "王宝善" in hit.inner_text()
    assert "第88次工作例会" in page.locator("#qa-m-article h3").inner_text()


def test_多轮对话中早先的引用仍指向原文_找不到时如实说明(page, app_url):
    page.goto(app_url, wait_until="load")
    first = _ask(page, "奇瑞项目推进工作专题会议由谁主持？")
    assert "韩世军" in first
    follow = _ask(page, "还有哪些领导出席了？")
    assert all(name in follow for name in ("张元升", "辛启鑫", "于澎"))
    missing = _ask(page, "哪支队伍获得了即墨区少先队鼓号操大赛冠军？")
    assert missing.startswith("未在报纸中找到")
    assert "最接近的报道" in page.locator("#qa-sources").inner_text()
    _click(page.locator("#qa-chat a[href^='#cite-2-a-']").first)
    page.locator("#qa-article h3", has_text="鼓号操大赛").wait_for()

    _click_until_turn(page, page.locator("#qa-chat a[href='#cite-0-c-1']"), 1)
    hit = page.locator("#qa-article mark.qa-hit")
    hit.wait_for()
    assert "韩世军主持会议并讲话" in hit.inner_text()


def test_日期筛选作用于下一问(page, app_url):
    page.goto(app_url, wait_until="load")
    page.get_by_text("筛选（作用于下一问）").click()
    page.locator("#qa-from textarea").fill("2023-01-01")
    page.locator("#qa-to textarea").fill("2024-12-31")
    page.locator("#qa-filter-status", has_text="2023-01-01 至 2024-12-31").wait_for()
    filtered = _ask(page, CHERY_QUESTION)
    assert "筛选：2023-01-01 至 2024-12-31" in filtered
    assert "第2415期" not in page.locator("#qa-sources").inner_text()  # the 2021 issue is outside the range
    page.get_by_role("button", name="清除筛选").click()
    page.locator("#qa-filter-status", has_text="不加筛选").wait_for()
    unfiltered = _ask(page, CHERY_QUESTION)
    assert "张元升" in unfiltered and "第2415期" in page.locator("#qa-sources").inner_text()


def test_上传新一期_检查解析_带进度导入后即可提问(page, app_url, tmp_path):
    issue_file = tmp_path / "gucheng.txt"
    issue_file.write_text(NEW_ISSUE, encoding="utf-8")
    page.goto(app_url, wait_until="load")
    page.get_by_role("tab", name="导入新一期").click()
    page.locator("#qa-upload input[type=file]").set_input_files(str(issue_file))
    parse = page.locator("#qa-parse")
    parse.locator("table").wait_for()
    assert "第3120期 · 2025-03-12" in parse.inner_text()
    assert "即墨古城保护利用工作推进会召开" in parse.inner_text() and "王静" in parse.inner_text()
    page.locator("#qa-confirm").click()
    page.locator("#qa-upload-result", has_text="已导入").wait_for(timeout=120_000)
    assert "第3120期" in page.locator("#qa-upload-result").inner_text()

    page.get_by_role("tab", name="问答").click()
    answer = _ask(page, "即墨古城保护利用工作推进会由谁主持？")
    assert "毕安传" in answer
    assert "第3120期" in page.locator("#qa-sources").inner_text()


def test_登录后只有管理员能导入(browser, app_settings):
    running = _serve(app_settings, login=True, admins=["editor"], auth=[("editor", "pw1"), ("reader", "pw2")])
    try:
        for user, password, may_add in (("editor", "pw1", True), ("reader", "pw2", False)):
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(running.url, wait_until="load")
            page.get_by_label("username").fill(user)
            page.get_by_label("password").fill(password)
            page.get_by_role("button", name="Login").click()
            page.locator("#qa-who", has_text=f"已登录：{user}").wait_for()
            page.get_by_role("tab", name="导入新一期").click()
            if may_add:
                page.locator("#qa-upload").wait_for()
            else:
                page.locator("#qa-upload-notice", has_text="只有管理员").wait_for()
                assert page.locator("#qa-upload").count() == 0 or not page.locator("#qa-upload").is_visible()
            context.close()
    finally:
        running.close()
