"""The /ask API's inputs checked at the edge: anything a client can send gets a Chinese answer, never a traceback.

gradio passes JSON through as it came: a number where a question belongs, a history of
integers, an issue number with 30 digits. Each is refused here with what to send instead.
"""

from __future__ import annotations

from typing import get_args

from qa.answer.models import Answer, AnswerMode
from qa.errors import BadQuestion

MAX_ISSUE_NO = 99_999
MAX_HISTORY = 50  # turns kept for follow-ups; older ones cannot matter to the next question
_MODES = set(get_args(AnswerMode))


def _kind(value: object) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return "数字"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return "无法识别的值"


def question_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadQuestion(f"question 应为文字（一个中文问题），收到的是{_kind(value)}。")
    return value


def date_text(value: object, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadQuestion(f"{name} 应为文字日期，例如 \"2023\"、\"2023-02\" 或 \"2023-02-24\"，收到的是{_kind(value)}。")
    return value


def issue_number(value: object) -> int | None:
    """An issue number (第N期) as sent: 2415 or "2415"; 0, "" and None mean none."""
    if value is None or value == "" or value == 0:
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= MAX_ISSUE_NO:
        raise BadQuestion(f"期号应为 1 到 {MAX_ISSUE_NO} 之间的整数（例如 2415）。")
    return number


def earlier_turns(history: object) -> list[Answer]:
    """Earlier /ask results as the engine's turns; only what a follow-up needs is read from them."""
    if history is None or history == "":
        return []
    if isinstance(history, dict):
        history = [history]  # one earlier result sent without its list
    if not isinstance(history, (list, tuple)):
        raise BadQuestion(f"history 应为列表：按顺序放入先前 /ask 返回的对象，例如 history=[first]；收到的是{_kind(history)}。")
    turns = []
    for n, item in enumerate(list(history)[-MAX_HISTORY:], 1):
        if not isinstance(item, dict):
            raise BadQuestion(
                f"history 第{n}项应为先前 /ask 返回的对象（含 question 和 answer），收到的是{_kind(item)}。"
            )
        question, answer = item.get("question", ""), item.get("answer", "")
        if not isinstance(question, str) or not isinstance(answer, str):
            raise BadQuestion(f"history 第{n}项的 question 和 answer 应为文字：请原样传回先前 /ask 返回的对象。")
        mode = item.get("mode") if item.get("mode") in _MODES else "retrieval"
        focus = item.get("focus")
        focus = {k: v for k, v in focus.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(focus, dict) else {}
        turns.append(Answer(question=question, answer=answer, mode=mode, focus=focus))
    return turns
