"""The command line never shows Python's errors: bad settings, impossible dates, huge numbers, unexpected failures."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from qa.cli import main

RAW = re.compile(r"Traceback|out of range for month|too large to convert|has no attribute|validation error|"
                 r"Input should be|errors\.pydantic|TOMLDecodeError|Invalid value \(")


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no qa.toml of the project's
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))

    def invoke(*args, **env):
        result = CliRunner().invoke(main, list(args), env=env)
        assert not RAW.search(result.output), result.output
        return result

    return invoke


def test_设置写错时说明哪一项_在哪里改_应该是什么(run):
    result = run("search", "奇瑞项目", QA_SERVER__PORT="八千", QA_LLM__BACKEND="gpt")
    assert result.exit_code == 1
    assert "server.port" in result.output and "QA_SERVER__PORT" in result.output and "应为整数" in result.output
    assert "QA_LLM__BACKEND" in result.output and "'local'、'openai'" in result.output


def test_设置文件不是有效TOML时指出行列(run, tmp_path):
    (tmp_path / "qa.toml").write_text("[server]\nport = \n", encoding="utf-8")
    result = run("search", "奇瑞项目")
    assert result.exit_code == 1 and "qa.toml 不是有效的 TOML（第 2 行" in result.output


def test_密码写错格式时不回显密码(run):
    result = run("search", "x", QA_SERVER__AUTH='[["editor", "机密口令", "多余"]]')
    assert result.exit_code == 1 and "server.auth" in result.output and "机密口令" not in result.output


@pytest.mark.parametrize("args, says", [
    (["ask", "--from", "2023-02-30", "问题"], "2023年2月没有30日"),
    (["ask", "--to", "2023-13", "问题"], "没有13月"),
    (["search", "问题", "--from", "2021-11-31"], "2021年11月没有31日"),
    (["meetings", "--from", "2023-02-29"], "2023年2月没有29日"),
    (["search", "问题", "--issue", "1" + "0" * 30], "期号应为 1 到 99999 之间的整数"),
    (["ask", "--from", "2024", "--to", "2023", "问题"], "晚于结束日期"),
], ids=["ask-feb-30", "ask-month-13", "search-nov-31", "meetings-feb-29", "search-huge-issue", "reversed"])
def test_不存在的日期和过大的期号给出中文说明(run, args, says):
    result = run(*args)
    assert result.exit_code == 2 and says in result.output


def test_意外错误只显示中文提示_QA_DEBUG时给出详情(run, monkeypatch):
    import qa.ingest

    def broken(*_args, **_kwargs):
        raise RuntimeError("internal detail /srv/secret/path")

    monkeypatch.setattr(qa.ingest, "ingest", broken)
    result = run("ingest", "--quiet")
    assert result.exit_code == 1 and "内部错误（RuntimeError）" in result.output and "QA_DEBUG=1" in result.output
    assert "/srv/secret/path" not in result.output

    debug = CliRunner().invoke(main, ["ingest", "--quiet"], env={"QA_DEBUG": "1"})
    assert isinstance(debug.exception, RuntimeError)
