"""The hostile-input bench's questions, asked of an in-process engine: words for every one, never internals, never a planted fact, never bare markers.

bench/hostile_inputs.py sends the same list to a live `qa serve`; this keeps the promise in the suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

import gradio as gr
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from hostile_inputs import QUESTIONS, Tally, judge_answer  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(engine, seed_settings):
    from qa.app.ui import ArchiveApp
    from qa.catalog import Catalog
    from qa.meetings.store import MeetingStore

    return ArchiveApp(engine, Catalog.open(seed_settings.index_dir), MeetingStore.from_settings(seed_settings))


def test_恶意问题清单足够多且名字不重复():
    assert len(QUESTIONS) >= 90
    assert len({c.name for c in QUESTIONS}) == len(QUESTIONS)


@pytest.mark.parametrize("case", QUESTIONS, ids=[c.name for c in QUESTIONS])
def test_恶意问题得到中文回答或中文说明_不漏内部错误_不给空引用(app, case):
    tally = Tally()
    try:
        result, error = app.api_answer(**case.kwargs), None
    except gr.Error as exc:
        result, error = None, exc.message
    judge_answer(tally, case.name, result, error)
    assert not tally.raw, tally.raw
    assert not tally.bare, tally.bare
    assert not tally.planted, tally.planted


def test_问某人在不存在的日子忙了什么_说没有记载而不出错(engine):
    a = engine.ask("2023年2月30日这一天张元升都忙了哪些事？")
    assert a.answer.startswith("未在报纸中找到")
