"""Adding an uploaded issue to the archive: keep the file, ingest it, hand back an engine that sees it."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from qa.answer.engine import AnswerEngine
from qa.corpus import parse_file
from qa.corpus.models import Issue
from qa.errors import QAError
from qa.ingest import IngestReport, ingest
from qa.settings import Settings

Progress = Callable[[float, str], None]
UPLOADS_DIR = "uploads"


class DuplicateIssue(QAError):
    """The uploaded file's content is already in the archive."""


@dataclass
class Added:
    """An issue added by upload: where it is kept, what ingest did, and the engine to answer with from now on."""

    path: Path
    issue: Issue
    report: IngestReport
    engine: AnswerEngine


class ArchiveIndexer:
    """Ingests uploaded issue files into the configured index; one at a time."""

    def __init__(self, settings: Settings, build_engine: Callable[[], AnswerEngine], sinks: list | None = None):
        self.settings = settings
        self.build_engine = build_engine
        self.sinks = sinks
        self.uploads = Path(settings.index_dir) / UPLOADS_DIR
        self._lock = threading.Lock()

    def preview(self, path: Path | str) -> Issue:
        """The parse of an uploaded file, for the user to check before indexing."""
        return parse_file(Path(path))

    def add(self, path: Path | str, name: str, known: dict[str, str], progress: Progress = lambda f, m: None) -> Added:
        """Copy the file into the archive's upload folder, ingest it and rebuild the engine's view of the index.

        `known` maps the archive's sources to their sha256 (duplicates and file names are checked against it).
        """
        with self._lock:
            progress(0.05, "检查文件")
            issue = parse_file(path)
            if issue.sha256 in known.values():
                same = next(s for s, h in known.items() if h == issue.sha256)
                raise DuplicateIssue(f"「{name}」与库中的 {same} 内容相同，无需重复导入。")
            target = self._target(name, issue.sha256, known)
            shutil.copyfile(path, target)
            progress(0.15, "分段、嵌入并写入索引")
            report = ingest([target], self.settings, sinks=self.sinks, progress=False)
            if not report.ok:
                target.unlink(missing_ok=True)
                raise report.failures[0]
            progress(0.85, "刷新检索")
            engine = self.build_engine()
            progress(1.0, "完成")
            return Added(target, parse_file(target), report, engine)

    def _target(self, name: str, sha: str, known: dict[str, str]) -> Path:
        """A file name of its own: article ids come from the file stem, so two files must never share one."""
        self.uploads.mkdir(parents=True, exist_ok=True)
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(name).stem) or "issue"
        taken = {Path(s).stem for s in known} | {p.stem for p in self.uploads.glob("*")}
        if stem in taken:
            stem = f"{stem}-{sha[:8]}"
        return self.uploads / f"{stem}.txt"
