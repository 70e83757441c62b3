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


# -- the LLM reads the evidence (qa.answer.read): the protocol against llama.cpp's real server --------
ITEM = "德国ITEM项目每年加工多少吨铝型材？"


@pytest.fixture(scope="module")
def reading_setup(seed_settings, gemma):
    """The rules' engine on the seed index, and the OpenAI-like LLM on llama.cpp's loopback server."""
    from qa.answer.wiring import build_engine

    local = build_engine(seed_settings)
    remote = build_llm(LLMSettings(backend="openai", base_url=f"{gemma.listening_address()}/v1", model="gemma"))
    return local, remote


def _reading_engine(local, remote):
    from qa.answer.engine import AnswerEngine
    from qa.answer.read import Reader

    return AnswerEngine(local.passages, local.records, local.catalog, remote, reader=Reader(remote))


@pytest.mark.parametrize("question", [ITEM, "德国ITEM项目每年加工多少吨铝型材？年产值多少？"])
def test_服务器按schema回复合法JSON_其中每个编号和事实都经过检查(reading_setup, question):
    """Gemma-270M's reading is poor; what is promised is the protocol: the reply fits the schema, and a
    part is taken only when its every [n] is a number it was shown and its facts stand in what it cites."""
    import re

    from qa.answer.decompose import split_question
    from qa.answer.read import Reading, ask_model, check_reply, gather_evidence, messages, reading_llm, response_format
    from qa.answer.read import token_budget, unsupported_facts

    local, remote = reading_setup
    parts = [p.text for p in split_question(question)]
    rules = [local.ask(p) for p in parts]
    evidence = gather_evidence(parts, rules, local.catalog.article)
    assert evidence and all(c.quote in local.catalog.article(c.article_id)[1].body for c in evidence)
    raw = ask_model(reading_llm(remote), messages(question, parts, evidence), response_format(len(parts)), token_budget(len(parts)))
    reading = Reading.model_validate_json(raw, strict=True)  # the server's grammar kept it in the schema
    assert sorted(p.part for p in reading.parts) == list(range(1, len(parts) + 1))
    names = local.records.known_people() | local.catalog.bylines()
    checks = check_reply(raw, len(parts), evidence, names)
    ids = {c.n for c in evidence}
    for part, check in zip(sorted(reading.parts, key=lambda p: p.part), checks):
        marks = re.findall(r"\[([^\[\]]*)\]", part.answer)
        if any(not m.isdigit() or int(m) not in ids for m in marks):
            assert check.status == "failed", (part, check)
        if check.status == "answer":
            assert set(check.cited) <= ids
            assert unsupported_facts(check.text, [c for c in evidence if c.n in check.cited], names) == []


def _pinned(text: str):
    """A response_format that leaves the server one reply: a stand-in for a model that writes `text`."""
    from qa.answer.read import response_schema

    def fmt(n_parts):
        schema = response_schema(n_parts)
        item = schema["$defs"]["PartReading"]["properties"]
        item["refused"] = {"type": "boolean", "enum": [False]}
        item["answer"] = {"type": "string", "enum": [text]}
        return {"type": "json_schema", "json_schema": {"name": "pinned", "schema": schema}}

    return fmt


def _number_of(local, words: str) -> int:
    """The evidence number the reader gives the sentence holding `words` (the same gathering as the reader's)."""
    from qa.answer.read import gather_evidence

    rules = local.ask(ITEM)
    return next(c.n for c in gather_evidence([ITEM], [rules], local.catalog.article) if words in c.quote)


@pytest.mark.parametrize("made_up", ["该项目一年加工铝型材5000吨[{n}]。", "一年加工铝型材800吨[99]。",
                                     "区委书记姜玉林介绍，一年加工铝型材800吨[{n}]。"])
def test_模型的回答编造事实或编号时最终答案退回规则的答案(reading_setup, monkeypatch, made_up):
    from qa.answer import read

    local, remote = reading_setup
    rules = local.ask(ITEM)
    real_check = read.check_reply
    monkeypatch.setattr(read, "response_format", _pinned(made_up.format(n=_number_of(local, "800吨"))))
    checked = []
    monkeypatch.setattr(read, "check_reply", lambda *args: checked.append(real_check(*args)) or checked[-1])
    a = _reading_engine(local, remote).ask(ITEM)
    # the server sent the made-up part, and the checks (not an error on the way) turned it down
    assert [(c.status, c.text) for c in checked[0]] == [("failed", made_up.format(n=_number_of(local, "800吨")))]
    assert (a.answer, a.citations) == (rules.answer, rules.citations)


def test_模型的回答通过检查时采用模型的措辞并引用它所引的句子(reading_setup, monkeypatch):
    from qa.answer import read

    local, remote = reading_setup
    n = _number_of(local, "800吨")
    monkeypatch.setattr(read, "response_format", _pinned(f"该项目一年加工铝型材800吨[{n}]。"))
    a = _reading_engine(local, remote).ask(ITEM)
    assert a.answer == "该项目一年加工铝型材800吨[1]。"
    assert len(a.citations) == 1 and "800吨" in a.citations[0].quote and a.citations[0].issue_no


def test_默认的嵌入式后端从不调用阅读(seed_settings, monkeypatch):
    from qa.answer import read
    from qa.answer.wiring import build_engine

    def never(*args, **kwargs):
        raise AssertionError("the reader was called on the embedded defaults")

    monkeypatch.setattr(read, "ask_model", never)
    monkeypatch.setattr(read.Reader, "read", never)
    engine = build_engine(seed_settings)
    assert engine.reader is None
    for q in (ITEM, "奇瑞项目推进工作专题会议有哪些人出席？", "德国ITEM项目年产值多少？何时投产？"):
        assert engine.ask(q).answer
