"""Running systems over eval questions: conversations in order, timing, scoring.

Systems are anything with `ask(question, history) -> Answer`; the answer engine and the
plain baseline are passed in, so the runner itself needs no model.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from qa.answer.models import Answer
from qa.errors import QAError
from qa.eval.gold import ArticleText, GoldQuestion
from qa.eval.judge import JudgeSummary
from qa.eval.score import METRIC_BY_KEY, GroupSummary, QuestionScore, score_answer, summarise_by_type

PROJECT, BASELINE, CITATION = "project", "baseline", "citation"
LABELS = {
    PROJECT: "本项目 project",
    BASELINE: "基线 baseline",
    CITATION: "检索+引用基线 retrieval+citation",
}


class System(Protocol):
    """What the runner asks: the answer engine, the baseline, or a test double."""

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer: ...


class SystemResult(BaseModel):
    """One system's answers, their scores and the summaries (overall first, then per type)."""

    name: str
    label: str
    answers: list[Answer]
    scores: list[QuestionScore]
    summary: dict[str, GroupSummary]
    sample_summary: dict[str, GroupSummary] | None = Field(
        None, description="the same summaries on the baselines' sample only, when they answered a sample")
    seconds: float = Field(description="wall-clock time of the whole run")
    cached: int = Field(0, description="answers reused from the answer cache")


class CheckResult(BaseModel):
    """The outcome of comparing the project's figures with its gates (`qa.eval.gates`)."""

    ok: bool
    failures: list[str] = Field(default_factory=list)
    passed: list[str] = Field(default_factory=list)


class Robustness(BaseModel):
    """How the project did on perturbed dev questions: the share scored the same as their original."""

    n_variants: int
    n_originals: int
    same: float | None = Field(description="share of variants whose correctness equals their original's")
    by_kind: dict[str, float | None] = Field(default_factory=dict)
    n_by_kind: dict[str, int] = Field(default_factory=dict)
    correct: float | None = Field(None, description="share of variants answered correctly")


class EvalReport(BaseModel):
    """Everything one split's evaluation produced; `--json` prints this (sealed: aggregates only)."""

    created: dt.datetime
    questions_file: str
    n_questions: int
    split: str = "dev"
    sealed: bool = False
    tuned: bool = Field(True, description="figures on data the engine was tuned against")
    commit: str | None = None
    limited: bool = False
    ceiling: dict[str, float | None] = Field(default_factory=dict, description="gold article in the top 5, per group")
    ceiling_n: dict[str, int] = Field(default_factory=dict)
    robustness: Robustness | None = None
    perturbations: SystemResult | None = Field(None, description="the project on the perturbed dev questions")
    baseline_sample: int | None = Field(None, description="questions the baselines answered (a fixed sample), None: all")
    setup: dict[str, str] = Field(default_factory=dict, description="embedder, LLM, corpus: what was measured")
    systems: dict[str, SystemResult]
    notes: list[str] = Field(default_factory=list)
    judge: dict[str, JudgeSummary] | None = Field(None, description="per system; None when no judge is configured")
    check: CheckResult | None = None

    @property
    def project(self) -> SystemResult | None:
        return self.systems.get(PROJECT)

    @property
    def baseline(self) -> SystemResult | None:
        return self.systems.get(BASELINE)


# ---------------------------------------------------------------- selecting and running


def limit_questions(questions: Sequence[GoldQuestion], limit: int | None) -> list[GoldQuestion]:
    """The first `limit` questions, without follow-up turns whose earlier turns were cut off."""
    if limit is None or limit >= len(questions):
        return list(questions)
    kept = list(questions[:limit])
    started = {q.conversation for q in kept if q.conversation and (q.turn or 1) == 1}
    return [q for q in kept if not q.conversation or q.conversation in started]


def run_system(
    system: System,
    questions: Sequence[GoldQuestion],
    on_answer: Callable[[GoldQuestion, Answer], None] = lambda q, a: None,
) -> tuple[list[Answer], list[str | None]]:
    """Ask every question in order (each conversation's earlier answers as history); one error per question at most."""
    histories: dict[str, list[Answer]] = {}
    answers, errors = [], []
    for q in questions:
        history = histories.setdefault(q.conversation, []) if q.conversation else None
        started = time.perf_counter()
        error = None
        try:
            answer = system.ask(q.question, list(history) if history else None)
        except Exception as exc:  # noqa: BLE001 - one failing question must not lose a 10-minute run; it is counted and shown
            error = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, QAError):
                traceback.print_exc(file=sys.stderr)
            answer = Answer(question=q.question, answer="", mode="error")
        if not answer.seconds:
            answer.seconds = time.perf_counter() - started
        if history is not None:
            history.append(answer)
        answers.append(answer)
        errors.append(error)
        on_answer(q, answer)
    return answers, errors


def score_system(
    name: str,
    questions: Sequence[GoldQuestion],
    answers: Sequence[Answer],
    errors: Sequence[str | None],
    articles: dict[str, ArticleText],
    known: set[str],
    seconds: float,
    cached: int = 0,
) -> SystemResult:
    """Score a system's answers and summarise them."""
    scores = [score_answer(a, q, articles, known, e) for q, a, e in zip(questions, answers, errors, strict=True)]
    return SystemResult(
        name=name,
        label=LABELS.get(name, name),
        answers=list(answers),
        scores=scores,
        summary=summarise_by_type(scores),
        seconds=seconds,
        cached=cached,
    )


# ---------------------------------------------------------------- comparisons


def is_ahead(key: str, project: float | None, baseline: float | None) -> bool:
    """Project strictly better than baseline, or both at the ideal value (0 for lower-is-better, 1 for rates)."""
    if project is None or baseline is None:
        return False
    if METRIC_BY_KEY[key].better == "lower":
        return project < baseline or project == baseline == 0
    return project > baseline or (project == baseline == 1 and METRIC_BY_KEY[key].unit == "pct")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


# ---------------------------------------------------------------- native log noise


@contextlib.contextmanager
def native_stderr_to(path: Path) -> Iterator[object]:
    """Send file descriptor 2 (llama.cpp's C-level log) to a file; yields a stream on the real stderr.

    llama.cpp prints timing lines for every completion straight to fd 2, which would bury
    the progress bar; the yielded stream still reaches the terminal.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    with path.open("ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            terminal.close()
