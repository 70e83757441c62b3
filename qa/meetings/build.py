"""Filling a MeetingStore straight from issue files, for `qa meetings` before `qa ingest` feeds it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from qa.corpus.parse import parse_text
from qa.corpus.read import find_issue_files, read_issue
from qa.errors import UnreadableIssue
from qa.meetings.store import MeetingStore


@dataclass
class BuildReport:
    """Which files a build read and which it could not."""

    sources: list[str] = field(default_factory=list)
    failures: list[UnreadableIssue] = field(default_factory=list)


def source_name(path: Path | str, cwd: Path | str | None = None) -> str:
    """The name `qa ingest` gives a file (relative to the working directory when inside it), so both fill the same rows."""
    base = Path(cwd or os.getcwd()).resolve()
    full = (base / Path(path)).resolve()
    try:
        return full.relative_to(base).as_posix()
    except ValueError:
        return full.as_posix()


def build(store: MeetingStore, paths: list[Path | str], *, rebuild: bool = False, progress: bool = False) -> BuildReport:
    """Extract the meetings of issue files (or folders) into the store; `rebuild` forgets everything first."""
    report = BuildReport()
    if rebuild:
        store.clear()
    files = find_issue_files(list(paths))
    for path in tqdm(files, unit="期", desc="抽取会议", disable=not progress):
        source = source_name(path)
        try:
            text, sha = read_issue(path)
            store.upsert_issue(parse_text(text, source=source, sha256=sha))
        except UnreadableIssue as exc:
            report.failures.append(exc)
            continue
        report.sources.append(source)
    return report
