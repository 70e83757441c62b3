"""Presentation of answers, articles, meetings and parses as Markdown/HTML for the app (pure, no gradio).

Links the browser turns into events: `#cite-<turn>-<c|a>-<n>` opens a citation (c) or a
nearest article (a) of a turn; `#open-<meeting id>|<person>` opens a meeting's article.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import quote as urlquote

from qa.answer.models import Answer, Citation
from qa.corpus.models import Article, Issue
from qa.meetings.models import ROLE_LABELS, ROLES, Meeting, PersonProfile

MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
# Every ASCII punctuation mark may be backslash-escaped in Markdown; escaping them all also
# stops autolinks (`http\://`, `www\.`, `a\@b`), entities, tables and headings.
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")

MEETING_HEADERS = ["日期", "会议", "地点", "主持", "出席、参加等", "期次"]


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def cite_href(turn: int, n: int, nearest: bool = False) -> str:
    return f"#cite-{turn}-{'a' if nearest else 'c'}-{n}"


def meeting_href(meeting_id: str, person: str | None = None) -> str:
    return "#open-" + urlquote(f"{meeting_id}|{person or ''}", safe="")


def cn_day(value: dt.date | str | None) -> str:
    if not value:
        return "日期不详"
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日"


def issue_label(issue_no: int | None, issue_date: dt.date | str | None, inferred: bool = False) -> str:
    no = f"第{issue_no}期" if issue_no else "期号不详"
    return f"{no} · {cn_day(issue_date)}{'（推断）' if inferred and issue_date else ''}"


def md_text(text: str) -> str:
    """Text shown literally in Markdown; the engine's list bullets ("- 2021年…") stay bullets."""
    out = []
    for line in text.split("\n"):
        bullet = "- " if line.startswith("- ") else ""
        out.append(bullet + _MD_SPECIAL.sub(r"\\\1", line[len(bullet):]))
    return "\n".join(out)


def md_literal(text: object) -> str:
    """Text a user typed, shown in Markdown exactly as typed: no HTML, links, images or formatting come alive."""
    return _ASCII_PUNCT.sub(r"\\\1", str(text))


def answer_markdown(text: str, turn: int) -> str:
    """The answer text with every [n] as a link to citation n of this turn."""
    parts, last = [], 0
    for m in MARKER.finditer(text):
        parts.append(md_text(text[last:m.start()]))
        parts.append(f"[\\[{m.group(1)}\\]]({cite_href(turn, int(m.group(1)))})")
        last = m.end()
    parts.append(md_text(text[last:]))
    return "".join(parts)


def chat_message(answer: Answer, turn: int, filters_note: str = "") -> str:
    """The assistant's chat bubble: linked answer, the nearest articles when abstaining, the filters used."""
    body = answer_markdown(answer.answer, turn)
    if answer.mode == "abstain" and answer.nearest:
        items = [
            f"- [{md_text('《' + c.title + '》')}]({cite_href(turn, c.n, nearest=True)}) "
            f"{md_text(issue_label(c.issue_no, c.issue_date))}"
            for c in answer.nearest
        ]
        body += "\n\n最接近的报道：\n" + "\n".join(items)
    if filters_note:
        body += f"\n\n*{md_text(filters_note)}*"
    return body


@dataclass(frozen=True)
class SourceItem:
    """A cited article as the source panel lists it: the citation with its article's byline and issue."""

    citation: Citation
    byline: list[str]
    kind: str = "article"
    date_inferred: bool = False


def sources_html(question: str, turn: int, items: list[SourceItem], *, abstained: bool, active: int | None = None,
                 nearest: bool = False) -> str:
    """The source panel: the cited (or, when abstaining, nearest) articles of one turn."""
    if abstained and not items:
        return _panel_note(f"第{turn + 1}问：未在报纸中找到相关报道，也没有相近的文章。")
    head = "未在报纸中找到 · 最接近的报道" if abstained else f"引用来源 · {len(items)}处"
    rows = []
    for item in items:
        c = item.citation
        by = "、".join(item.byline) if item.byline else "未署名"
        kind = "图片说明 · " if item.kind == "caption" else ""
        cls = "qa-src qa-src-active" if active == c.n else "qa-src"
        rows.append(
            f'<li class="{cls}" data-n="{c.n}">'
            f'<a class="qa-src-link" href="{cite_href(turn, c.n, nearest)}">'
            f'<span class="qa-n">[{c.n}]</span> {esc(c.title)}</a>'
            f'<div class="qa-meta">{kind}{esc(issue_label(c.issue_no, c.issue_date, item.date_inferred))}'
            f" · {esc(by)}</div>"
            f'<blockquote class="qa-quote">{esc(c.quote)}</blockquote></li>'
        )
    return (
        f'<div class="qa-sources"><div class="qa-sources-head">{esc(head)}</div>'
        f'<div class="qa-sources-q">第{turn + 1}问：{esc(question)}</div>'
        f'<ol class="qa-src-list">{"".join(rows)}</ol></div>'
    )


def _panel_note(text: str) -> str:
    return f'<div class="qa-note">{esc(text)}</div>'


EMPTY_SOURCES = _panel_note("提问后，这里列出答案引用的文章（标题、期次、日期、作者）。点击答案中的 [n] 查看原文。")
EMPTY_ARTICLE = _panel_note("点击答案中的 [n] 或上面的来源，这里显示整篇文章，支持答案的句子会高亮。")
EMPTY_MEETING_ARTICLE = _panel_note("点击表格中的一行，这里显示那次会议的报道原文。")


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where quote occurs in text, ignoring differences in whitespace; None if it does not."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s*".join(re.escape(ch) for ch in "".join(quote.split()))
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def _marked(text: str, spans: list[tuple[int, int, str]], offset: int = 0) -> str:
    """Escaped text of one paragraph with the parts of spans (absolute offsets) that fall in it wrapped in <mark>."""
    out, pos = [], 0
    for start, end, cls in sorted(spans):
        s, e = max(start - offset, pos), min(end - offset, len(text))
        if e <= s:
            continue
        out.append(esc(text[pos:s]))
        out.append(f'<mark class="{cls}">{esc(text[s:e])}</mark>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def article_html(issue: Issue, article: Article, quote: str | None = None, others: list[str] = ()) -> str:
    """The whole article with its issue and byline; `quote` highlighted (and scrolled to), `others` marked lightly."""
    parts = {"title": article.title, "subtitle": article.subtitle, "body": article.body}
    spans: dict[str, list[tuple[int, int, str]]] = {k: [] for k in parts}
    missing = None
    for text, cls in [(q, "qa-other") for q in others if q and q != quote] + [(quote, "qa-hit")]:
        if not text:
            continue
        for name, value in parts.items():
            found = _find(value, text)
            if found:
                spans[name].append((*found, cls))
                break
        else:
            if cls == "qa-hit":
                missing = text
    kind = "图片说明" if article.kind == "caption" else "文章"
    by = "、".join(article.byline) if article.byline else "未署名"
    out = [f'<article class="qa-article" data-article="{esc(article.id)}">']
    out.append(f'<h3 class="qa-article-title">{_marked(article.title, spans["title"])}</h3>')
    if article.subtitle:
        out.append(f'<div class="qa-article-sub">{_marked(article.subtitle, spans["subtitle"])}</div>')
    out.append(
        f'<div class="qa-meta">{kind} · {esc(issue_label(issue.issue_no, issue.date, issue.date_inferred))}'
        f' · 作者：{esc(by)} · <span class="qa-source">{esc(issue.source)}</span></div>'
    )
    if missing:
        # e.g. an issue's masthead: the quote is not part of any article's text
        out.append(f'<blockquote class="qa-quote">引文：<mark class="qa-hit">{esc(missing)}</mark></blockquote>')
    offset = 0
    for paragraph in article.body.split("\n"):
        if paragraph.strip():
            out.append(f"<p>{_marked(paragraph, spans['body'], offset)}</p>")
        offset += len(paragraph) + 1
    if article.withheld:
        # shown for the record, set apart: the archive never answers from it
        out.append('<div class="qa-meta qa-warn">以下文字像是写给问答程序的指令，不作为回答依据：</div>')
        out += [f'<blockquote class="qa-quote">{esc(text)}</blockquote>' for text in article.withheld]
    out.append("</article>")
    return "".join(out)


def article_missing(article_id: str) -> str:
    return _panel_note(f"文章 {article_id} 不在目录中（索引可能已更新）：请重新提问。")


# -- meetings ------------------------------------------------------------------------------------------
def meeting_day(meeting: Meeting) -> str:
    return meeting.day_text


def _names(meeting: Meeting, role: str) -> list[str]:
    names: list[str] = []
    for a in meeting.attendances:
        if a.role == role:
            label = a.person + ("（分会场）" if a.venue == "branch" else "")
            if label not in names:
                names.append(label)
    return names


def meeting_row(meeting: Meeting) -> list[str]:
    """One row of the meetings table (MEETING_HEADERS); everyone but the chair listed by role."""
    chair = "、".join(_names(meeting, "chair") + _names(meeting, "convener"))
    others = []
    for role in (r for r in ROLES if r not in ("chair", "convener")):  # every role the records keep
        names = _names(meeting, role)
        if names:
            others.append(f"{ROLE_LABELS[role]}：{'、'.join(names)}")
    place = meeting.place or ""
    if meeting.branch_place:
        place += f"（分会场：{meeting.branch_place}）"
    return [meeting_day(meeting), meeting.name, place, chair, "；".join(others),
            issue_label(meeting.issue_no, meeting.issue_date, meeting.issue_date_inferred)]


def meetings_summary(count: int, person: str | None, date_from: dt.date | None, date_to: dt.date | None) -> str:
    scope = []
    if person:
        scope.append(f"人物：{md_literal(person)}")
    if date_from or date_to:
        scope.append(f"日期：{date_from.isoformat() if date_from else '不限'} 至 {date_to.isoformat() if date_to else '不限'}")
    return f"共 {count} 次会议或活动" + (f"（{'；'.join(scope)}）" if scope else "") + "。点击一行查看报道原文。"


def profile_html(profile: PersonProfile | None, name: str) -> str:
    """A person's titles over time and meetings (with roles), each meeting linking to its article."""
    if profile is None:
        return _panel_note(f"会议记录中没有「{name}」。请检查姓名（例如：王宝善）。")
    out = [f'<div class="qa-person"><h3>{esc(profile.name)}</h3>']
    if profile.titles:
        rows = "".join(
            f"<tr><td>{esc(t.title)}</td><td>{esc(t.first_seen or '—')}</td><td>{esc(t.last_seen or '—')}</td>"
            f"<td>{len(t.sightings)}</td></tr>"
            for t in profile.titles
        )
        out.append('<h4>见报职务</h4><table class="qa-table"><thead><tr><th>职务</th><th>首次见报</th>'
                   f"<th>最近见报</th><th>次数</th></tr></thead><tbody>{rows}</tbody></table>")
    else:
        out.append('<p class="qa-note">报道中没有印出此人的职务。</p>')
    items = []
    for pm in profile.meetings:
        roles = "、".join(ROLE_LABELS[r] for r in ROLES if r in pm.roles)
        items.append(
            f'<li><a href="{meeting_href(pm.meeting.id, profile.name)}">{esc(pm.meeting.name)}</a>'
            f' <span class="qa-meta">{esc(meeting_day(pm.meeting))} · {esc(roles)}</span></li>'
        )
    out.append(f"<h4>参加的会议或活动（{len(profile.meetings)}）</h4>")
    out.append(f'<ul class="qa-person-meetings">{"".join(items)}</ul></div>')
    return "".join(out)


# -- parse preview -------------------------------------------------------------------------------------
def parse_html(issue: Issue, name: str) -> str:
    """What the parser understood of an uploaded file (as `qa parse` prints it), for checking before indexing."""
    date = issue.date.isoformat() if issue.date else "未知"
    inferred = "（由正文推断）" if issue.date_inferred else ""
    warn = []
    if issue.date is None:
        warn.append("没有识别出出版日期：按日期筛选时找不到这一期。")
    if not issue.issue_no:
        warn.append("没有识别出期号。")
    if not issue.articles:
        warn.append("没有识别出任何文章。")
    rows = []
    for n, a in enumerate(issue.articles, 1):
        kind = "图片" if a.kind == "caption" else "文章"
        sub = f"〔{esc(a.subtitle)}〕" if a.subtitle else ""
        by = " ".join(a.byline) or "—"
        rows.append(f"<tr><td>{n}</td><td>{kind}</td><td>{esc(a.title)} {sub}</td><td>{esc(by)}</td>"
                    f"<td>{len(a.body)}</td></tr>")
    warnings = "".join(f'<p class="qa-warn">⚠ {esc(w)}</p>' for w in warn)
    return (
        f'<div class="qa-parse"><p><b>{esc(name)}</b> 第{esc(issue.issue_no or "?")}期 · {esc(date)}{inferred} · '
        f"{len(issue.articles)}篇</p>{warnings}"
        '<table class="qa-table"><thead><tr><th>#</th><th>类型</th><th>标题</th><th>作者</th><th>字数</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
