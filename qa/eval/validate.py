"""Checks an eval split's files before they are trusted as gold: `python -m qa.eval.validate eval/sealed`.

Writers of test data run it on their own folder; it reports problems by question id
(ERROR: must be fixed; NOTE: a fact it cannot confirm mechanically, check by hand).
`--summary` prints only counts, so a developer can check a sealed folder without reading it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from qa.eval.gold import BadEvalSet, GoldQuestion, article_texts
from qa.eval.splits import (
    NEW_ISSUE,
    SEEDS,
    QUESTION_TYPES,
    TAGS,
    QuoteIndex,
    archive_files,
    load_raw_questions,
    own_issue_files,
    parse_archive,
    resolve,
    squash,
)

MEETING_ROLES = frozenset(
    "chair attendee participant observer accompany leader speaker meet witness inspector viewer".split()
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass
class Findings:
    """What the checks found, by question id (or file / event for the meeting gold)."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def error(self, where: str, text: str) -> None:
        self.errors.append((where, text))

    def note(self, where: str, text: str) -> None:
        self.notes.append((where, text))


def check_questions(questions: list[GoldQuestion], quotes: QuoteIndex, own: list[Path], found: Findings) -> None:
    """Types and tags known, quotes found in one article, facts and names stated in the evidence articles."""
    resolved = resolve(questions, quotes, own)
    articles = article_texts(quotes._by_file.values())
    turns: dict[str, int] = {}
    for q, r in zip(questions, resolved, strict=True):
        if q.type not in QUESTION_TYPES:
            found.error(q.id, f"unknown type {q.type!r}; one of {sorted(QUESTION_TYPES)}")
        for tag in set(q.tags) - TAGS - {NEW_ISSUE, SEEDS}:
            found.error(q.id, f"unknown tag {tag!r}; any of {sorted(TAGS)}")
        if q.conversation:
            last = turns.get(q.conversation, 0)
            if (q.turn or 1) != last + 1:
                found.error(q.id, f"conversation {q.conversation}: turn {q.turn} follows turn {last}")
            turns[q.conversation] = q.turn or 1
        if q.answerable and not q.gold_facts:
            found.error(q.id, "answerable but no gold_facts")
        if not q.answerable and q.gold_facts:
            found.error(q.id, "unanswerable but has gold_facts")
        for ev in q.evidence:
            issue = quotes.issue(ev.file)
            if issue is None:
                found.error(q.id, f"evidence file {ev.file} is not in the archive (path from the project root?)")
                continue
            holding = quotes.articles_holding(ev.file, ev.quote)
            if not holding:
                raw = squash(Path(quotes._key(ev.file)).read_text(encoding="utf-8", errors="replace"))
                where = "is in the file but spans two articles" if squash(ev.quote) in raw else "is not in the file"
                found.error(q.id, f"quote {ev.quote!r} {where}")
            elif len(holding) > 1:
                found.note(q.id, f"quote {ev.quote!r} is in several articles {holding}; the first is taken")
        if q.answerable and not r.gold_articles and not q.gold_source:
            found.error(q.id, "answerable but no evidence resolves to an article")
            continue
        texts = [articles[a] for a in r.gold_articles if a in articles]
        if not texts:
            continue
        from qa.eval.score import _article_has_fact, normalise

        body = "\n".join(normalise(a.text) for a in texts)
        for fact in q.gold_facts:
            if any(_article_has_fact(a, fact) for a in texts):
                continue
            if _ISO.fullmatch(fact):
                found.note(q.id, f"date {fact} is not written out in the evidence (relative date?)")
            elif _DIGITS.match(fact) or q.type == "count" or "count" in q.tags:
                found.note(q.id, f"fact {fact!r} is not literally in the evidence (a count?)")
            else:
                found.error(q.id, f"fact {fact!r} is not stated in the evidence article(s)")
        for name in q.gold_names + q.ok_names:
            if normalise(name) not in body:
                found.error(q.id, f"name {name!r} is not in the evidence article(s)")


def check_meetings(path: Path, quotes: QuoteIndex, found: Findings) -> int:
    """The meeting gold: quotes located, roles known, every person named in the event's article."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        found.error(path.name, f"cannot read: {exc}")
        return 0
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        found.error(path.name, 'expected {"events": [...]}')
        return 0
    for i, ev in enumerate(events, 1):
        where = f"{path.name}#{i}"
        if not isinstance(ev, dict) or not {"file", "quote", "name", "people"} <= set(ev):
            found.error(where, "an event needs file, quote, name, people")
            continue
        holding = quotes.articles_holding(ev["file"], ev["quote"])
        if not holding:
            found.error(where, f"quote {ev['quote']!r} not found in one article of {ev['file']}")
            continue
        issue = quotes.issue(ev["file"])
        article = next(a for a in issue.articles if a.id == holding[0])
        text = squash(article.raw)
        if ev.get("date") and not _ISO.fullmatch(str(ev["date"])):
            found.error(where, f"date {ev['date']!r} is not ISO YYYY-MM-DD")
        for person in ev["people"]:
            role = person.get("role")
            if role not in MEETING_ROLES:
                found.error(where, f"role {role!r} of {person.get('name')}; one of {sorted(MEETING_ROLES)}")
            if squash(person.get("name", "")) not in text:
                found.error(where, f"person {person.get('name')!r} is not in the article")
    return len(events)


def validate(folder: Path, seeds_dir: Path = Path("seeds"), root: Path | None = None) -> tuple[Findings, dict]:
    """Every check on a split folder; returns the findings and counts for the summary."""
    folder = Path(folder)
    found = Findings()
    issues = parse_archive(archive_files(folder, seeds_dir))
    quotes = QuoteIndex(issues, root or Path.cwd())
    own = own_issue_files(folder)
    try:
        questions = load_raw_questions(folder, folder.name)
    except BadEvalSet as exc:
        found.error("questions", str(exc))
        questions = []
    check_questions(questions, quotes, own, found)
    resolved = resolve(questions, quotes, own)
    events = 0
    for gold in sorted(folder.glob("meetings_gold*.json")):
        events += check_meetings(gold, quotes, found)
    counts = {
        "issues": len(own),
        "questions": len(questions),
        "new_issue_questions": sum(NEW_ISSUE in q.tags for q in resolved),
        "events": events,
        "types": dict(Counter(q.type for q in questions)),
        "tags": dict(Counter(t for q in resolved for t in q.facets)),
    }
    return found, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.eval.validate", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a split folder, e.g. eval/dev or eval/sealed")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="the seed issues (default seeds/)")
    parser.add_argument("--summary", action="store_true", help="counts only: nothing about single questions")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if not args.folder.is_dir():
        print(f"{args.folder} is not a folder", file=sys.stderr)
        return 2
    if not args.seeds.is_dir() and (args.folder.resolve().parent.parent / "seeds").is_dir():
        root = args.folder.resolve().parent.parent  # run from elsewhere: the project root is two levels up
        args.seeds = root / "seeds"
    try:
        found, counts = validate(args.folder, args.seeds, root)
    except (BadEvalSet, ValidationError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    if not args.summary:
        for where, text in found.errors:
            print(f"ERROR {where}: {text}")
        for where, text in found.notes:
            print(f"NOTE {where}: {text}")
    print(json.dumps(counts, ensure_ascii=False))
    print(f"{len(found.errors)} errors, {len(found.notes)} notes")
    return 1 if found.errors else 0


if __name__ == "__main__":
    sys.exit(main())
