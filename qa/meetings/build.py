"""Filling a MeetingStore straight from issue files, for `qa meetings` before `qa ingest` feeds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from qa.corpus.parse import parse_text
from qa.corpus.read import canonical_source, find_issue_files, read_issue
from qa.errors import UnreadableIssue
from qa.meetings.store import MeetingStore


@dataclass
class BuildReport:
    """Which files a build read and which it could not."""

    sources: list[str] = field(default_factory=list)
    failures: list[UnreadableIssue] = field(default_factory=list)


def build(store: MeetingStore, paths: list[Path | str], *, rebuild: bool = False, progress: bool = False) -> BuildReport:
    """Extract the meetings of issue files (or folders) into the store; `rebuild` forgets everything first."""
    report = BuildReport()
    if rebuild:
        store.clear()
    files = find_issue_files(list(paths))
    for path in tqdm(files, unit="期", desc="抽取会议", disable=not progress):
        source = canonical_source(path)  # the name `qa ingest` gives it, so both fill the same rows
        try:
            text, sha = read_issue(path)
            store.upsert_issue(parse_text(text, source=source, sha256=sha))
        except UnreadableIssue as exc:
            report.failures.append(exc)
            continue
        report.sources.append(source)
    return report
