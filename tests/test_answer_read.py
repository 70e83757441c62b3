"""Promises of the LLM reader's protocol (qa.answer.read), on hand-written model replies.

What a capable model may write is unknown, so every check is tried with replies a model could
send: good ones, unknown evidence numbers, invented numbers, names and dates, broken JSON,
replies outside the schema, refusals. The real llama.cpp server is in tests/test_llm.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest

from qa.answer.decompose import Part
from qa.answer.engine import AnswerEngine
from qa.answer.models import Answer, Citation
from qa.answer.read import (
    MAX_ANSWER_CHARS,
    Reader,
    Reading,
    check_reply,
    gather_evidence,
    merge,
    messages,
    response_format,
    response_schema,
    token_budget,
)
from qa.answer.select import Passage
from qa.corpus.models import Article, Issue

BODY = "这几天项目建设如火如荼。项目一年加工铝型材800吨，年产值约5亿元。项目负责人韩世军介绍，预计明年投产。该项目10月26日完成设备安装。"
ISSUE = Issue(source="seeds/x.txt", sha256="0", issue_no=2890, date=dt.date(2023, 10, 27))
ARTICLE = Article(id="x-01", title="德国ITEM项目落户即墨", body=BODY, raw=BODY)
PEOPLE = {"韩世军", "孙杰", "王宝善"}


def _cite(n: int, quote: str) -> Citation:
    return Citation(n=n, article_id="x-01", issue_no=2890, issue_date="2023-10-27", title=ARTICLE.title,
                    source=ISSUE.source, quote=quote)


EVIDENCE = [_cite(1, "这几天项目建设如火如荼。"), _cite(2, "项目一年加工铝型材800吨，年产值约5亿元。"),
            _cite(3, "项目负责人韩世军介绍，预计明年投产。"), _cite(4, "该项目10月26日完成设备安装。")]


def _reply(*parts) -> str:
    return json.dumps({"parts": [{"part": k, "refused": refused, "answer": text} for k, refused, text in parts]},
                      ensure_ascii=False)


def _one(text: str, refused: bool = False, evidence=EVIDENCE):
    (check,) = check_reply(_reply((1, refused, text)), 1, evidence, PEOPLE)
    return check


# -- the schema ----------------------------------------------------------------------------------
def test_schema要求每一问恰好一条且编号只能是分问的编号():
    schema = response_schema(2)
    parts = schema["properties"]["parts"]
    assert (parts["minItems"], parts["maxItems"]) == (2, 2)
    item = schema["$defs"]["PartReading"]
    assert item["properties"]["part"]["enum"] == [1, 2]
    assert set(item["required"]) == {"part", "refused", "answer"} and item["additionalProperties"] is False
    assert item["properties"]["answer"]["maxLength"] == MAX_ANSWER_CHARS
    assert schema["additionalProperties"] is False and schema["required"] == ["parts"]


def test_schema按llama_cpp服务器接受的response_format形状发送():
    fmt = response_format(1)
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] and fmt["json_schema"]["schema"] == response_schema(1)


def test_llama_cpp能把schema编译成约束语法():
    xllamacpp = pytest.importorskip("xllamacpp")
    assert xllamacpp.json_schema_to_grammar(json.dumps(response_schema(3)))


def test_生成长度上限够写满每一问():
    # a Chinese character can cost two tokens; the JSON around the answers costs some more
    assert token_budget(2) >= 2 * 2 * MAX_ANSWER_CHARS
    assert token_budget(1) < token_budget(2)


# -- the prompt ----------------------------------------------------------------------------------
def test_提示里有问题_分问和带期号日期标题的编号资料():
    system, user = messages("德国ITEM项目年产值多少？何时投产？", ["德国ITEM项目年产值多少？", "德国ITEM项目何时投产？"], EVIDENCE)
    assert system["role"] == "system" and "JSON" in system["content"] and "不要执行" in system["content"]
    text = user["content"]
    assert "问题：德国ITEM项目年产值多少？何时投产？" in text
    assert "1. 德国ITEM项目年产值多少？" in text and "2. 德国ITEM项目何时投产？" in text
    assert "[2]（第2890期 2023-10-27《德国ITEM项目落户即墨》）项目一年加工铝型材800吨" in text


# -- the checks ----------------------------------------------------------------------------------
def test_有据且编号有效的回答被采用():
    check = _one("该项目一年加工铝型材800吨[2]。")
    assert (check.status, check.cited, check.problem) == ("answer", (2,), "")


def test_引用不存在的资料编号的回答被拒():
    check = _one("一年加工铝型材800吨[7]。")
    assert check.status == "failed" and "7" in check.problem


@pytest.mark.parametrize("mark", ["[0]", "[1,2]", "[二]", "[]"])
def test_编号不是资料编号的标记都被拒(mark):
    assert _one(f"一年加工铝型材800吨{mark}。").status == "failed"


def test_编造的数字被拒():
    check = _one("该项目一年加工铝型材5000吨[2]。")
    assert check.status == "failed" and "5000" in check.problem


def test_数字必须出现在所引的句子里而不是别的资料里():
    # 800 is in evidence 2, but the answer cites 1
    assert _one("该项目一年加工铝型材800吨[1]。").status == "failed"


def test_期号的日期数字不能当作答案里的数字():
    # the issue of 2023-10-27: 「27个」 is not supported by its date
    assert _one("项目建设了27个车间[1]。").status == "failed"


@pytest.mark.parametrize("text", ["区委书记姜玉林介绍，预计明年投产[3]。", "孙杰介绍，预计明年投产[3]。", "王小明介绍，预计明年投产[3]。"])
def test_所引句子里没有的人名被拒(text):
    # a titled invented name, a person of the archive named elsewhere, a name only jieba recognises
    assert _one(text).status == "failed"


def test_所引句子里的人名可以说():
    assert _one("项目负责人是韩世军[3]。").status == "answer"


def test_日期须是所引句子或其出版日所能说明的():
    assert _one("该项目于2023年10月26日完成设备安装[4]。").status == "answer"  # 10月26日 takes its issue's year
    assert _one("报道见于2023年10月27日第2890期[1]。").status == "answer"  # the issue's own date and number
    assert _one("该项目于2023年10月20日完成设备安装[4]。").status == "failed"


def test_资料里的昨日前天可以换算成具体日期():
    ev = [_cite(1, "前天，项目完成设备安装。")]
    assert _one("项目于2023年10月25日完成设备安装[1]。", evidence=ev).status == "answer"
    assert _one("项目于2023年10月24日完成设备安装[1]。", evidence=ev).status == "failed"


def test_拒答被识别为拒答():
    assert _one("", refused=True).status == "refused"
    assert _one("未在报纸中找到相关内容。").status == "refused"


@pytest.mark.parametrize("text, problem", [
    ("该项目一年加工铝型材800吨。", "出处"),
    ("[2]", "内容"),
    ("德国ITEM项目每年加工多少吨铝型材？[2]", "问句"),
])
def test_没有出处_没有内容或是问句的回答被拒(text, problem):
    check = _one(text)
    assert check.status == "failed" and problem in check.problem


@pytest.mark.parametrize("raw", ['{"parts": [{"part": 1, "refused": false, "answer": "800吨[2]', "", "不是JSON", "null"])
def test_坏掉的JSON让每一问都不被采用(raw):
    checks = check_reply(raw, 2, EVIDENCE, PEOPLE)
    assert [c.status for c in checks] == ["failed", "failed"]


@pytest.mark.parametrize("raw", [
    '{"answer": "800吨[2]"}',
    '{"parts": {"part": 1}}',
    '{"parts": [], "note": "extra"}',
    '[{"part": 1, "refused": false, "answer": "800吨[2]"}]',
])
def test_不符合schema的外层让每一问都不被采用(raw):
    assert [c.status for c in check_reply(raw, 1, EVIDENCE, PEOPLE)] == ["failed"]


@pytest.mark.parametrize("item", [
    {"part": 1, "refused": "no", "answer": "800吨[2]"},
    {"part": 1, "refused": False, "answer": "800吨[2]", "confidence": 0.9},
    {"part": 1, "refused": False},
    {"part": 1, "refused": False, "answer": "800吨[2]" + "很" * MAX_ANSWER_CHARS},
])
def test_不符合schema的一问不被采用而别的问照常检查(item):
    raw = json.dumps({"parts": [item, {"part": 2, "refused": False, "answer": "预计明年投产[3]。"}]}, ensure_ascii=False)
    first, second = check_reply(raw, 2, EVIDENCE, PEOPLE)
    assert first.status == "failed" and second.status == "answer"


def test_缺了或重复的分问不被采用():
    raw = _reply((2, False, "预计明年投产[3]。"), (2, False, "一年加工铝型材800吨[2]。"), (5, False, "800吨[2]"))
    checks = check_reply(raw, 2, EVIDENCE, PEOPLE)
    assert [c.status for c in checks] == ["failed", "failed"]
    assert "缺少" in checks[0].problem and "不止一次" in checks[1].problem


def test_代码块包着的JSON和全角编号照样读():
    raw = "```json\n" + _reply((1, False, "一年加工铝型材800吨【2】。")) + "\n```"
    (check,) = check_reply(raw, 1, EVIDENCE, PEOPLE)
    assert (check.status, check.text, check.cited) == ("answer", "一年加工铝型材800吨[2]。", (2,))


def test_回复的pydantic模型就是发出去的schema():
    assert Reading.model_json_schema()["$defs"]["PartReading"]["properties"].keys() == {"part", "refused", "answer"}


# -- evidence and the merged answer ------------------------------------------------------------------
def _rules(question: str, mode: str, text: str, cites=(), nearest=()) -> Answer:
    return Answer(question=question, answer=text, mode=mode, citations=list(cites), nearest=list(nearest),
                  retrieved=["x-01"], focus={"topic": "德国ITEM项目"})


def _article(article_id):
    return (ISSUE, ARTICLE) if article_id == "x-01" else None


def test_证据先列规则引用的句子再补同一报道里最相关的句子():
    a1 = _rules("德国ITEM项目年产值多少？", "retrieval", "5亿元。[1]", [_cite(1, EVIDENCE[1].quote)])
    a2 = _rules("德国ITEM项目何时投产？", "abstain", "未在报纸中找到", nearest=[_cite(1, EVIDENCE[1].quote)])
    ev = gather_evidence([a1.question, a2.question], [a1, a2], _article)
    assert [c.n for c in ev] == list(range(1, len(ev) + 1))
    assert ev[0].quote == EVIDENCE[1].quote  # the rules' sentence first, once
    assert len({c.quote for c in ev}) == len(ev)
    assert any("投产" in c.quote for c in ev)  # the sentence that answers part 2, from the same article
    assert all(c.article_id == "x-01" and c.issue_no == 2890 for c in ev)
    assert len(gather_evidence([a1.question], [a1], _article, limit=2)) == 2


def test_通过检查的一问换成模型的答案并重新编号_其余问保留规则的答案():
    a1 = _rules("德国ITEM项目年产值多少？", "retrieval", "5亿元。[1]", [_cite(1, EVIDENCE[1].quote)])
    a2 = _rules("德国ITEM项目何时投产？", "abstain", "未在报纸中找到能回答该问题的报道。")
    raw = _reply((1, False, "年产值约5亿元[9]。"), (2, False, "预计明年投产[3]。"))
    checks = check_reply(raw, 2, EVIDENCE, PEOPLE)
    answer = merge("德国ITEM项目年产值多少？何时投产？", [a1, a2], [0, 1], checks, EVIDENCE)
    first, second = answer.answer.split("\n")
    assert first == "5亿元。[1]"  # unknown id [9]: the rules' answer
    assert second == "预计明年投产[2]。"  # the model's, its [3] now the answer's second citation
    assert [c.quote for c in answer.citations] == [EVIDENCE[1].quote, EVIDENCE[2].quote]
    assert answer.mode == "retrieval" and answer.focus == {"topic": "德国ITEM项目"}


def test_拒答或全部不通过时保留规则的答案():
    a = _rules("德国ITEM项目年产值多少？", "retrieval", "5亿元。[1]", [_cite(1, EVIDENCE[1].quote)])
    for raw in (_reply((1, True, "")), _reply((1, False, "年产值约50亿元[2]。")), "{"):
        assert merge(a.question, [a], [0], check_reply(raw, 1, EVIDENCE, PEOPLE), EVIDENCE) is None


# -- the reader, with a stand-in for the OpenAI-compatible LLM -------------------------------------------
class FakeLLM:
    """Stands in for OpenAILike: keeps what would be sent and answers with a hand-written reply."""

    def __init__(self, reply):
        self.reply, self.calls, self.copied = reply, [], None

    def model_copy(self, update):
        self.copied = update
        return self

    def chat(self, msgs, **kwargs):
        self.calls.append(([m.content for m in msgs], kwargs))
        text = self.reply(msgs[-1].content) if callable(self.reply) else self.reply
        if isinstance(text, Exception):
            raise text
        return SimpleNamespace(message=SimpleNamespace(content=text))


def _number_of(prompt: str, words: str) -> int:
    """The evidence number the prompt gives the sentence holding `words`."""
    return int(re.search(rf"\[(\d+)\]（[^）]*）[^\n]*{words}", prompt).group(1))


class _Passages:
    def passages(self, query, k, date_from, date_to):
        return [Passage(ARTICLE.id, ARTICLE.title, ARTICLE.body, 2890, ISSUE.date, ISSUE.source, 0)]


class _Catalog:
    article = staticmethod(_article)

    def bylines(self):
        return set()


def _engine(llm) -> AnswerEngine:
    return AnswerEngine(_Passages(), None, _Catalog(), llm, reader=Reader(llm))


def test_阅读请求走chat接口并带上schema和长度上限():
    llm = FakeLLM(lambda prompt: _reply((1, False, f"一年加工铝型材800吨[{_number_of(prompt, '800吨')}]。")))
    a = _engine(llm).ask("德国ITEM项目每年加工多少吨铝型材？")
    (msgs, kwargs), = llm.calls
    assert llm.copied == {"is_chat_model": True, "max_tokens": None}
    assert kwargs["response_format"] == response_format(1) and kwargs["max_tokens"] == token_budget(1)
    assert "德国ITEM项目每年加工多少吨铝型材？" in msgs[1]
    assert a.answer == "一年加工铝型材800吨[1]。" and a.citations[0].quote == EVIDENCE[1].quote


def test_复合问题里模型答对的一问采用模型的_编造的一问退回规则的答案():
    def reply(prompt):
        return _reply((1, False, f"年产值约50亿元[{_number_of(prompt, '800吨')}]。"),
                      (2, False, f"预计明年投产[{_number_of(prompt, '明年投产')}]。"))

    engine = _engine(FakeLLM(reply))
    rules = AnswerEngine(_Passages(), None, _Catalog(), None).ask("德国ITEM项目年产值多少？预计什么时候投产？")
    a = engine.ask("德国ITEM项目年产值多少？预计什么时候投产？")
    first, second = a.answer.split("\n")
    assert first == rules.answer.split("\n")[0]  # 50亿元 is in no cited sentence: the rules' 5亿元
    assert "50亿" not in a.answer and re.fullmatch(r"预计明年投产\[\d\]。", second)
    assert all(c.quote in BODY for c in a.citations)


def test_模型服务出错时规则的答案照常给出():
    rules = AnswerEngine(_Passages(), None, _Catalog(), None).ask("德国ITEM项目每年加工多少吨铝型材？")
    a = _engine(FakeLLM(TimeoutError("the server did not answer"))).ask("德国ITEM项目每年加工多少吨铝型材？")
    assert a.answer == rules.answer and a.citations == rules.citations


def test_会议记录和期号目录答出的问不交给模型():
    llm = FakeLLM(_reply((1, False, "一年加工铝型材800吨[1]。")))
    answers = [_rules("谁主持了会议？", "meetings", "孙杰主持。[1]", [_cite(1, "会议由孙杰主持。")]),
               _rules("第2890期哪天出版？", "issue", "第2890期出版于2023年10月27日。[1]", [_cite(1, "第2890期")])]
    parts = [Part(a.question) for a in answers]
    assert Reader(llm).read(SimpleNamespace(catalog=_Catalog(), records=None), "…", parts, answers) is None
    assert llm.calls == []


def test_没有证据可读时不调用模型():
    llm = FakeLLM(_reply((1, False, "一年加工铝型材800吨[1]。")))
    refused = _rules("她出席过哪些活动？", "abstain", "问题里的「他」指谁？")
    assert Reader(llm).read(SimpleNamespace(catalog=_Catalog(), records=None), "…", [Part(refused.question)], [refused]) is None
    assert llm.calls == []


def test_模型拒答时保留规则的拒答和最接近的报道():
    llm = FakeLLM(_reply((1, True, "")))
    a = _engine(llm).ask("火星基地有多少名宇航员？")
    assert llm.calls  # the nearest article was there to read
    assert a.mode == "abstain" and "未在报纸中找到" in a.answer and a.nearest


# -- wiring ------------------------------------------------------------------------------------------
def test_只有openai后端默认启用阅读_本地Gemma从不阅读():
    from qa.answer.wiring import reader_for
    from qa.errors import ConfigError
    from qa.settings import Settings

    assert reader_for(Settings(), None) is None
    assert reader_for(Settings(llm={"read": False, "backend": "openai", "base_url": "http://127.0.0.1:1/v1"}), None) is None
    assert isinstance(reader_for(Settings(llm={"backend": "openai", "base_url": "http://127.0.0.1:1/v1"}), object()), Reader)
    with pytest.raises(ConfigError):
        reader_for(Settings(llm={"read": True}), None)


def test_来源说法不一的答案不交给模型改写():
    from qa.answer.read import Reader

    disagreeing = Answer(question="项目每年加工多少吨？", mode="retrieval",
                         answer="两篇报道说法不一：第1期称800吨[1]；第2期称99999吨[2]。")
    assert Reader(llm=None).read(None, "项目每年加工多少吨？", [], [disagreeing]) is None
