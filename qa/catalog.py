"""The issue and article catalog: whole articles by id, issues by number or date.

A read view of the archive database (qa.archive_db): the issues are the indexed files the
ingest manifest records, with their articles, so an issue is listed once its chunks are
searchable. The UI shows articles from here and the engine resolves issue numbers and dates here.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from pathlib import Path

from qa import archive_db
from qa.corpus.models import Article, Issue

_ISSUE = "f.source, f.sha256, f.issue_no, f.date, f.date_inferred, f.masthead"


def _issue(row, articles: list[Article] | None = None) -> Issue:
    source, sha, no, date, inferred, masthead = row
    return Issue(
        source=source, sha256=sha, issue_no=no, date=dt.date.fromisoformat(date) if date else None,
        date_inferred=bool(inferred), masthead=masthead, articles=articles or [],
    )


class Catalog:
    """Issues and articles by id, on a connection of its own; thread-safe for the UI's worker threads."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._db = archive_db.connect(self.path)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path | str) -> Catalog:
        return cls(archive_db.path_in(index_dir))

    def _with_articles(self, rows: list[tuple]) -> list[Issue]:
        sources = [row[0] for row in rows]
        found: dict[str, list[Article]] = defaultdict(list)
        with self._lock:
            for start in range(0, len(sources), 500):
                part = sources[start : start + 500]
                arts = self._db.execute(
                    f"SELECT source, article FROM articles WHERE source IN ({','.join('?' * len(part))}) ORDER BY source, ord",
                    part,
                ).fetchall()
                for source, article in arts:
                    found[source].append(Article.model_validate_json(article))
        return [_issue(row, found[row[0]]) for row in rows]

    def _issues(self, where: str = "", params: tuple = (), articles: bool = True) -> list[Issue]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_ISSUE} FROM files f {where} ORDER BY f.date, f.source", params).fetchall()
        return self._with_articles(rows) if articles else [_issue(row) for row in rows]

    def issues(self, articles: bool = True) -> list[Issue]:
        """All issues, by date; `articles=False`: their mastheads only (a list of issues in a ten-year archive
        should not read every article)."""
        return self._issues(articles=articles)

    def issue_by_source(self, source: str, articles: bool = False) -> Issue | None:
        """The issue stored from one file."""
        found = self._issues("WHERE f.source = ?", (source,), articles)
        return found[0] if found else None

    def issue_by_no(self, issue_no: int, articles: bool = True) -> Issue | None:
        found = self._issues("WHERE f.issue_no = ?", (issue_no,), articles)
        return found[0] if found else None

    def issue_by_date(self, date: dt.date) -> Issue | None:
        """The issue printed on a date (not one whose date was only inferred)."""
        found = self._issues("WHERE f.date = ? AND f.date_inferred = 0", (date.isoformat(),))
        return found[0] if found else None

    def article(self, article_id: str) -> tuple[Issue, Article] | None:
        """An article with the issue it appeared in (the issue without its other articles)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT a.article, {_ISSUE} FROM articles a JOIN files f USING (source) WHERE a.article_id = ?"
                " ORDER BY f.source LIMIT 1",
                (article_id,),
            ).fetchone()
        if row is None:
            return None
        return _issue(row[1:]), Article.model_validate_json(row[0])

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                "issues": self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0],
                "articles": self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            }

    def bylines(self) -> set[str]:
        """Reporters' names, for the jieba dictionary and the grounding check."""
        with self._lock:
            rows = self._db.execute("SELECT article FROM articles").fetchall()
        return {n for (j,) in rows for n in json.loads(j).get("byline", [])}

    def close(self) -> None:
        self._db.close()
