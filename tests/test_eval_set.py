"""The eval sets are trustworthy and stay a measurement.

Every gold fact stands in its evidence article; the sealed set is big and varied enough
and is checked by counts only (nothing of a sealed question is ever printed); no eval
question is sent by the tests (tests state the product's promises with their own examples).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.eval.perturb import variants
from qa.eval.splits import NEW_ISSUE, load_raw_questions, own_issue_files
from qa.eval.validate import validate

ROOT = Path(__file__).resolve().parent.parent
DEV, SEALED = ROOT / "eval" / "dev", ROOT / "eval" / "sealed"
REQUIRED_TYPES = {"chair", "attendees", "participants", "role", "person_meetings", "date", "number",
                  "place", "issue_lookup", "caption", "unanswerable", "followup"}
REQUIRED_FACETS = {"compound", "english", "traditional", "paraphrase", "count", NEW_ISSUE, "unanswerable"}


@pytest.fixture(scope="module")
def dev():
    return validate(DEV, ROOT / "seeds", ROOT)


@pytest.fixture(scope="module")
def sealed():
    return validate(SEALED, ROOT / "seeds", ROOT)


def test_dev集每个金标准事实都在证据文章里(dev):
    found, counts = dev
    assert not found.errors, "\n".join(f"{w}: {t}" for w, t in found.errors)
    assert counts["questions"] >= 150 and counts["issues"] >= 5
    assert REQUIRED_TYPES <= set(counts["types"])


def test_sealed集没有错误_只报告数目(sealed):
    found, counts = sealed
    # Sealed means sealed: a failure says how many, never which question or what it asks.
    assert not found.errors, f"sealed 集有 {len(found.errors)} 处错误：请写题的人运行 python -m qa.eval.validate eval/sealed"


def test_sealed集至少150题_4期新报纸_覆盖每种题型和风格(sealed):
    _, counts = sealed
    assert counts["questions"] >= 150 and counts["issues"] >= 4
    assert counts["new_issue_questions"] >= 60
    assert REQUIRED_TYPES <= set(counts["types"]) and counts["types"].get("compound", 0) + counts["tags"].get("compound", 0) >= 10
    facets = {k for k, v in counts["tags"].items() if v >= 5}
    assert REQUIRED_FACETS <= facets, f"sealed 集缺少这些类别（各至少 5 题）：{sorted(REQUIRED_FACETS - facets)}"


def test_dev与sealed的新一期互不重复():
    dev_texts = {p.read_bytes() for p in own_issue_files(DEV)}
    assert not dev_texts & {p.read_bytes() for p in own_issue_files(SEALED)}


def test_dev题至少生成300个变体():
    questions = load_raw_questions(DEV, "dev")
    names = {n for q in questions for n in q.gold_names}
    assert len(variants(questions, names)) >= 300


def _squash(text: str) -> str:
    return "".join(text.split())


def test_测试里不发送评测集的题目():
    asked = {_squash(q.question) for folder in (DEV, SEALED) for q in load_raw_questions(folder, folder.name)}
    asked = {q for q in asked if len(q) >= 8}
    leaked = 0
    for path in (ROOT / "tests").glob("*.py"):
        text = _squash(path.read_text(encoding="utf-8"))
        leaked += sum(1 for q in asked if q in text)
    # Counted, not listed: the sealed set's questions must not be printed either.
    assert leaked == 0, f"tests/ 里有 {leaked} 道评测题原文：测试要用自己的例子"
