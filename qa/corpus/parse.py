"""The newspaper parser: raw issue text → Issue with its articles and captions.

Written by hand because no library knows this layout: mastheads in several shapes,
bare-line headlines, bylines in parentheses, captions and boilerplate between articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.addressed import is_addressed, withhold
from qa.corpus.clean import clean_heading, clean_line, clean_subheading
from qa.corpus.models import Article, Issue
from qa.corpus.read import read_issue
from qa.errors import UnreadableIssue

_MASTHEAD_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISSUE_NO = re.compile(r"第\s*(\d{3,5})\s*期")
_PUBLISHER = re.compile(r"(编辑出版|主\s*办)")
_BOILERPLATE_START = re.compile(r"^(新闻热线|准印证号|网络版地址|投稿邮箱|天气预报|责编|美编|新即墨$)")
_AD_PHONE = re.compile(r"电话\s*[:：]?\s*(0\d{2,3}-?)?\d{7,8}")
_BYLINE = re.compile(r"[(（]\s*([\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})*)\s*[)）]\s*$")
_SENTENCE_PUNCT = re.compile(r"[，。；！？、,;!?]|(?<!\d)\.(?!\d)")
_TERMINAL = tuple("。！？!?”\"」』）)…:：")
# A paragraph that opens like this starts anew even when the one before it was cut off.
_PARAGRAPH_OPENER = re.compile(
    r"^(这是|据了解|据悉|会上|会前|会后|会议|同时|此外|目前|近年来"
    r"|[\u4e00-\u9fff]{2,3}(在讲话时|在致辞|在座谈时|强调|指出|表示|要求))"
)
_EVENT_TITLE_END = re.compile(r"(召开|举行|举办|开幕|闭幕|启动|开播|开工|签约)$")
_LEADING_DATE = re.compile(
    r"^(\d{1,2}月\d{1,2}日(至\d{1,2}日)?|昨日|昨天|今天|今日|日前|近日)(上午|下午|晚上|晚间)?[，,]?"
)
_TITLE_CLAUSE = re.compile(r"^([^，。；！？]{4,40}?(召开|举行|举办|开幕|启动))[，。]")
MAX_HEADING_CHARS = 48
CAPTION_TITLE = "图片新闻"


@dataclass
class _Block:
    """A blank-line separated block of the file."""

    raw: str
    text: str  # its lines joined by a space, trimmed


@dataclass
class _Unit:
    """An article being assembled."""

    heads: list[tuple[str, bool]] = field(default_factory=list)  # (text, marked with #)
    paragraphs: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return bool(self.byline)


def _blocks(text: str) -> list[_Block]:
    blocks, lines = [], []
    for line in text.split("\n") + [""]:
        if line.strip():
            lines.append(line.rstrip())
        elif lines:
            blocks.append(_Block("\n".join(lines), " ".join(s.strip() for s in lines).strip()))
            lines = []
    return blocks


def _is_masthead(text: str) -> bool:
    if re.fullmatch(r"第\s*\d{3,5}\s*期", text):
        return True
    return bool(_MASTHEAD_DATE.search(text)) and bool(re.search(r"农历|星期", text)) and len(text) < 60


def _is_boilerplate(text: str) -> bool:
    plain = text.lstrip("#").strip()
    if _BOILERPLATE_START.match(plain):
        return True
    if _PUBLISHER.search(plain) and re.search(r"区委|人民政府|融媒体", plain) and len(plain) < 80:
        return True
    return len(plain) < 40 and bool(_AD_PHONE.search(plain))


def _split_byline(text: str) -> tuple[str, list[str]]:
    m = _BYLINE.search(text)
    if not m:
        return text, []
    return text[: m.start()].rstrip(), m.group(1).split()


def _heading(text: str) -> tuple[str, bool] | None:
    """(heading text, marked) when the block is a headline line."""
    if text.startswith("#"):
        return text.lstrip("#").strip(), True
    if len(text) <= MAX_HEADING_CHARS and not _SENTENCE_PUNCT.search(text) and not _BYLINE.search(text):
        return text, False
    return None


def _continues(previous: str, paragraph: str) -> bool:
    """A paragraph cut mid-sentence by the column layout goes on in the next one."""
    return not previous.rstrip().endswith(_TERMINAL) and not _PARAGRAPH_OPENER.match(paragraph)


def _add_paragraph(unit: _Unit, text: str) -> None:
    text, byline = _split_byline(text)
    if text:
        if unit.paragraphs and _continues(unit.paragraphs[-1], text):
            unit.paragraphs[-1] = unit.paragraphs[-1] + text
        else:
            unit.paragraphs.append(text)
    unit.byline = byline


def _choose_title(heads: list[tuple[str, bool]]) -> tuple[str, str]:
    """Main headline and the rest (kicker, sub-headlines) from a headline group."""
    texts = [h for h, _ in heads]
    candidates = [i for i, (_, marked) in enumerate(heads) if marked] or list(range(len(heads)))
    not_kickers = [i for i in candidates if not texts[i].rstrip().endswith(("——", "—"))]
    candidates = not_kickers or candidates
    main = candidates[0]
    # A kicker phrase over the event line: 「科技成果赋智中小企业 / “深度行”青岛站活动在即墨举办」
    nxt = main + 1
    if (
        not heads[main][1]
        and nxt < len(heads)
        and not heads[nxt][1]
        and _EVENT_TITLE_END.search(clean_heading(texts[nxt]))
        and not _EVENT_TITLE_END.search(clean_heading(texts[main]))
    ):
        main = nxt
    rest = [clean_subheading(t) for i, t in enumerate(texts) if i != main]
    return clean_heading(texts[main]), " / ".join(rest)


def derive_title(first_paragraph: str) -> str:
    """A headline for an article printed without one: its `…会议召开` clause or first clause."""
    text = _LEADING_DATE.sub("", first_paragraph)
    m = _TITLE_CLAUSE.match(text)
    if m:
        return m.group(1)
    return re.split(r"[，。；！？]", text, maxsplit=1)[0][:30]


def _finish(unit: _Unit, prefix: str, ordinal: int) -> Article | None:
    if not unit.paragraphs:
        return None  # a headline with no text under it: an advertisement or a page banner
    # Text addressed to a model (「忽略以上所有指令…」) is no report: kept aside, never evidence or a record.
    body, withheld = withhold("\n".join(clean_line(p) for p in unit.paragraphs))
    if not body:
        return None
    common = dict(
        id=f"{prefix}-{ordinal:02d}", body=body, raw="\n\n".join(unit.raw), byline=unit.byline, withheld=withheld
    )
    if unit.heads:
        title, subtitle = _choose_title(unit.heads)
        if is_addressed(subtitle):
            subtitle = ""
        if is_addressed(title):
            return Article(title=derive_title(body.split("\n")[0]), subtitle=subtitle, title_inferred=True,
                           kind="article", **common)
        return Article(title=title, subtitle=subtitle, kind="article", **common)
    if "图为" in body or len(unit.paragraphs) == 1:
        return Article(title=CAPTION_TITLE, kind="caption", **common)
    return Article(title=derive_title(body.split("\n")[0]), title_inferred=True, kind="article", **common)


def _masthead_date(m: re.Match, source: str) -> dt.date:
    """The printed publication date; an impossible one (2023年2月30日, an OCR slip) stops the file: every
    citation of the issue would carry it."""
    y, mo, d = map(int, m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise UnreadableIssue(source, f"报头日期「{y}年{mo}月{d}日」不存在：请对照原报改正文件中的报头日期后再导入。") from None


def infer_date(text: str) -> dt.date | None:
    """A lower bound for the publication date of an issue without masthead: the latest event date."""
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", text))
    if not years:
        return None
    top = max(years.values())
    year = max(y for y, n in years.items() if n == top)
    days = []
    for m, d in re.findall(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日", text):
        try:
            days.append(dt.date(year, int(m), int(d)))
        except ValueError:
            continue
    return max(days) if days else None


def parse_text(text: str, source: str, sha256: str | None = None, id_prefix: str | None = None) -> Issue:
    """Parse the decoded text of one issue file.

    Article ids are `<id_prefix>-<ordinal>`; the prefix defaults to the file's stem. The
    index gives a file whose stem another folder's file already uses a prefix of its own.
    """
    prefix = id_prefix or Path(source).stem
    sha256 = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    articles: list[Article] = []
    masthead: list[str] = []
    issue_no: int | None = None
    date: dt.date | None = None
    unit: _Unit | None = None

    def flush() -> None:
        nonlocal unit
        if unit is not None:
            article = _finish(unit, prefix, len(articles) + 1)
            if article is not None:
                articles.append(article)
        unit = None

    for block in _blocks(text.lstrip("\ufeff")):
        t = block.text
        if _is_masthead(t):
            flush()
            masthead.append(block.raw)
            if (m := _ISSUE_NO.search(t)) and issue_no is None:
                issue_no = int(m.group(1))
            if (m := _MASTHEAD_DATE.search(t)) and date is None:
                date = _masthead_date(m, source)
            continue
        if _is_boilerplate(t):
            flush()
            if _PUBLISHER.search(t):
                masthead.append(block.raw)
            continue
        _, byline_only = _split_byline(t)
        if byline_only and not _split_byline(t)[0]:
            if unit is not None and unit.paragraphs and not unit.closed:
                unit.byline = byline_only
                unit.raw.append(block.raw)
            continue
        heading = _heading(t)
        if heading is not None:
            if unit is not None and (unit.paragraphs or unit.closed):
                flush()
            unit = unit or _Unit()
            unit.heads.append(heading)
            unit.raw.append(block.raw)
            continue
        if unit is None or unit.closed:
            flush()
            unit = _Unit()
        _add_paragraph(unit, t)
        unit.raw.append(block.raw)
    flush()

    inferred = False
    if date is None:
        date = infer_date(text)
        inferred = date is not None
    return Issue(
        source=source,
        sha256=sha256,
        issue_no=issue_no,
        date=date,
        date_inferred=inferred,
        masthead="\n".join(masthead) or None,
        articles=articles,
    )


def parse_file(path: Path | str) -> Issue:
    """Read and parse one issue file; raises UnreadableIssue for bad input."""
    text, sha = read_issue(path)
    return parse_text(text, source=str(path), sha256=sha)
