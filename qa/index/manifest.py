"""The ingestion manifest (SQLite in the index directory): which files are indexed, their articles and chunks.

A file counts as indexed only once its row in `files` exists; that row is written in
the same transaction as its chunks and articles, after its vectors are in Chroma. The
`generation` counter changes with every change, so derived data (BM25) knows it is stale.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from llama_index.core.schema import TextNode

from qa.corpus.models import Article, Issue
from qa.index.embed import EmbedderIdentity

MANIFEST_FILE = "manifest.sqlite"


def _m001_initial(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE files (
            source TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            issue_no INTEGER,
            date TEXT,
            date_inferred INTEGER NOT NULL,
            n_articles INTEGER NOT NULL,
            n_chunks INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE articles (
            source TEXT NOT NULL,
            article_id TEXT NOT NULL,
            ord INTEGER NOT NULL,
            article TEXT NOT NULL,
            PRIMARY KEY (source, article_id)
        );
        CREATE INDEX articles_id ON articles (article_id);
        CREATE TABLE chunks (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            article_id TEXT NOT NULL,
            ord INTEGER NOT NULL,
            node TEXT NOT NULL
        );
        CREATE INDEX chunks_source ON chunks (source, ord);
        CREATE TABLE sink_done (
            sink TEXT NOT NULL,
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (sink, source)
        );
        INSERT INTO meta (key, value) VALUES ('generation', '0');
        """
    )


MIGRATIONS = [_m001_initial]


@dataclass(frozen=True)
class FileRecord:
    """An indexed file as the manifest knows it."""

    source: str
    sha256: str
    issue_no: int | None
    date: dt.date | None
    date_inferred: bool
    n_articles: int
    n_chunks: int


class Manifest:
    """Open (and create or migrate) the manifest of one index directory."""

    def __init__(self, index_dir: Path | str):
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(index_dir) / MANIFEST_FILE
        self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.db:
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @staticmethod
    def exists(index_dir: Path | str) -> bool:
        return (Path(index_dir) / MANIFEST_FILE).exists()

    def close(self) -> None:
        self.db.close()

    # meta -------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def _bump(self) -> None:
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    @property
    def embedder(self) -> EmbedderIdentity | None:
        raw = self._meta("embedder")
        return EmbedderIdentity(**json.loads(raw)) if raw else None

    def set_embedder(self, identity: EmbedderIdentity) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('embedder', ?)",
                (json.dumps({"id": identity.id, "dim": identity.dim}),),
            )

    # files ------------------------------------------------------------------

    def file(self, source: str) -> FileRecord | None:
        row = self.db.execute(
            "SELECT source, sha256, issue_no, date, date_inferred, n_articles, n_chunks FROM files WHERE source = ?",
            (source,),
        ).fetchone()
        return _record(row) if row else None

    def files(self) -> list[FileRecord]:
        rows = self.db.execute(
            "SELECT source, sha256, issue_no, date, date_inferred, n_articles, n_chunks FROM files ORDER BY source"
        )
        return [_record(r) for r in rows]

    @property
    def pending(self) -> str | None:
        """The file being replaced when a run was killed, if one was."""
        return self._meta("pending")

    def clear_pending(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM meta WHERE key = 'pending'")

    def forget(self, source: str) -> None:
        """Mark a file as not indexed and drop what the manifest holds of it (before its chunks are replaced)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pending', ?)", (source,))
            self.db.execute("DELETE FROM files WHERE source = ?", (source,))
            self.db.execute("DELETE FROM chunks WHERE source = ?", (source,))
            self.db.execute("DELETE FROM articles WHERE source = ?", (source,))
            self.db.execute("DELETE FROM sink_done WHERE source = ?", (source,))
            self._bump()

    def record(self, issue: Issue, nodes: list[TextNode], sinks: list[str]) -> None:
        """Record a file as indexed, with its articles and chunks, in one transaction."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO articles (source, article_id, ord, article) VALUES (?, ?, ?, ?)",
                [(issue.source, a.id, i, a.model_dump_json()) for i, a in enumerate(issue.articles)],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO chunks (id, source, article_id, ord, node) VALUES (?, ?, ?, ?, ?)",
                [(n.id_, issue.source, n.metadata["article_id"], i, n.to_json()) for i, n in enumerate(nodes)],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO sink_done (sink, source, sha256) VALUES (?, ?, ?)",
                [(name, issue.source, issue.sha256) for name in sinks],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    issue.source,
                    issue.sha256,
                    issue.issue_no,
                    issue.date.isoformat() if issue.date else None,
                    int(issue.date_inferred),
                    len(issue.articles),
                    len(nodes),
                    dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                ),
            )
            self.db.execute("DELETE FROM meta WHERE key = 'pending'")
            self._bump()

    # sinks ------------------------------------------------------------------

    def sinks_done(self, source: str, sha256: str) -> set[str]:
        rows = self.db.execute("SELECT sink FROM sink_done WHERE source = ? AND sha256 = ?", (source, sha256))
        return {r[0] for r in rows}

    def mark_sink_done(self, sink: str, source: str, sha256: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO sink_done (sink, source, sha256) VALUES (?, ?, ?)", (sink, source, sha256))

    # chunks and articles ----------------------------------------------------

    def chunk_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def iter_nodes(self) -> Iterator[TextNode]:
        """Every chunk, file by file in chunk order."""
        for (raw,) in self.db.execute("SELECT node FROM chunks ORDER BY source, ord"):
            yield TextNode.from_json(raw)

    def nodes(self, ids: list[str]) -> dict[str, TextNode]:
        found: dict[str, TextNode] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = self.db.execute(f"SELECT id, node FROM chunks WHERE id IN ({','.join('?' * len(part))})", part)
            found.update((i, TextNode.from_json(raw)) for i, raw in rows)
        return found

    def articles(self, source: str | None = None) -> list[Article]:
        if source is None:
            rows = self.db.execute("SELECT article FROM articles ORDER BY source, ord")
        else:
            rows = self.db.execute("SELECT article FROM articles WHERE source = ? ORDER BY ord", (source,))
        return [Article.model_validate_json(r[0]) for r in rows]

    def article(self, article_id: str, source: str | None = None) -> Article | None:
        sql, args = "SELECT article FROM articles WHERE article_id = ?", [article_id]
        if source is not None:
            sql, args = sql + " AND source = ?", args + [source]
        row = self.db.execute(sql + " ORDER BY source LIMIT 1", args).fetchone()
        return Article.model_validate_json(row[0]) if row else None


def _record(row) -> FileRecord:
    source, sha, issue_no, date, inferred, n_articles, n_chunks = row
    return FileRecord(
        source=source,
        sha256=sha,
        issue_no=issue_no,
        date=dt.date.fromisoformat(date) if date else None,
        date_inferred=bool(inferred),
        n_articles=n_articles,
        n_chunks=n_chunks,
    )
