"""The runner, gates, answer cache, report and CLI, with scripted systems (no models)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.answer.models import Answer, Citation
from qa.cli import main
from qa.eval.baseline import PipelineResponse, ResponseCache, SourceChunk, to_answer
from qa.eval.gates import BadGates, Gates, check_dev, check_sealed, floor_from, level_from, load_gates
from qa.eval.gold import ArticleText, GoldQuestion
from qa.eval.report import render_markdown, render_text, text_table, write_chart
from qa.eval.run import BASELINE, PROJECT, EvalReport, limit_questions, run_system, score_system
from qa.eval.suite import aggregates_only, append_log, baseline_sample

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = {
    "a-01": ArticleText(id="a-01", text="区委书记韩世军主持会议。区长张元升出席。", issue="a", issue_no=2415,
                        issue_date=dt.date(2021, 11, 4)),
}
KNOWN = {"韩世军", "张元升"}


def _q(qid: str, question: str, **kw) -> GoldQuestion:
    base = dict(id=qid, type="chair", question=question, answerable=True, gold_facts=["韩世军"], gold_articles=["a-01"])
    return GoldQuestion(**(base | kw))


QUESTIONS = [
    _q("q1", "谁主持了会议？"),
    _q("q2", "他是什么职务？", type="followup", gold_facts=["区委书记"], conversation="c1", turn=2),
    _q("q0", "谁主持会议？", type="followup", conversation="c1", turn=1),
    _q("u1", "谁主持了第90次会议？", type="unanswerable", answerable=False, gold_facts=[], gold_articles=[]),
]
# Conversations are asked in file order; put turn 1 before turn 2 as the set does.
QUESTIONS = [QUESTIONS[0], QUESTIONS[2], QUESTIONS[1], QUESTIONS[3]]


class ScriptedSystem:
    """A fake system that answers from a script and records the history it was given."""

    def __init__(self, script: dict[str, str], fail_on: str | None = None):
        self.script, self.fail_on, self.seen = script, fail_on, []

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer:
        self.seen.append((question, [a.question for a in history or []]))
        if question == self.fail_on:
            raise RuntimeError("boom")
        text = self.script.get(question, "未在报纸中找到。")
        cite = Citation(n=1, article_id="a-01", issue_no=2415, issue_date="2021-11-04", title="t", source="s", quote="")
        mode = "abstain" if text.startswith("未在") else "retrieval"
        return Answer(question=question, answer=text, mode=mode, citations=[] if mode == "abstain" else [cite],
                      retrieved=["a-01"], seconds=0.5)


GOOD = {"谁主持了会议？": "韩世军主持[1]。", "谁主持会议？": "韩世军[1]。", "他是什么职务？": "区委书记[1]。"}


def _report(project: ScriptedSystem | None, baseline: ScriptedSystem | None) -> EvalReport:
    systems = {}
    for name, system in ((PROJECT, project), (BASELINE, baseline)):
        if system is None:
            continue
        answers, errors = run_system(system, QUESTIONS)
        systems[name] = score_system(name, QUESTIONS, answers, errors, ARTICLES, KNOWN, seconds=2.0)
    return EvalReport(created=dt.datetime(2026, 1, 1), questions_file="x.jsonl", n_questions=len(QUESTIONS),
                      systems=systems)


def test_追问按顺序在同一对话里带着前文提问():
    system = ScriptedSystem(GOOD)
    run_system(system, QUESTIONS)
    assert system.seen == [("谁主持了会议？", []), ("谁主持会议？", []), ("他是什么职务？", ["谁主持会议？"]),
                           ("谁主持了第90次会议？", [])]


def test_截取题目时丢掉缺了前一轮的追问():
    kept = limit_questions(QUESTIONS, 1)
    assert [q.id for q in kept] == ["q1"]
    assert [q.id for q in limit_questions(QUESTIONS, 3)] == ["q1", "q0", "q2"]
    only_second = [QUESTIONS[2], QUESTIONS[0]]
    assert [q.id for q in limit_questions(only_second, 1)] == []


def test_一道题出错只记这一题_其余照常():
    answers, errors = run_system(ScriptedSystem(GOOD, fail_on="谁主持会议？"), QUESTIONS)
    assert answers[1].mode == "error" and errors[1] == "RuntimeError: boom"
    assert errors[0] is None and answers[2].answer == "区委书记[1]。"
    result = score_system(PROJECT, QUESTIONS, answers, errors, ARTICLES, KNOWN, seconds=1.0)
    assert result.summary["overall"].values["errors"] == 1.0


def test_dev低于记录水平超出容差才失败_没有记录时说怎么记录():
    good = _report(ScriptedSystem(GOOD), None)
    level = level_from(good)
    assert level["overall"]["correct"] == 1.0 and "chair" in level
    assert check_dev(good, level, Gates()).ok
    half = _report(ScriptedSystem({"谁主持了会议？": "韩世军主持[1]。"}), None)
    failed = check_dev(half, level, Gates(dev_tolerance=0.03))
    assert not failed.ok and any("dev 总体 correct" in f for f in failed.failures)
    assert check_dev(half, level, Gates(dev_tolerance=1.0, dev_type_tolerance=1.0)).ok
    missing = check_dev(good, None, Gates())
    assert not missing.ok and "--record" in missing.failures[0]


def test_sealed第一次运行定下限_之后低于下限就失败():
    first = _report(ScriptedSystem(GOOD), None)
    first.sealed = True
    assert check_sealed(first, None, Gates()).ok
    floor = floor_from(first, Gates(sealed_margin=0.02))
    assert floor["overall"]["correct"] == 0.98 and floor["overall"]["grounding_violation_rate"] == 0.02
    worse = _report(ScriptedSystem({}), None)
    worse.sealed = True
    result = check_sealed(worse, floor, Gates())
    assert not result.ok and any("sealed 总体 correct" in f for f in result.failures)


def test_sealed下限只看总的数字_拒答与作答之间可以此消彼长():
    report = _report(ScriptedSystem(GOOD), None)
    report.sealed = True
    floor = {"overall": {"correct": 0.5, "abstain_recall": 1.0, "false_refusal_rate": 0.0}}
    assert check_sealed(report, floor, Gates()).ok  # only the summary figures are floors
    assert set(floor_from(report, Gates())["overall"]) <= {"correct_cited", "correct", "grounding_violation_rate",
                                                           "hit_at_5", "ceiling"}


def test_门槛文件写错了直接报错(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text("dev_tolerence = 0.5\n", encoding="utf-8")
    with pytest.raises(BadGates, match="dev_tolerence"):
        load_gates(path)
    with pytest.raises(BadGates, match="无法读取"):
        load_gates(tmp_path / "missing.toml")


def test_仓库里的门槛文件能读():
    gates = load_gates(ROOT / "eval" / "gates.toml")
    assert 0 < gates.dev_tolerance < 0.1 and gates.max_errors == 0


def test_sealed的JSON和日志只有汇总_没有题目和答案(tmp_path):
    report = _report(ScriptedSystem(GOOD), None)
    report.sealed, report.commit = True, "abc1234"
    data = aggregates_only(report)
    dumped = json.dumps(data, ensure_ascii=False)
    assert "谁主持" not in dumped and "韩世军" not in dumped
    assert data["systems"]["project"]["summary"]["overall"]["values"]["correct"] == 1.0
    row = append_log(report, tmp_path / "log.jsonl")
    append_log(report, tmp_path / "log.jsonl")
    lines = (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and row["commit"] == "abc1234" and row["figures"]["overall"]["correct"] == 1.0
    assert "谁主持" not in lines[0]
    text = render_text(report) + render_markdown(report, None)
    assert "谁主持" not in text and "Misses" not in text and "只报汇总" in text


def test_基线样本按题型分层_每次相同_对话不拆开():
    qs = [_q(f"c{i}", "谁主持？", type=t) for i, t in enumerate(["chair"] * 6 + ["place"] * 6)]
    qs += [_q("f1", "谁？", type="followup", conversation="k", turn=1), _q("f2", "他呢？", type="followup", conversation="k", turn=2)]
    picked = baseline_sample(qs, 5)
    assert picked == baseline_sample(qs, 5)
    types = [q.type for q in picked]
    assert {"chair", "place"} <= set(types)
    assert ("f1" in [q.id for q in picked]) == ("f2" in [q.id for q in picked])
    assert baseline_sample(qs, 0) == qs


def _response(text: str, question: str = "谁主持了会议？") -> PipelineResponse:
    chunks = [SourceChunk(article_id="a-01", title="t", issue_no=2415, issue_date="2021-11-04", source="s", text="韩世军主持"),
              SourceChunk(article_id="a-02", text="别的"), SourceChunk(article_id="a-01", text="张元升出席")]
    return PipelineResponse(question=question, text=text, sources=chunks, seconds=3.0)


def test_基线引用_有标记取被标的来源_没有标记取全部来源():
    marked = to_answer(_response("韩世军主持[1][9]。"))
    assert [(c.n, c.article_id, c.quote) for c in marked.citations] == [(1, "a-01", "韩世军主持")]
    assert marked.retrieved == ["a-01", "a-02"] and marked.mode == "retrieval" and marked.seconds == 3.0
    unmarked = to_answer(_response("韩世军"))
    assert [c.article_id for c in unmarked.citations] == ["a-01", "a-02", "a-01"]


def test_基线响应缓存按输入命中_输入一变就不命中(tmp_path):
    path = tmp_path / "cache.jsonl"
    ResponseCache(path, {"corpus": "x"}).put(_response("韩世军"))
    again = ResponseCache(path, {"corpus": "x"})
    assert again.get("谁主持了会议？").text == "韩世军" and again.hits == 1
    assert again.get("别的问题？") is None
    assert ResponseCache(path, {"corpus": "y"}).get("谁主持了会议？") is None
    assert ResponseCache(path, {"corpus": "x"}, read=False).get("谁主持了会议？") is None
    path.write_text(path.read_text(encoding="utf-8") + '{"key": "torn', encoding="utf-8")
    assert ResponseCache(path, {"corpus": "x"}).get("谁主持了会议？") is not None


def test_报告并列两列和比值_结论引用两边的数字_开头说明哪些数字是调过的(tmp_path):
    report = _report(ScriptedSystem(GOOD), ScriptedSystem({}))
    text = render_text(report)
    assert "本项目 project" in text and "基线 baseline" in text and "比值 ratio" in text
    assert "追问 follow-up" in text
    chart = write_chart(report, tmp_path / "chart.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = render_markdown(report, chart)
    assert "| 答案正确率 correct | 100.0% | 25.0% | 4.00× |" in md
    assert "答案正确率 100.0%（基线 25.0%）" in md and "![" in md
    assert "调过的数据" in "\n".join(md.splitlines()[:4])


def test_只有基线时报告照样写出():
    report = _report(None, ScriptedSystem(GOOD))
    assert "没有可比较的项目数字" in render_markdown(report, None)


def test_终端表格按中文宽度对齐():
    lines = text_table(["题型", "n"], [["主持 chair", "8"], ["x", "10"]]).splitlines()
    assert len({len(line.encode("gbk", "replace")) for line in lines[2:]}) == 1


def test_命令有帮助_门槛文件坏了在运行前就报错(tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(main, ["eval", "--help"]).output
    assert "--no-baseline" in help_text and "--sealed" in help_text and "--record" in help_text
    bad = tmp_path / "g.toml"
    bad.write_text("nope = 1\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", "--check", "--gates", str(bad)])
    assert result.exit_code == 1 and "nope" in result.output


def test_报告里的评审一节_没配置或评不了都写明原因():
    from qa.eval.judge import Verdict, summarise_verdicts

    report = _report(ScriptedSystem(GOOD), ScriptedSystem({}))
    assert "QA_JUDGE__BASE_URL" in render_markdown(report, None)
    report.judge = {
        PROJECT: summarise_verdicts([Verdict(id="q1", correct=True, faithful=True), Verdict(id="q2", reason="回复不是 JSON")]),
        BASELINE: summarise_verdicts([Verdict(id="q1", reason="评审模型不可用：ConnectError")]),
    }
    md = render_markdown(report, None)
    assert "正确 100.0%，忠实 100.0%（评了 1 题，未评 1 题：回复不是 JSON）" in md
    assert "基线 baseline：未评分，评审模型不可用：ConnectError" in md
    assert not re.search(r"\bnan\b", md, re.I)
