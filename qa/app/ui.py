"""The Gradio app: chat with cited answers beside a source panel, the meetings browser, adding issues.

Everything it shows comes from the engine, catalog and meeting store it is given;
presentation lives in `qa.app.render`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import gradio as gr
import pandas as pd

from qa.answer.engine import AnswerEngine
from qa.answer.models import Answer
from qa.app import api_input, render
from qa.app.indexer import ArchiveIndexer
from qa.catalog import Catalog
from qa.date_input import BadDate, parse_period
from qa.errors import BadQuestion, IngestCancelled, QAError
from qa.meetings.store import MeetingStore
from qa.settings import ServerSettings

log = logging.getLogger(__name__)

API_NAME = "ask"
# The chat and /ask share one lane of `answer_concurrency` answers at a time (settings.server): answers
# share no state, conversation turns live in each session's gr.State, and only calls into one model
# instance (embedder, local LLM) wait for each other, behind that model's own lock.
ANSWER_QUEUE = "answers"
ANSWER_CONCURRENCY = ServerSettings.model_fields["answer_concurrency"].default
# Shown instead of an unexpected exception: its text is for the log, not for readers.
INTERNAL_ERROR = "内部错误：这一问没有答成。请换个说法或稍后再试；问题持续时请告诉管理员（服务日志中有详细错误）。"
# Uploaded files gradio keeps in its temp folder and nobody confirmed: swept hourly.
UPLOAD_CACHE_SWEEP = (3600, 3600)

EXAMPLES = [
    "奇瑞项目推进工作专题会有哪些领导出席？",
    "王宝善出席过哪些会议？",
    "孙杰2023年任什么职务？",
    "德国ITEM项目一年加工铝型材多少吨？",
    "第2415期是哪天出版的？",
]

# One document-level listener turns clicks on citation links (in chat bubbles, the source
# panel, a person's meetings) into a click event of the hidden opener, carrying the link's key.
OPENER_JS = """
window.__qaOpen = (key) => { props.value = key; trigger('click'); };
if (!window.__qaOpenerInstalled) {
  window.__qaOpenerInstalled = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#cite-"], a[href^="#open-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    window.__qaOpen(link.getAttribute('href').slice(1));
  }, true);
}
"""

# Scroll only the panel to the highlighted sentence: scrollIntoView would move the whole page.
SCROLL_TO_MARK_JS = """
watch('value', () => {
  const hit = element.querySelector('mark.qa-hit');
  if (!hit) return;
  let box = hit.parentElement;
  while (box && box !== document.body && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
  if (!box || box === document.body) return;
  box.scrollTop += hit.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
});
"""

CSS = """
.qa-note { color: var(--body-text-color-subdued); padding: 0.5em 0.25em; }
.qa-sources-head { font-weight: 600; margin-bottom: 0.2em; }
.qa-sources-q { color: var(--body-text-color-subdued); font-size: 0.9em; margin-bottom: 0.4em; }
.qa-src-list { list-style: none; padding-left: 0; margin: 0; }
.qa-src { border-left: 3px solid var(--border-color-primary); padding: 0.3em 0.6em; margin-bottom: 0.5em; }
.qa-src-active { border-left-color: var(--color-accent); background: var(--background-fill-secondary); }
.qa-src-link { font-weight: 600; text-decoration: none; }
.qa-n { color: var(--color-accent); }
.qa-meta { color: var(--body-text-color-subdued); font-size: 0.85em; }
.qa-quote { margin: 0.3em 0 0 0; padding-left: 0.6em; border-left: 2px solid #e5c07b; font-size: 0.9em; }
.qa-article { line-height: 1.8; }
.qa-article p { text-indent: 2em; margin: 0.4em 0; }
.qa-article-title { margin-bottom: 0.1em; }
.qa-article-sub { font-weight: 600; color: var(--body-text-color-subdued); }
.qa-source { font-family: var(--font-mono); font-size: 0.9em; }
mark.qa-hit { background: #ffe066; padding: 0 2px; border-radius: 2px; }
mark.qa-other { background: #fff5cc; }
.qa-table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
.qa-table th, .qa-table td {
  border-bottom: 1px solid var(--border-color-primary); padding: 0.25em 0.5em; text-align: left;
}
.qa-warn { color: #b45309; }
#qa-filter-status { font-size: 0.9em; }
"""


@dataclass
class Access:
    """Who may add issues: everyone without a login; with a login, only the admins."""

    login: bool = False
    admins: list[str] = field(default_factory=list)

    def may_add(self, user: str | None) -> bool:
        return not self.login or (user is not None and user in self.admins)


def _date(text: str | None, *, end: bool) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_period(text, end=end)
    except BadDate as exc:
        raise BadQuestion(str(exc)) from None


def _issue_window(issue) -> tuple[dt.date, dt.date, str]:
    """The dates that stand for one issue: its publication day and the day before.

    The engine filters by date only; reports of 昨日 meetings carry the day before
    publication, so the bare publication day would hide them.
    """
    if issue is None or issue.date is None:
        raise BadQuestion("所选的这一期没有出版日期，无法按期筛选：请改用日期范围。")
    start = issue.date - dt.timedelta(days=1)
    label = render.issue_label(issue.issue_no, issue.date, issue.date_inferred)
    return start, issue.date, f"筛选：{label}（按日期 {start} 至 {issue.date}）"


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def _discard_upload(path: str | None) -> None:
    """Delete an uploaded file from gradio's temp folder once it is used or refused (only there: never a kept file)."""
    if not path:
        return
    try:
        folder = Path(gr.utils.get_upload_folder()).resolve()
        file = Path(path).resolve()
        if folder in file.parents:
            file.unlink(missing_ok=True)
            if file.parent != folder and not any(file.parent.iterdir()):
                file.parent.rmdir()  # gradio keeps each upload in a folder of its own
    except OSError:
        log.debug("could not remove upload %s", path, exc_info=True)


class ArchiveApp:
    """The app's handlers over one engine, catalog and meeting store; `build()` lays them out."""

    def __init__(self, engine: AnswerEngine, catalog: Catalog, meetings: MeetingStore, *,
                 indexer: ArchiveIndexer | None = None, access: Access | None = None, examples: list[str] = EXAMPLES,
                 answer_concurrency: int = ANSWER_CONCURRENCY):
        self.engine, self.catalog, self.meetings = engine, catalog, meetings
        self.indexer, self.access, self.examples = indexer, access or Access(), examples
        self.answer_concurrency = answer_concurrency

    # -- filters -----------------------------------------------------------------------------------
    def issue_choices(self) -> list[tuple[str, str]]:
        choices = [("全部期次", "")]
        for issue in reversed(self.catalog.issues(articles=False)):
            choices.append((render.issue_label(issue.issue_no, issue.date, issue.date_inferred), issue.source))
        return choices

    def _filters(self, date_from: str, date_to: str, issue_source: str) -> tuple[dt.date | None, dt.date | None, str]:
        """Dates for the engine and a note saying what was applied; an issue stands for its publication date."""
        if issue_source:
            issue = self.catalog.issue_by_source(issue_source)
            return _issue_window(issue)
        start, end = _date(date_from, end=False), _date(date_to, end=True)
        if start and end and start > end:
            raise BadQuestion(f"起始日期 {start} 晚于结束日期 {end}：请调换。")
        if not (start or end):
            return None, None, ""
        return start, end, f"筛选：{start or '不限'} 至 {end or '不限'}"

    def filter_status(self, date_from: str, date_to: str, issue_source: str) -> str:
        try:
            _, _, note = self._filters(date_from, date_to, issue_source)
        except BadQuestion as exc:
            return f"⚠ {render.md_literal(exc)}"
        return f"下一问{note}" if note else "下一问不加筛选（全部期次）"

    # -- chat --------------------------------------------------------------------------------------
    def chat(self, question: str, messages: list, turns: list[Answer], date_from: str, date_to: str, issue_source: str):
        """Stream the answer into the chat; when done, list its sources beside the chat."""
        messages = list(messages or [])
        question = (question or "").strip()
        engine = self.engine  # one engine per answer, even if an upload swaps it meanwhile
        turn = len(turns)
        asked = [*messages, {"role": "user", "content": render.md_literal(question)}]
        try:
            start, end, note = self._filters(date_from, date_to, issue_source)
            pieces = engine.stream(question, history=turns, date_from=start, date_to=end)
            yield "", [*asked, {"role": "assistant", "content": "正在查阅报纸……"}], turns, gr.skip(), gr.skip()
            for text, answer in pieces:
                if answer is None:
                    bubble = {"role": "assistant", "content": render.answer_markdown(text, turn)}
                    yield "", [*asked, bubble], turns, gr.skip(), gr.skip()
        except BadQuestion as exc:
            gr.Warning(render.esc(exc), title="提示")  # the toast renders HTML; the message may quote what was typed
            yield question, messages, turns, gr.skip(), gr.skip()
            return
        except QAError as exc:
            failed = {"role": "assistant", "content": f"⚠ {render.md_literal(exc)}"}
            yield "", [*asked, failed], turns, gr.skip(), gr.skip()
            return
        except Exception:  # noqa: BLE001 - an unexpected error is logged; the reader gets words, not a traceback
            log.exception("chat failed on %r", question)
            failed = {"role": "assistant", "content": f"⚠ {render.md_literal(INTERNAL_ERROR)}"}
            yield "", [*asked, failed], turns, gr.skip(), gr.skip()
            return
        turns = [*turns, answer]
        final = {"role": "assistant", "content": render.chat_message(answer, turn, note)}
        yield "", [*asked, final], turns, self._sources(turns, turn), render.EMPTY_ARTICLE

    def _items(self, answer: Answer, nearest: bool) -> list[render.SourceItem]:
        items = []
        for c in answer.nearest if nearest else answer.citations:
            found = self.catalog.article(c.article_id)
            issue, article = found if found else (None, None)
            items.append(render.SourceItem(c, article.byline if article else [], article.kind if article else "article",
                                           bool(issue and issue.date_inferred)))
        return items

    def _sources(self, turns: list[Answer], turn: int, active: int | None = None) -> str:
        answer = turns[turn]
        abstained = answer.mode == "abstain"
        return render.sources_html(answer.question, turn, self._items(answer, abstained), abstained=abstained,
                                   active=active, nearest=abstained)

    def open_link(self, key: str, turns: list[Answer]):
        """A clicked citation opens its article in the chat's panel; a meeting link opens it in the 会议 tab."""
        key = key or ""
        if key.startswith("cite-"):
            return (*self._open_citation(key, turns), gr.skip())
        if key.startswith("open-"):
            meeting_id, _, person = unquote(key[len("open-"):]).partition("|")
            return gr.skip(), gr.skip(), self._meeting_article(meeting_id, person or None)
        return gr.skip(), gr.skip(), gr.skip()

    def _open_citation(self, key: str, turns: list[Answer]) -> tuple[str, str]:
        try:
            _, turn, kind, n = key.split("-")
            turn, n = int(turn), int(n)
            answer = turns[turn]
        except (ValueError, IndexError):
            return gr.skip(), render.article_missing(key)
        items = answer.nearest if kind == "a" else answer.citations
        cited = next((c for c in items if c.n == n), None)
        if cited is None:
            return gr.skip(), render.article_missing(key)
        found = self.catalog.article(cited.article_id)
        if found is None:
            return gr.skip(), render.article_missing(cited.article_id)
        others = [c.quote for c in items if c.article_id == cited.article_id and c.n != n]
        sources = render.sources_html(answer.question, turn, self._items(answer, kind == "a"),
                                      abstained=answer.mode == "abstain", active=n, nearest=kind == "a")
        return sources, render.article_html(*found, quote=cited.quote, others=others)

    def clear(self):
        return [], [], render.EMPTY_SOURCES, render.EMPTY_ARTICLE

    # -- API ---------------------------------------------------------------------------------------
    def api_answer(self, question: str, date_from: str = "", date_to: str = "", issue_no: int | None = None,
                   history: list[dict] | None = None) -> dict:
        """One cited answer: the `qa ask --json` object plus `nearest` and `focus`.

        Pass the earlier results of a conversation as `history` for follow-ups. Bad input of
        any shape comes back as an error with a Chinese message saying what to send.
        """
        try:
            question = api_input.question_text(question)
            number = api_input.issue_number(issue_no)
            if number:
                issue = self.catalog.issue_by_no(number, articles=False)
                if issue is None:
                    raise BadQuestion(f"库中没有第{number}期。")
                start, end, _ = _issue_window(issue)
            else:
                start, end, _ = self._filters(api_input.date_text(date_from, "date_from"),
                                              api_input.date_text(date_to, "date_to"), "")
            earlier = api_input.earlier_turns(history)
            answer = self.engine.ask(question, history=earlier, date_from=start, date_to=end)
        except QAError as exc:
            raise gr.Error(str(exc)) from None
        except Exception:  # noqa: BLE001 - logged; the client gets words, not internals
            log.exception("/ask failed on %r", question)
            raise gr.Error(INTERNAL_ERROR) from None
        return {**answer.contract(), "nearest": [c.model_dump() for c in answer.nearest], "focus": answer.focus}

    # -- meetings ----------------------------------------------------------------------------------
    def people(self) -> list[str]:
        return self.meetings.person_names()

    def meeting_table(self, person: str | None, date_from: str, date_to: str):
        """The meetings table for a person and dates, the row → meeting ids, a summary and the person's profile."""
        person = "".join((person or "").split()) or None
        try:
            start, end = _date(date_from, end=False), _date(date_to, end=True)
        except BadQuestion as exc:
            gr.Warning(render.esc(exc), title="提示")
            return gr.skip(), gr.skip(), f"⚠ {render.md_literal(exc)}", gr.skip(), gr.skip()
        found = self.meetings.meetings(person=person, date_from=start, date_to=end)
        table = pd.DataFrame([render.meeting_row(m) for m in found], columns=render.MEETING_HEADERS)
        profile = render.profile_html(self.meetings.person(person), person) if person else ""
        return (table, [m.id for m in found], render.meetings_summary(len(found), person, start, end), profile,
                render.EMPTY_MEETING_ARTICLE)

    def open_row(self, ids: list[str], person: str | None, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not ids or row is None or row >= len(ids):
            return gr.skip()
        return self._meeting_article(ids[row], "".join((person or "").split()) or None)

    def _meeting_article(self, meeting_id: str, person: str | None) -> str:
        meeting = self.meetings.meeting(meeting_id)
        if meeting is None:
            return render.article_missing(meeting_id)
        found = self.catalog.article(meeting.article_id)
        if found is None:
            return render.article_missing(meeting.article_id)
        mine = [a.evidence.quote for a in meeting.attendances if a.person == person]
        quote = mine[0] if mine else meeting.name_evidence.quote
        return render.article_html(*found, quote=quote, others=mine[1:])

    # -- adding issues -----------------------------------------------------------------------------
    def on_load(self, request: gr.Request):
        """Per visitor: who is signed in, whether they may add issues, and the current issues and people."""
        user = _user(request)
        allowed = self.indexer is not None and self.access.may_add(user)
        if self.indexer is None:
            notice = "此服务未开启导入。"
        elif not allowed:
            notice = f"只有管理员可以导入新一期（当前用户：{user}）。请用管理员账号登录。"
        else:
            notice = ""
        who = f"已登录：{user}" if user else ""
        return (gr.update(visible=allowed), gr.update(value=notice, visible=bool(notice)), who,
                gr.update(choices=self.issue_choices()), gr.update(choices=self.people()))

    def preview_upload(self, path: str | None, request: gr.Request):
        if not self._may_add(request) or not path:
            _discard_upload(path)
            return "", gr.update(interactive=False)
        try:
            issue = self.indexer.preview(path, Path(path).name)
        except QAError as exc:
            _discard_upload(path)  # refused: the user picks another file
            return f'<p class="qa-warn">⚠ {render.esc(exc)}</p>', gr.update(interactive=False)
        return render.parse_html(issue, Path(path).name), gr.update(interactive=bool(issue.articles))

    def add_issue(self, path: str | None, request: gr.Request, progress=gr.Progress()):
        """Index the uploaded issue with a progress bar; afterwards questions see it."""
        if not self._may_add(request):
            _discard_upload(path)
            raise gr.Error("只有管理员可以导入新一期。", title="无法导入")
        if not path:
            raise gr.Error("请先选择要导入的文件。", title="无法导入")
        known = {issue.source: issue.sha256 for issue in self.catalog.issues(articles=False)}
        try:
            added = self.indexer.add(path, Path(path).name, known, lambda f, m: progress(f, desc=m))
        except IngestCancelled:
            # asked for by the user: said as an outcome, not raised as an error
            done = (f"已取消导入「{render.md_literal(Path(path).name)}」：库中没有留下这个文件的任何内容，"
                    "已有的期次不受影响。需要时重新上传即可。")
            return done, gr.update(interactive=False), gr.skip(), gr.skip()
        except QAError as exc:
            raise gr.Error(render.esc(exc), title="无法导入") from None  # the modal renders HTML; file names are user text
        except Exception:  # noqa: BLE001 - logged; the message must not show server paths or internals
            log.exception("upload of %s failed", Path(path).name)
            raise gr.Error("导入失败：内部错误，库中没有留下这个文件的任何内容。请稍后重试；问题持续时请告诉管理员。",
                           title="无法导入") from None
        finally:
            _discard_upload(path)
        self.engine = added.engine
        r = added.report
        label = render.issue_label(added.issue.issue_no, added.issue.date, added.issue.date_inferred)
        # The kept file's name only: where the server keeps it is none of the reader's business.
        done = (f"✅ 已导入 {label}（{len(added.issue.articles)}篇，写入 {r.chunks_written} 段，用时 {r.seconds:.1f} 秒），"
                f"现在即可提问。文件已存入档案：{render.md_literal(added.path.name)}。")
        issues, people = gr.update(choices=self.issue_choices()), gr.update(choices=self.people())
        return done, gr.update(interactive=False), issues, people

    def cancel_upload(self, request: gr.Request):
        """Stop the running upload between two batches of its embedding; it is then taken back whole."""
        if not self._may_add(request):
            return gr.skip()
        if self.indexer.cancel():
            return "正在取消导入：当前这一批写完就停（几秒内），库中不会留下这个文件的任何内容。"
        return "现在没有正在进行的导入。"

    def _may_add(self, request: gr.Request | None) -> bool:
        return self.indexer is not None and self.access.may_add(_user(request))

    # -- layout ------------------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        with gr.Blocks(title="新即墨报纸问答", analytics_enabled=False, delete_cache=UPLOAD_CACHE_SWEEP) as demo:
            with gr.Row():
                gr.Markdown("## 新即墨报纸问答\n用中文提问，答案中的每一处 [n] 都指向报纸原文（期次、日期、文章与原句）。")
                who = gr.Markdown(elem_id="qa-who")
            turns = gr.State([])
            with gr.Tabs():
                with gr.Tab("问答", id="chat"):
                    chat = self._chat_tab(turns)
                with gr.Tab("会议", id="meetings"):
                    meet = self._meetings_tab()
                with gr.Tab("导入新一期", id="upload"):
                    up = self._upload_tab()

            opener = gr.HTML("", html_template="<span></span>", js_on_load=OPENER_JS, visible="hidden",
                             elem_id="qa-opener")
            opener.click(self.open_link, [opener, turns], [chat["sources"], chat["article"], meet["article"]],
                         api_visibility="private", show_progress="hidden")
            up["confirm"].click(self.add_issue, [up["file"]],
                                [up["result"], up["confirm"], chat["issue"], meet["person"]],
                                concurrency_id="ingest", concurrency_limit=1, api_visibility="private")
            # unqueued: it must run while the upload holds the ingest queue
            up["stop"].click(self.cancel_upload, None, up["result"], queue=False, api_visibility="private")
            demo.load(self.on_load, None, [up["panel"], up["notice"], who, chat["issue"], meet["person"]],
                      api_visibility="private")
            demo.load(**meet["query"])
            gr.api(self.api_answer, api_name=API_NAME, concurrency_id=ANSWER_QUEUE,
                   concurrency_limit=self.answer_concurrency)
        return demo

    def _chat_tab(self, turns: gr.State):
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="对话", height=500, elem_id="qa-chat", feedback_options=None, buttons=["copy"],
                    examples=[{"text": q} for q in self.examples],
                    placeholder="向新即墨报纸提问：会议、人物、项目、数字、日期……",
                )
                with gr.Row():
                    question = gr.Textbox(placeholder="例如：奇瑞项目推进工作专题会有哪些领导出席？", show_label=False,
                                          scale=5, elem_id="qa-question", max_lines=4, submit_btn=False)
                    send = gr.Button("提问", variant="primary", scale=1, elem_id="qa-send")
                with gr.Accordion("筛选（作用于下一问）", open=False):
                    with gr.Row():
                        date_from = gr.Textbox(label="起始日期", placeholder="2021-11-01 或 2023", elem_id="qa-from")
                        date_to = gr.Textbox(label="结束日期", placeholder="2024-05-31 或 2024", elem_id="qa-to")
                        issue = gr.Dropdown(label="期次", choices=[("全部期次", "")], value="", elem_id="qa-issue")
                    with gr.Row():
                        status = gr.Markdown("下一问不加筛选（全部期次）", elem_id="qa-filter-status")
                        reset = gr.Button("清除筛选", size="sm", scale=0)
                clear = gr.Button("新对话", size="sm", elem_id="qa-clear")
            with gr.Column(scale=2):
                sources = gr.HTML(render.EMPTY_SOURCES, elem_id="qa-sources", max_height=260, container=True,
                                  padding=True, label="来源")
                article = gr.HTML(render.EMPTY_ARTICLE, elem_id="qa-article", max_height=480, container=True,
                                  padding=True, js_on_load=SCROLL_TO_MARK_JS, label="原文")

        ask = dict(fn=self.chat, inputs=[question, chatbot, turns, date_from, date_to, issue],
                   outputs=[question, chatbot, turns, sources, article], concurrency_id=ANSWER_QUEUE,
                   concurrency_limit=self.answer_concurrency, api_visibility="private", show_progress="minimal")
        gr.on([question.submit, send.click], **ask)
        chatbot.example_select(_example_text, None, question, api_visibility="private",
                               queue=False).then(**ask)
        gr.on([clear.click, chatbot.clear], self.clear, None, [chatbot, turns, sources, article],
              api_visibility="private", queue=False)
        gr.on([date_from.change, date_to.change, issue.change], self.filter_status, [date_from, date_to, issue], status,
              api_visibility="private", queue=False, show_progress="hidden")
        reset.click(lambda: ("", "", ""), None, [date_from, date_to, issue], api_visibility="private", queue=False)
        return {"sources": sources, "article": article, "issue": issue}

    def _meetings_tab(self):
        ids = gr.State([])
        with gr.Row():
            person = gr.Dropdown(label="人物", choices=[], value=None, allow_custom_value=True, filterable=True,
                                 elem_id="qa-person", scale=2)
            date_from = gr.Textbox(label="起始日期", placeholder="2023 或 2023-02-01", elem_id="qa-m-from", scale=1)
            date_to = gr.Textbox(label="结束日期", placeholder="2024-12-31", elem_id="qa-m-to", scale=1)
            go = gr.Button("查询", variant="primary", elem_id="qa-m-go", scale=0)
        summary = gr.Markdown(elem_id="qa-m-summary")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                table = gr.Dataframe(headers=render.MEETING_HEADERS, interactive=False, wrap=True,
                                     elem_id="qa-meetings", max_height=520,
                                     column_widths=["12%", "26%", "13%", "9%", "27%", "13%"])
                profile = gr.HTML("", elem_id="qa-profile", label="人物")
            with gr.Column(scale=2):
                article = gr.HTML(render.EMPTY_MEETING_ARTICLE, elem_id="qa-m-article", max_height=640,
                                  container=True, padding=True, js_on_load=SCROLL_TO_MARK_JS, label="原文")
        query = dict(fn=self.meeting_table, inputs=[person, date_from, date_to],
                     outputs=[table, ids, summary, profile, article], api_visibility="private")
        gr.on([go.click, person.change, date_from.submit, date_to.submit], **query)
        table.select(self.open_row, [ids, person], article, api_visibility="private")
        return {"person": person, "article": article, "query": query}

    def _upload_tab(self):
        notice = gr.Markdown(visible=False, elem_id="qa-upload-notice")
        with gr.Column(visible=False) as panel:
            gr.Markdown("上传一期报纸的文本文件（.txt，UTF-8 或 GBK）。先检查解析结果，确认后写入索引，随即可以提问。")
            upload = gr.File(label="报纸文本", file_types=[".txt", ".md"], type="filepath", elem_id="qa-upload")
            preview = gr.HTML("", elem_id="qa-parse")
            with gr.Row():
                confirm = gr.Button("确认导入并建立索引", variant="primary", interactive=False, elem_id="qa-confirm")
                stop = gr.Button("取消导入", variant="stop", elem_id="qa-cancel-upload", scale=0)
            result = gr.Markdown(elem_id="qa-upload-result")
        upload.upload(self.preview_upload, [upload], [preview, confirm], api_visibility="private")
        upload.clear(lambda: ("", gr.update(interactive=False)), None, [preview, confirm], api_visibility="private")
        return {"panel": panel, "notice": notice, "file": upload, "confirm": confirm, "stop": stop, "result": result}


def _example_text(evt: gr.SelectData) -> str:
    return evt.value["text"]


def build_app(engine: AnswerEngine, catalog: Catalog, meetings: MeetingStore, *, indexer: ArchiveIndexer | None = None,
              access: Access | None = None, examples: list[str] = EXAMPLES,
              answer_concurrency: int = ANSWER_CONCURRENCY) -> gr.Blocks:
    """The Blocks app over the given engine, catalog and meeting store; `answer_concurrency` answers at a time."""
    return ArchiveApp(engine, catalog, meetings, indexer=indexer, access=access, examples=examples,
                      answer_concurrency=answer_concurrency).build()
