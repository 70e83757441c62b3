"""The optional LLM judge: off by default, and when it cannot score it says why (never NaN)."""

from __future__ import annotations

import socket

from qa.answer.models import Answer
from qa.eval.gold import GoldQuestion
from qa.eval.judge import JudgeSettings, Verdict, build_judge_llm, disabled, judge_answers, parse_verdict, summarise_verdicts

Q = GoldQuestion(id="q1", type="chair", question="谁主持？", answerable=True, gold_facts=["韩世军"], gold_articles=["a"])
A = Answer(question="谁主持？", answer="韩世军主持[1]。", mode="retrieval")


def test_默认不启用评审_并说明怎么启用(monkeypatch):
    monkeypatch.delenv("QA_JUDGE__BASE_URL", raising=False)
    assert not JudgeSettings().enabled
    assert "QA_JUDGE__BASE_URL" in disabled().reason


def test_评审回复的JSON能读出_读不出时说明收到了什么():
    v = parse_verdict("q1", '好的。{"correct": true, "faithful": false}')
    assert (v.correct, v.faithful, v.reason) == (True, False, None)
    bad = parse_verdict("q1", "我认为答案正确")
    assert bad.correct is None and "我认为答案正确" in bad.reason
    assert "空回复" in parse_verdict("q1", "").reason
    assert parse_verdict("q1", '{"correct": "yes", "faithful": 1}').reason


def test_汇总只算评了分的题_全没评时给出原因而不是NaN():
    s = summarise_verdicts([Verdict(id="a", correct=True, faithful=True), Verdict(id="b", reason="坏了")])
    assert s.correct == 1.0 and s.scored == 1 and s.unscored == 1 and s.reasons == ["坏了"]
    none = summarise_verdicts([Verdict(id="a", reason="评审模型不可用：x")])
    assert none.correct is None and none.reason == "评审模型不可用：x"


def test_评审服务连不上时每题都说明原因且不逐题等待超时():
    with socket.socket() as s:  # a loopback port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = build_judge_llm(JudgeSettings(base_url=f"http://127.0.0.1:{port}/v1", model="judge", timeout_s=5))
    summary = judge_answers(llm, [Q, Q, Q], [A, A, A], {})
    assert summary.scored == 0 and summary.unscored == 3 and summary.correct is None
    assert summary.reason.startswith("评审模型不可用")
    assert all(v.reason == summary.reason for v in summary.verdicts)
