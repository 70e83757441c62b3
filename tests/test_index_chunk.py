"""Chunking promises, on the seeds and on small literal inputs (pure, no model)."""

from __future__ import annotations

import pytest

from qa.corpus import parse_text
from qa.index.chunk import chunk_issue, embed_text, make_splitter, split_sentences

NAME_LIST = "衣立渊、杨亦武、李伟、冯伟、毕安传、张伟"
SENTENCE_ENDS = tuple("。！？；") + ("”", "」")


@pytest.fixture(scope="module")
def seed_chunks(seed_issues):
    splitter = make_splitter(300, 60)
    return {stem: chunk_issue(issue, splitter) for stem, issue in seed_issues.items()}


def test_切句后拼接还原原文():
    text = "他说：“好！”然后走了。要严防输入；要持续接种？最后一句没有句号"
    parts = split_sentences(text)
    assert "".join(parts) == text
    assert parts[0] == "他说：“好！”"
    assert parts[-1] == "最后一句没有句号"


def test_每段都在一篇文章之内(seed_issues, seed_chunks):
    for stem, issue in seed_issues.items():
        bodies = {a.id: a.body for a in issue.articles}
        for node in seed_chunks[stem]:
            assert node.text in bodies[node.metadata["article_id"]]


def test_段落结束于句末或文章结尾(seed_issues, seed_chunks):
    """A sentence longer than a chunk (16 project names) may end a chunk at a clause or list item, never mid-word."""
    for stem, issue in seed_issues.items():
        bodies = {a.id: a.body for a in issue.articles}
        for node in seed_chunks[stem]:
            body = bodies[node.metadata["article_id"]]
            line_end = body.index(node.text) + len(node.text)
            at_paragraph_end = line_end == len(body) or body[line_end] == "\n"
            at_clause_end = node.text.endswith(("，", "：")) or body[line_end : line_end + 1] == "、"
            assert node.text.endswith(SENTENCE_ENDS) or at_paragraph_end or at_clause_end, node.text[-20:]


@pytest.mark.parametrize("chunk_chars", [80, 120, 300])
def test_名单从不被切断(seed_issues, chunk_chars):
    chunks = chunk_issue(seed_issues["000_4891b56cadfbdf84"], make_splitter(chunk_chars, chunk_chars // 5))
    assert any(NAME_LIST in n.text for n in chunks), "the name list must be whole in some chunk"
    for node in chunks:
        for i in range(1, len(NAME_LIST)):
            head, tail = NAME_LIST[:i], NAME_LIST[i:]
            assert not node.text.endswith(head) or node.text.endswith(NAME_LIST), node.text[-30:]
            assert not node.text.startswith(tail) or node.text.startswith(NAME_LIST), node.text[:30]


def test_超长名单只在顿号处断开():
    names = "、".join(f"项目{chr(0x4E00 + i)}{chr(0x4E10 + i)}" for i in range(40))
    issue = parse_text(f"2021年11月4日 农历九月三十 星期四\n\n第2415期\n\n## 观摩会举行\n\n观摩了{names}等项目。\n\n（吴超）\n", "x.txt")
    nodes = chunk_issue(issue, make_splitter(100, 0))
    assert len(nodes) > 1
    for node in nodes[1:]:
        assert node.text.startswith("、"), node.text[:10]
    assert "".join(n.text for n in nodes) == issue.articles[0].body


def test_每段带着期号日期标题与来源(seed_chunks):
    node = seed_chunks["000_4891b56cadfbdf84"][0]
    meta = node.metadata
    assert meta["issue_no"] == 2415
    assert meta["date"] == "2021-11-04"
    assert meta["date_int"] == 20211104
    assert meta["date_inferred"] is False
    assert meta["article_id"] == "000_4891b56cadfbdf84-01"
    assert meta["kind"] == "article"
    assert meta["source"].endswith("000_4891b56cadfbdf84.txt")
    assert meta["title"].startswith("区疫情防控领导小组")
    inferred = seed_chunks["001_6220ff5f0f64df25"][0].metadata
    assert inferred["issue_no"] == 0 and inferred["date_inferred"] is True


def test_标题进入嵌入文本而期号日期进入模型文本(seed_chunks):
    from llama_index.core.schema import MetadataMode

    for nodes in seed_chunks.values():
        for node in nodes:
            embedded = embed_text(node)
            assert embedded.startswith(node.metadata["title"])
            assert embedded.endswith(node.text)
            assert "2021-11-04" not in embedded.split("\n")[0]
    first = seed_chunks["000_4891b56cadfbdf84"][0]
    llm_text = first.get_content(metadata_mode=MetadataMode.LLM)
    assert llm_text.startswith("第2415期 2021-11-04\n区疫情防控领导小组")


def test_段落编号稳定(seed_issues):
    a = chunk_issue(seed_issues["003_fe06ce4d6c70b362"], make_splitter())
    b = chunk_issue(seed_issues["003_fe06ce4d6c70b362"], make_splitter())
    assert [n.id_ for n in a] == [n.id_ for n in b]
    assert len({n.id_ for n in a}) == len(a)
    assert a[0].id_.startswith("003_fe06ce4d6c70b362-01#00@")
