"""Adding an uploaded issue to the archive: check it, keep the file, ingest it, hand back an engine that sees it.

Messages name the file as the user named it, never a path on the server.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from llama_index.core.base.embeddings.base import BaseEmbedding

from qa.answer.engine import AnswerEngine
from qa.corpus import parse_file
from qa.corpus.models import Issue
from qa.errors import FileProblem, QAError, UnreadableIssue
from qa.ingest import IngestReport, ingest
from qa.settings import Settings

Progress = Callable[[float, str], None]
UPLOADS_DIR = "uploads"


class DuplicateIssue(QAError):
    """The uploaded file's issue is already in the archive."""


class UploadRefused(QAError):
    """An upload over the configured limits."""


def size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


@dataclass
class Added:
    """An issue added by upload: where it is kept, what ingest did, and the engine to answer with from now on."""

    path: Path
    issue: Issue
    report: IngestReport
    engine: AnswerEngine


class ArchiveIndexer:
    """Ingests uploaded issue files into the configured index; one at a time."""

    def __init__(self, settings: Settings, build_engine: Callable[[], AnswerEngine], sinks: list | None = None,
                 *, embedder: BaseEmbedding | None = None):
        """`embedder`: the engine's; by default the process's shared one for the settings, which is also
        what `build_engine` gives the engines it builds (qa.answer.wiring), so uploads load no second model."""
        self.settings = settings
        self.build_engine = build_engine
        self.sinks = sinks
        self.embedder = embedder
        self.uploads = Path(settings.index_dir) / UPLOADS_DIR
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._running = threading.Event()

    def cancel(self) -> bool:
        """Ask the running upload to stop between two batches; False when none is running."""
        if not self._running.is_set():
            return False
        self._cancel.set()
        return True

    def preview(self, path: Path | str, name: str | None = None) -> Issue:
        """The parse of an uploaded file, for the user to check before indexing; refused over the limits."""
        name = name or Path(path).name
        limits = self.settings.upload
        size = Path(path).stat().st_size
        if size > limits.max_bytes:
            raise UploadRefused(
                f"「{name}」有 {size_text(size)}，超过导入上限 {size_text(limits.max_bytes)}：一期报纸的文本通常只有几十 KB。"
                f"请确认选对了文件；确需导入更大的文件，请管理员调高设置 upload.max_bytes（环境变量 QA_UPLOAD__MAX_BYTES）。"
            )
        try:
            issue = parse_file(Path(path))
        except UnreadableIssue as exc:
            raise UnreadableIssue(name, exc.reason) from None
        if not issue.articles:
            # only a masthead, boilerplate, or text addressed to a model: nothing to ask about
            raise UploadRefused(
                f"「{name}」中没有解析出任何文章（只有报头、空白或不是报道的文字）：请确认选对了文件；"
                f"每篇文章的标题应单独一行（或以“## ”开头），正文在标题之后。"
            )
        if len(issue.articles) > limits.max_articles:
            raise UploadRefused(
                f"「{name}」解析出 {len(issue.articles)} 篇文章，超过一期的上限 {limits.max_articles} 篇："
                f"它可能不是一期报纸，或是多期合在了一起。请分期导入；确需导入，请管理员调高设置 upload.max_articles"
                f"（环境变量 QA_UPLOAD__MAX_ARTICLES）。"
            )
        return issue

    def add(self, path: Path | str, name: str, known: dict[str, str], progress: Progress = lambda f, m: None) -> Added:
        """Copy the file into the archive's upload folder, ingest it and rebuild the engine's view of the index.

        `known` maps the archive's sources to their sha256 (file names are chosen against it).
        A file whose issue the archive already holds (same text in any encoding, or the same
        第N期 and date) is refused; nothing of a refused or failed upload stays behind.
        """
        with self._lock:
            self._cancel.clear()  # a cancel meant for an earlier upload does not stop this one
            self._running.set()
            try:
                return self._add(path, name, known, progress)
            finally:
                self._running.clear()

    def _add(self, path: Path | str, name: str, known: dict[str, str], progress: Progress) -> Added:
        progress(0.05, "检查文件")
        self.preview(path, name)
        target = self._target(name, known)
        shutil.copyfile(path, target)
        try:
            progress(0.15, "分段、嵌入并写入索引")
            # stopped on request between batches: IngestCancelled; the file is taken back below
            report = ingest([target], self.settings, embedder=self.embedder, sinks=self.sinks, progress=False,
                            cancel=self._cancel.is_set,
                            on_batch=lambda done, total: progress(0.15 + 0.7 * done / max(total, 1),
                                                                  f"嵌入 {done}/{total} 段"))
            if report.duplicates:
                raise DuplicateIssue(f"「{name}」与库中已有的{report.duplicates[0].label}是同一期，无需重复导入。")
            if not report.ok:
                raise FileProblem(name, report.failures[0].reason)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        progress(0.85, "刷新检索")
        engine = self.build_engine()
        progress(1.0, "完成")
        return Added(target, parse_file(target), report, engine)

    def _target(self, name: str, known: dict[str, str]) -> Path:
        """A file name of its own in the upload folder, so no upload overwrites another."""
        self.uploads.mkdir(parents=True, exist_ok=True)
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(name).stem) or "issue"
        taken = {Path(s).stem for s in known} | {p.stem for p in self.uploads.glob("*")}
        candidate, n = stem, 1
        while candidate in taken:
            n += 1
            candidate = f"{stem}-{n}"
        return self.uploads / f"{candidate}.txt"
