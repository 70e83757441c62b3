"""Settings errors in Chinese: which setting, where it can be set, what it should be, what was given.

pydantic and tomllib word their errors in English for programmers; a user who mistyped
QA_SERVER__PORT needs the setting's names and an example instead.
"""

from __future__ import annotations

import re
import tomllib

from pydantic import ValidationError

_SECRET = {"auth", "api_key"}  # never echo what was given: it holds passwords
_EXPECTED = {
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "tuple_type": "应为 [用户名, 密码] 这样的两项列表",
    "too_short": "项数不够",
    "too_long": "项数太多",
    "path_type": "应为文件或目录路径",
    "json_invalid": "应为 JSON，例如 [[\"editor\", \"secret\"]]",
    "missing": "缺少这一项",
    "extra_forbidden": "没有这个设置项（拼写错误？）",
}


def _what(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "literal_error":
        return f"应为以下之一：{str(ctx.get('expected', '')).replace(' or ', '、')}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))}"
    return _EXPECTED.get(kind, "取值无效")


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def explain_validation(exc: ValidationError) -> str:
    """One line per bad setting: `server.port（环境变量 QA_SERVER__PORT）应为整数，收到：abc`."""
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
        dotted = ".".join(loc) or "（整体）"
        env = "QA_" + "__".join(loc).upper()
        quiet = error["type"] in ("missing", "extra_forbidden") or _SECRET & set(loc)
        given = "" if quiet else f"，收到：{_shown(error.get('input'))}"
        lines.append(f"{dotted}（qa.toml 中的 {dotted}，或环境变量 {env}）{_what(error)}{given}")
    return "设置有误，请改正后重试：\n  " + "\n  ".join(lines)


def explain_toml(exc: tomllib.TOMLDecodeError, path: str) -> str:
    """Where the TOML file is broken, without the parser's English."""
    m = re.search(r"line (\d+), column (\d+)", str(exc))
    where = f"第 {m.group(1)} 行第 {m.group(2)} 列" if m else "某处"
    return f"设置文件 {path} 不是有效的 TOML（{where}）：值要写成 key = \"文字\"、key = 123 或 key = true。"
