"""The parser's promises, checked against golden files written by reading the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.corpus import parse_file, parse_text
from qa.corpus.read import decode_issue
from qa.errors import UnreadableIssue

GOLDEN = Path(__file__).parent / "golden"
STEMS = sorted(p.stem for p in GOLDEN.glob("*.json"))


def article(issues, stem, title_part):
    return next(a for a in issues[stem].articles if title_part in a.title)


def test_every_seed_has_a_golden_file(seed_files):
    assert [p.stem for p in seed_files] == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_每期的期号日期和文章顺序与人工核对的金标准一致(seed_issues, stem):
    gold = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    issue = seed_issues[stem]
    assert issue.issue_no == gold["issue_no"]
    assert (issue.date.isoformat() if issue.date else None) == gold["date"]
    assert issue.date_inferred == gold["date_inferred"]
    got = [
        {"kind": a.kind, "title": a.title, "subtitle": a.subtitle, "byline": a.byline}
        for a in issue.articles
    ]
    want = [{k: g[k] for k in ("kind", "title", "subtitle", "byline")} for g in gold["articles"]]
    assert got == want
    inferred = [a.title_inferred for a in issue.articles]
    assert inferred == [g.get("title_inferred", False) for g in gold["articles"]]


def test_第88次工作例会参加会议的六人全部列出(seed_issues):
    body = article(seed_issues, "000_4891b56cadfbdf84", "第88次").body
    assert "衣立渊、杨亦武、李伟、冯伟、毕安传、张伟参加会议。" in body


def test_被栏宽拆开的人名和词语修复完整(seed_issues):
    text = "\n".join(a.body for a in seed_issues["000_4891b56cadfbdf84"].articles)
    for word in ("韩世军主持召开", "区疫情防控指挥部", "毕安传", "柳承业", "政银互联e站通"):
        assert word in text
    assert "韩 世军" not in text and "毕 安传" not in text


def test_数字和英文里的符号保留原样(seed_issues):
    bodies = "\n".join(a.title + a.body for i in seed_issues.values() for a in i.articles)
    for token in ("FM101.7", "U谷", "8:30-9:30", "18.4%", "5.6万户", "87568888", "ITEM"):
        assert token in bodies, token


def test_中文里的半角标点改为全角(seed_issues):
    body = article(seed_issues, "000_4891b56cadfbdf84", "第88次").body
    assert body.startswith("昨日下午，区委书记、")
    assert "," not in body
    assert "“宁可备而不用，不可用而无备”" in body


def test_被分栏截断的句子接回一段():
    text = "## 标题召开\n\n在听取了各工作部、工作组工\n\n作开展情况汇报后,韩世军强调,要做好工作。\n\n(吴超)\n"
    issue = parse_text(text, "x.txt")
    assert issue.articles[0].body == "在听取了各工作部、工作组工作开展情况汇报后，韩世军强调，要做好工作。"


def test_栏目之间的报头热线天气责编和广告不是文章(seed_issues):
    everything = "\n".join(a.title + a.subtitle + a.body for i in seed_issues.values() for a in i.articles)
    for noise in ("新闻热线", "准印证号", "投稿邮箱", "天气预报", "责编", "美编", "编辑出版", "铁谷山茶", "农历"):
        assert noise not in everything, noise


def test_报头在中间的一期仍取报头日期(seed_issues):
    issue = seed_issues["003_fe06ce4d6c70b362"]
    assert (issue.issue_no, issue.date.isoformat(), issue.date_inferred) == (2890, "2023-10-27", False)
    assert "第2890期" in issue.masthead
    assert issue.articles[0].title == "区政府党组（扩大）会议暨区政府常务会议召开"


def test_没有报头的一期由正文推断日期并标明(seed_issues):
    issue = seed_issues["001_6220ff5f0f64df25"]
    assert issue.masthead is None and issue.date_inferred
    assert issue.date.isoformat() == "2023-02-25"
    assert issue.label == "期号不详 2023-02-25（推断）"


def test_图片说明单独成篇(seed_issues):
    captions = [a for i in seed_issues.values() for a in i.articles if a.kind == "caption"]
    assert len(captions) == 4
    assert any("图为工人在调试设备" in c.body for c in captions)


def test_原文与修复后的正文并存(seed_issues):
    a = article(seed_issues, "000_4891b56cadfbdf84", "第88次")
    assert "毕 安传" in a.raw and "毕安传" in a.body


def test_文章编号稳定(seed_files):
    first = [a.id for a in parse_file(seed_files[0]).articles]
    assert first == [a.id for a in parse_file(seed_files[0]).articles]
    assert first[0] == "000_4891b56cadfbdf84-01"


def test_GBK编码的副本与UTF8原文解析相同(seed_files, tmp_path):
    for encoding in ("gbk", "gb18030"):
        original = seed_files[4]
        twin = tmp_path / original.name
        twin.write_bytes(original.read_text(encoding="utf-8").encode(encoding))
        a, b = parse_file(original), parse_file(twin)
        assert a.model_dump(exclude={"source", "sha256"}) == b.model_dump(exclude={"source", "sha256"})


def test_带BOM的文件与原文解析相同(seed_files, tmp_path):
    twin = tmp_path / seed_files[0].name
    twin.write_bytes(b"\xef\xbb\xbf" + seed_files[0].read_bytes())
    assert parse_file(twin).articles == parse_file(seed_files[0]).articles


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "文件为空"),
        (b"  \n\n ", "文件为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "不是文本文件"),
        (bytes(range(128, 256)) * 4, "无法识别的编码"),
    ],
)
def test_空文件二进制和乱码给出点名文件的清楚错误(data, reason):
    with pytest.raises(UnreadableIssue) as info:
        decode_issue(data, "bad/issue.txt")
    assert str(info.value).startswith("bad/issue.txt: ") and reason in str(info.value)


def _qa(*args, cwd):
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True, cwd=cwd)


def test_解析文件夹时跳过坏文件并在最后列出_退出码非零(seed_files, tmp_path):
    (tmp_path / "good.txt").write_bytes(seed_files[0].read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    result = _qa("parse", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "第2415期" in result.stdout
    assert "1 个文件无法解析" in result.stderr and "empty.txt" in result.stderr


def test_qa_parse_json输出可核对的结构(seed_files, tmp_path):
    result = _qa("parse", "--json", str(seed_files[1]), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    issue = json.loads(result.stdout)
    assert issue["date"] == "2023-02-25" and issue["date_inferred"] is True
    assert issue["articles"][1]["title"] == "“深度行”青岛站活动在即墨举办"
