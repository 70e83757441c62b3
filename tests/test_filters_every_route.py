"""Date and issue filters apply to every route: office holders, a person's posts, the issue catalog, the text."""

from __future__ import annotations

import datetime as dt

import gradio as gr
import pytest

from qa.answer.records import period

pytestmark = pytest.mark.slow

Y2021 = (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture(scope="module")
def app(engine, seed_settings):
    from qa.app.ui import ArchiveApp
    from qa.catalog import Catalog
    from qa.meetings.store import MeetingStore

    return ArchiveApp(engine, Catalog.open(seed_settings.index_dir), MeetingStore.from_settings(seed_settings))


def test_问题的年份与筛选日期取交集():
    assert period(None, None, None) == (None, None)
    assert period(2023, None, None) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert period(2023, dt.date(2023, 6, 1), None) == (dt.date(2023, 6, 1), dt.date(2023, 12, 31))
    start, end = period(2021, *Y2024)
    assert start > end, "a 2021 question under a 2024 filter asks about no day"


def test_谁任某职的回答按筛选日期作答(engine):
    everyone = engine.ask("区长是谁？")
    assert "张元升" in everyone.answer and "孙杰" in everyone.answer
    in_2021 = engine.ask("区长是谁？", date_from=Y2021[0], date_to=Y2021[1])
    assert "张元升" in in_2021.answer and "孙杰" not in in_2021.answer, in_2021.answer
    in_2024 = engine.ask("区长是谁？", date_from=Y2024[0], date_to=Y2024[1])
    assert "孙杰" in in_2024.answer and "张元升" not in in_2024.answer, in_2024.answer
    assert "起" not in in_2024.answer, "the first printing inside a filter is not when the post began"
    assert all(c.issue_date.startswith("2024") for c in in_2024.citations)


def test_某人职务的回答按筛选日期作答(engine):
    assert "区长" in engine.ask("孙杰的职务都有哪些？").answer
    before = engine.ask("孙杰的职务都有哪些？", date_from=Y2021[0], date_to=Y2021[1])
    assert before.mode == "abstain" and "孙杰" not in before.answer.split("未在")[0], before.answer
    crossed = engine.ask("2021年孙杰的职务都有哪些？", date_from=Y2024[0], date_to=Y2024[1])
    assert crossed.mode == "abstain", crossed.answer


def test_期号问题在筛选范围外时说明而不是照答(engine):
    plain = engine.ask("第2415期哪天出版？")
    assert "2021年11月4日" in plain.answer
    outside = engine.ask("第2415期哪天出版？", date_from=Y2024[0], date_to=Y2024[1])
    assert outside.mode == "abstain" and "筛选" in outside.answer and "2021" not in outside.answer, outside.answer
    inside = engine.ask("第2415期哪天出版？", date_from=dt.date(2021, 11, 1), date_to=dt.date(2021, 11, 30))
    assert "2021年11月4日" in inside.answer


def test_接口按期号筛选时职务问题也只看这一期(app):
    found = app.api_answer(question="区长是谁？", issue_no=2415)
    assert "张元升" in found["answer"] and "孙杰" not in found["answer"], found["answer"]
    dated = app.api_answer(question="区长是谁？", date_from="2024", date_to="2024")
    assert "孙杰" in dated["answer"] and "张元升" not in dated["answer"]


def test_接口收到颠倒的日期范围时给出中文说明(app):
    with pytest.raises(gr.Error) as caught:
        app.api_answer(question="区长是谁？", date_from="2024-05", date_to="2021-11")
    message = caught.value.message
    assert "晚于结束日期" in message and "调换" in message
    assert not any(raw in message for raw in ("Traceback", "Error", "date("))
