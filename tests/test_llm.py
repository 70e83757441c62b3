"""The real local model and a real OpenAI-compatible server on loopback (llama.cpp's)."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.answer.jobs import choose
from qa.answer.llm import LocalGemma, build_llm
from qa.answer.select import Candidate, Passage
from qa.settings import LLMSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gemma():
    return build_llm(LLMSettings(max_tokens=16))


def _candidates():
    p = Passage("x-01", "德国ITEM项目", "", 2890, dt.date(2023, 10, 27), "s.txt", 0)
    return [Candidate(p, s, 0) for s in ("这几天项目建设如火如荼。", "一年加工铝型材800吨，年产值约5亿元。")]


def test_本地模型真实生成并遵守停止符和长度上限(gemma):
    assert isinstance(gemma, LocalGemma)
    result = gemma.raw_completion("问题：1加1等于几？\n答案：", max_tokens=8, stop=["\n"])
    assert "\n" not in result["choices"][0]["text"]
    assert result["usage"]["completion_tokens"] <= 8


def test_本地模型的选择题只能答出有效编号(gemma):
    i = choose(gemma, "德国ITEM项目每年能加工多少铝型材？", _candidates())
    assert i in (0, 1)


def test_OpenAI兼容服务器路径在回环地址上真实可用(gemma):
    base = gemma.listening_address()
    assert base.startswith("http://127.0.0.1:")
    remote = build_llm(LLMSettings(backend="openai", base_url=f"{base}/v1", model="gemma", max_tokens=8))
    text = remote.complete("问题：1加1等于几？\n答案：", stop=["\n"]).text
    assert isinstance(text, str) and "\n" not in text
    assert choose(remote, "德国ITEM项目一年能加工多少吨铝型材？", _candidates()) in (0, 1, None)


def test_经OpenAI兼容服务器由模型撰写的答案仍然只含有据的事实(seed_settings, gemma):
    """The compose path (what production runs with a capable model), here with the small Gemma behind
    llama.cpp's real HTTP server: whatever it writes, the grounding check keeps only supported facts."""
    from qa.answer import ground
    from qa.answer.engine import AnswerEngine
    from qa.answer.wiring import build_engine

    local = build_engine(seed_settings)
    remote = build_llm(LLMSettings(backend="openai", base_url=f"{gemma.listening_address()}/v1", model="gemma", max_tokens=60))
    engine = AnswerEngine(local.passages, local.records, local.catalog, remote, llm_compose=True)
    people = local.records.known_people()
    for q in ("德国ITEM项目每年加工多少吨铝型材？", "高性能新型环保材料产业基地项目投资总额是多少？", "即墨区已经创建了多少个美丽乡村示范村？"):
        a = engine.ask(q)
        assert a.citations, a.answer
        sources = []
        allowed = set()
        for c in a.citations:
            issue, article = local.catalog.article(c.article_id)
            sources += [f"第{c.issue_no}期 {c.issue_date}", c.quote, article.title + article.body]
            allowed |= {issue.date, issue.date - dt.timedelta(days=1)} | ground.dates_in(article.body, issue.date.year)
        assert ground.check(a.answer, sources, people, allowed).ok, a.answer
