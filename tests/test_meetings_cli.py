"""`qa meetings` and `qa people` on a fresh index directory: they build the records themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.cli.meetings import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "meetings_gold.json"


@pytest.fixture()
def run(tmp_path):
    runner = CliRunner()
    env = {"QA_INDEX_DIR": str(tmp_path / "index_store"), "QA_SEEDS_DIR": str(ROOT / "seeds")}

    def invoke(*args: str):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_空库时qa_meetings自动从seeds建立并列出所有会议(run, tmp_path):
    result = run("meetings")
    assert result.exit_code == 0
    assert "奇瑞项目推进工作专题会议" in result.output
    assert "主持：韩世军" in result.output
    assert "来源：第2415期 2021-11-04" in result.output
    assert (tmp_path / "index_store" / "archive.sqlite").exists()
    again = run("meetings")
    assert "会议记录库为空" not in again.output


def test_qa_meetings按人员与日期筛选(run):
    result = run("meetings", "--person", "王宝善", "--from", "2023", "--to", "2023-12")
    assert result.exit_code == 0
    assert "全区重点项目现场观摩会" in result.output
    assert "王宝善：带领、调研视察" in result.output  # the 视察 …
    assert "王宝善：讲话" in result.output  # … and the 座谈会 after it, an event of its own
    assert "2021-11-03" not in result.output and "2024-" not in result.output


def test_qa_meetings的json每行一个会议且带出处句子(run):
    result = run("meetings", "--json", "--person", "张元升")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [m["article_id"] for m in lines] == ["000_4891b56cadfbdf84-01", "000_4891b56cadfbdf84-04"]
    attendee = next(a for a in lines[1]["attendances"] if a["person"] == "张元升" and a["role"] == "attendee")
    assert attendee["evidence"]["quote"].endswith("区政协主席于澎出席会议。")
    assert attendee["evidence"]["source"] == "seeds/000_4891b56cadfbdf84.txt"


def test_qa_people显示职务时间线与会议来源(run):
    result = run("people", "王宝善")
    assert result.exit_code == 0
    assert "区人大常委会主任  2023-02-24 至 2024-11-22" in result.output
    assert "区委副书记  2021-11-03" in result.output
    assert "会议和活动（7 个）" in result.output
    assert "seeds/003_fe06ce4d6c70b362.txt" in result.output


def test_qa_people的json含职务与会议(run):
    data = json.loads(run("people", "孙杰", "--json").stdout)
    assert data["name"] == "孙杰"
    assert "区长" in [t["title"] for t in data["titles"]]
    assert len(data["meetings"]) == 7


def test_qa_people未知姓名给出提示而非堆栈(run):
    result = run("people", "王宝")
    assert result.exit_code == 1
    assert "会议记录中没有“王宝”。相近的姓名：王宝善。" in result.output
    assert "Traceback" not in result.output


def test_qa_meetings_rebuild从给定路径重建(run):
    result = run("meetings", "--rebuild", str(ROOT / "seeds" / "003_fe06ce4d6c70b362.txt"))
    assert result.exit_code == 0
    assert "已从 1 期报纸重建会议记录：5 个会议或活动" in result.output
    assert "奇瑞" not in result.output and "即墨区政企沟通座谈会" in result.output


def test_qa_meetings_score打印精确率召回率(run):
    result = run("meetings", "--score", str(GOLD))
    assert result.exit_code == 0
    assert "精确率 1.000" in result.output or "精确率 0.9" in result.output
    assert "达到目标" in result.output


def test_路径参数只能与rebuild或score一起用(run):
    result = CliRunner().invoke(main, ["meetings", "seeds"])
    assert result.exit_code == 2
    assert "PATH 只能与 --rebuild 或 --score 一起使用" in result.output


def test_日期格式错误时说明正确写法(run):
    result = CliRunner().invoke(main, ["meetings", "--from", "去年"])
    assert result.exit_code == 2
    assert "请写成 2023、2023-02 或 2023-02-24" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_每个命令都有帮助说明(command):
    assert command.help
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"{command.name} {param.name}"
