"""`qa eval --check`: gates that keep the project from sliding back without pulling it toward one set.

- dev may fall at most a tolerance below its recorded level (`eval/dev/level.json`,
  written by `qa eval --record` when a change is meant to move it);
- sealed may not fall below a floor set from its first run (`eval/sealed/floor.json`,
  written by that run). Nothing demands 100 % of any set: a gate that asks for the figures
  a set already reached makes every fix a fit to that set.
Tolerances live in `eval/gates.toml`.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qa.errors import QAError
from qa.eval.run import CheckResult, EvalReport
from qa.eval.score import METRIC_BY_KEY

# The figures a level or floor records: the ones a user feels.
GATED = ("correct_cited", "correct", "abstain_recall", "false_refusal_rate", "grounding_violation_rate", "hit_at_5")
# The sealed floor holds the summary figures only: correctness already counts refusing the
# unanswerable and answering the answerable, so its parts may trade against each other
# (three more refusals missed for forty more right answers) while the whole may not fall.
SEALED_FLOOR = ("correct_cited", "correct", "grounding_violation_rate", "hit_at_5", "ceiling")


class BadGates(QAError):
    """A gates file, level or floor that cannot be read."""


class Gates(BaseModel):
    """How far a figure may move against the recorded level (fractions: 0.03 = 3 points)."""

    model_config = ConfigDict(extra="forbid")

    dev_tolerance: float = Field(0.03, ge=0, description="overall dev figures may fall this far below the level")
    dev_type_tolerance: float = Field(0.15, ge=0, description="per type and facet (few questions each)")
    robustness_tolerance: float = Field(0.03, ge=0)
    sealed_margin: float = Field(0.02, ge=0, description="the floor sits this far below the first sealed run")
    max_errors: int = Field(0, ge=0, description="questions that may raise")


def load_gates(path: Path) -> Gates:
    try:
        return Gates.model_validate(tomllib.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise BadGates(f"无法读取门槛文件 {path}：{exc.strerror}。") from exc
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise BadGates(f"门槛文件 {path} 有误：{exc}") from exc


def figures(report: EvalReport, groups: bool = True) -> dict[str, dict[str, float]]:
    """The project's gated figures: `overall`, each type and facet, and `robustness`."""
    project = report.project
    out: dict[str, dict[str, float]] = {}
    if project is None:
        return out
    for group, summary in project.summary.items():
        if group != "overall" and not groups:
            continue
        out[group] = {k: summary.values[k] for k in GATED if summary.values.get(k) is not None}
    if report.ceiling.get("overall") is not None:
        out.setdefault("overall", {})["ceiling"] = report.ceiling["overall"]
    if report.robustness is not None and report.robustness.same is not None:
        out["robustness"] = {"same": report.robustness.same}
    return out


def read_json(path: Path) -> dict | None:
    if not Path(path).exists():
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BadGates(f"{path} 不是有效的 JSON：{exc}。删除它再运行一次即可重新生成。") from exc


def write_json(path: Path, data: dict) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _compare(result: CheckResult, where: str, key: str, value: float | None, ref: float, tol: float) -> None:
    lower_better = key in METRIC_BY_KEY and METRIC_BY_KEY[key].better == "lower"
    if value is None:
        result.failures.append(f"{where} {key}：本次没有数字（记录为 {ref:.3f}）")
        return
    ok = value <= ref + tol + 1e-9 if lower_better else value >= ref - tol - 1e-9
    bound = f"上限 {ref + tol:.3f}" if lower_better else f"下限 {ref - tol:.3f}"
    (result.passed if ok else result.failures).append(f"{where} {key} = {value:.3f}，{bound}（记录 {ref:.3f}）")


def check_dev(report: EvalReport, level: dict | None, gates: Gates) -> CheckResult:
    """Dev inside its tolerance band below the recorded level; no level yet: fail and say how to record one."""
    result = CheckResult(ok=True)
    if level is None:
        return CheckResult(ok=False, failures=["dev 还没有记录的水平：运行 qa eval --split dev --record 并提交 eval/dev/level.json"])
    now = figures(report)
    for group, recorded in level.items():
        tol = gates.dev_tolerance if group == "overall" else (
            gates.robustness_tolerance if group == "robustness" else gates.dev_type_tolerance)
        where = "dev " + ("总体" if group == "overall" else group)
        if group not in now:
            if report.limited:
                continue
            result.failures.append(f"{where}：本次没有这一组题")
            continue
        for key, ref in recorded.items():
            _compare(result, where, key, now[group].get(key), ref, tol)
    _errors(report, gates, result)
    result.ok = not result.failures
    return result


def check_sealed(report: EvalReport, floor: dict | None, gates: Gates) -> CheckResult:
    """Sealed overall at or above the floor of its first run (None: this run sets it)."""
    result = CheckResult(ok=True)
    if floor is None:
        result.passed.append("sealed 第一次运行：以本次数字减去余量作为下限")
        return result
    now = figures(report, groups=False).get("overall", {})
    for key, ref in floor.get("overall", {}).items():
        if key not in SEALED_FLOOR:
            continue
        _compare(result, "sealed 总体", key, now.get(key), ref, 0.0)
    _errors(report, gates, result)
    result.ok = not result.failures
    return result


def _errors(report: EvalReport, gates: Gates, result: CheckResult) -> None:
    errors = report.project.summary["overall"].values.get("errors") or 0 if report.project else 0
    if errors > gates.max_errors:
        result.failures.append(f"{report.split} 有 {errors:.0f} 道题运行出错（允许 {gates.max_errors}）")


def floor_from(report: EvalReport, gates: Gates) -> dict:
    """The sealed floor: the first run's overall figures moved by the margin, in the direction of worse."""
    overall = figures(report, groups=False).get("overall", {})
    floor = {}
    for key, value in ((k, v) for k, v in overall.items() if k in SEALED_FLOOR):
        lower_better = key in METRIC_BY_KEY and METRIC_BY_KEY[key].better == "lower"
        floor[key] = round(min(1.0, value + gates.sealed_margin) if lower_better else max(0.0, value - gates.sealed_margin), 4)
    return {"overall": floor, "set_by": report.commit or "", "created": report.created.isoformat()}


def level_from(report: EvalReport) -> dict:
    """The dev level to record: the run's figures, rounded."""
    return {g: {k: round(v, 4) for k, v in vals.items()} for g, vals in figures(report).items()}
