"""The issue and article catalog (SQLite in index_store/): whole articles by id, issues by number or date.

An ingestion sink like the vector index: `upsert_issue` replaces what a source had.
The UI shows articles from here and the engine resolves issue numbers and dates here.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

from qa.corpus.models import Article, Issue

_SCHEMA = [
    # m001: issues and their articles
    """
    CREATE TABLE IF NOT EXISTS issues (
        source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, issue_no INTEGER, date TEXT,
        date_inferred INTEGER NOT NULL, masthead TEXT
    );
    CREATE TABLE IF NOT EXISTS articles (
        id TEXT PRIMARY KEY, source TEXT NOT NULL REFERENCES issues(source) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL, json TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
    CREATE INDEX IF NOT EXISTS issues_no ON issues(issue_no);
    CREATE INDEX IF NOT EXISTS issues_date ON issues(date);
    """,
]


class Catalog:
    """Issues and articles by id; thread-safe for the UI's worker threads."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._lock = threading.Lock()
        self._migrate()

    @classmethod
    def open(cls, index_dir: Path | str) -> Catalog:
        return cls(Path(index_dir) / "catalog.sqlite")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for n, script in enumerate(_SCHEMA[version:], start=version + 1):
            with self._db:
                self._db.executescript(script)
                self._db.execute(f"PRAGMA user_version = {n}")

    def upsert_issue(self, issue: Issue) -> None:
        """Store an issue and its articles, replacing whatever the same source had."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM issues WHERE source = ?", (issue.source,))
            self._db.execute(
                "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?)",
                (issue.source, issue.sha256, issue.issue_no, issue.date.isoformat() if issue.date else None,
                 int(issue.date_inferred), issue.masthead),
            )
            self._db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?)",
                [(a.id, issue.source, i, a.model_dump_json()) for i, a in enumerate(issue.articles)],
            )

    def remove_source(self, source: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM issues WHERE source = ?", (source,))

    def _issue(self, row) -> Issue:
        source, sha, no, date, inferred, masthead = row
        with self._lock:
            arts = self._db.execute("SELECT json FROM articles WHERE source = ? ORDER BY ordinal", (source,)).fetchall()
        return Issue(
            source=source, sha256=sha, issue_no=no, date=dt.date.fromisoformat(date) if date else None,
            date_inferred=bool(inferred), masthead=masthead, articles=[Article.model_validate_json(a) for (a,) in arts],
        )

    def issues(self) -> list[Issue]:
        """All issues, by date."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM issues ORDER BY date, source").fetchall()
        return [self._issue(r) for r in rows]

    def issue_by_no(self, issue_no: int) -> Issue | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM issues WHERE issue_no = ?", (issue_no,)).fetchone()
        return self._issue(row) if row else None

    def issue_by_date(self, date: dt.date) -> Issue | None:
        """The issue printed on a date (not one whose date was only inferred)."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM issues WHERE date = ? AND date_inferred = 0", (date.isoformat(),)
            ).fetchone()
        return self._issue(row) if row else None

    def article(self, article_id: str) -> tuple[Issue, Article] | None:
        """An article with the issue it appeared in (the issue without its other articles)."""
        with self._lock:
            row = self._db.execute(
                "SELECT a.json, i.* FROM articles a JOIN issues i USING (source) WHERE a.id = ?", (article_id,)
            ).fetchone()
        if row is None:
            return None
        article = Article.model_validate_json(row[0])
        source, sha, no, date, inferred, masthead = row[1:]
        issue = Issue(source=source, sha256=sha, issue_no=no, date=dt.date.fromisoformat(date) if date else None,
                      date_inferred=bool(inferred), masthead=masthead)
        return issue, article

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                "issues": self._db.execute("SELECT COUNT(*) FROM issues").fetchone()[0],
                "articles": self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            }

    def bylines(self) -> set[str]:
        """Reporters' names, for the jieba dictionary and the grounding check."""
        with self._lock:
            rows = self._db.execute("SELECT json FROM articles").fetchall()
        return {n for (j,) in rows for n in json.loads(j).get("byline", [])}

    def close(self) -> None:
        self._db.close()
