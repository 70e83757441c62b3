"""`qa ask` keeps the JSON contract of design §5, one object per line in batch mode, in order."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def _qa(args, settings, stdin=None):
    env = os.environ | {"QA_INDEX_DIR": str(settings.index_dir), "QA_SEEDS_DIR": str(settings.seeds_dir)}
    return subprocess.run([sys.executable, "-m", "qa", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


def test_ask_json输出契约字段齐全(seed_settings):
    r = _qa(["ask", "--json", "谁主持了奇瑞项目推进工作专题会？"], seed_settings)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert {"question", "answer", "mode", "citations"} <= obj.keys()
    c = obj["citations"][0]
    assert {"n", "issue_no", "issue_date", "title", "source", "quote"} <= c.keys()
    assert "韩世军" in obj["answer"] and f"[{c['n']}]" in obj["answer"]
    assert c["issue_no"] == 2415 and c["source"].endswith("000_4891b56cadfbdf84.txt")


def test_批量模式第N行输出回答第N行输入_空行和坏行给出错误对象(seed_settings):
    questions = "第2415期的出版日期是哪天？\n\n" + "谁" * 600 + "\n   \n2024年5月21日这天出的报纸是哪一期？\n"
    r = _qa(["ask", "--json", "-"], seed_settings, stdin=questions)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 5
    assert "2021年11月4日" in lines[0]["answer"]
    assert lines[1] == {"question": "", "error": lines[1]["error"]} and "问题为空" in lines[1]["error"]
    assert "问题太长" in lines[2]["error"]
    assert "问题为空" in lines[3]["error"]
    assert "3026" in lines[4]["answer"]


def test_空问题给出一行提示而不是堆栈(seed_settings):
    r = _qa(["ask", "  "], seed_settings)
    assert r.returncode == 1 and "问题为空" in r.stderr and "Traceback" not in r.stderr
