"""The eval set is trustworthy: every gold fact stands in its gold article (or issue)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"
ALL = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
REQUIRED_TYPES = {
    "chair", "attendees", "participants", "role", "person_meetings", "date", "number",
    "place", "issue_lookup", "caption", "unanswerable", "english", "followup",
}


@pytest.fixture(scope="module")
def articles(seed_issues):
    return {a.id: (issue, a) for issue in seed_issues.values() for a in issue.articles}


def _dates_stated(issue, article) -> set[str]:
    """ISO dates an article states, with 昨日 and bare month-days resolved against the issue date."""
    text = article.title + article.body
    found = set()
    if issue.date and re.search(r"昨日|昨天", text):
        found.add((issue.date - dt.timedelta(days=1)).isoformat())
    year = issue.date.year if issue.date else None
    for y, m, d in re.findall(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", text):
        if y or year:
            found.add(dt.date(int(y or year), int(m), int(d)).isoformat())
    return found


def test_评测集至少80题且覆盖每种题型():
    types = Counter(q["type"] for q in ALL)
    assert len(ALL) >= 80
    assert REQUIRED_TYPES <= set(types)
    assert types["unanswerable"] >= 10 and types["english"] >= 5
    conversations = Counter(q["conversation"] for q in ALL if q.get("conversation"))
    assert sum(1 for n in conversations.values() if n >= 2) >= 5


def test_题目编号唯一_可回答的题都有金标准事实():
    assert len({q["id"] for q in ALL}) == len(ALL)
    for q in ALL:
        assert bool(q["gold_facts"]) == q["answerable"], q["id"]
        if q["answerable"]:
            assert q["gold_articles"] or q.get("gold_source"), q["id"]


@pytest.mark.parametrize("q", [q for q in ALL if q["answerable"]], ids=lambda q: q["id"])
def test_每个金标准事实都出现在金标准文章里(q, articles, seed_issues):
    if not q["gold_articles"]:
        issue = seed_issues[q["gold_source"]]
        stated = {issue.date.isoformat(), str(issue.issue_no)}
        assert set(q["gold_facts"]) <= stated
        return
    gold = [articles[i] for i in q["gold_articles"]]
    text = "".join(a.title + a.subtitle + a.body for _, a in gold)
    dates = set().union(*(_dates_stated(i, a) for i, a in gold))
    for fact in q["gold_facts"]:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", fact):
            assert fact in dates, (q["id"], fact)
        else:
            assert fact in text, (q["id"], fact)
    for name in q.get("gold_names", []):
        assert name in text, (q["id"], name)
