"""The ingestion manifest (SQLite in the index directory): which files are indexed, their articles and chunks.

A file counts as indexed only once its row in `files` exists; that row is written in
the same transaction as its chunks and articles, after its vectors are in Chroma. The
`generation` counter changes with every change, so derived data (BM25) knows it is stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


def _m002_identity(db: sqlite3.Connection) -> None:
    """Issue identity by content, article-id prefixes of their own, and runs not yet finished."""
    db.executescript(
        """
        ALTER TABLE files ADD COLUMN content_key TEXT;
        CREATE INDEX files_content_key ON files (content_key);
        CREATE INDEX files_masthead ON files (issue_no, date);
        CREATE TABLE id_prefixes (source TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE);
        """
    )
    # Files indexed before: their articles already carry ids; keep them.
    rows = db.execute("SELECT source, MIN(article_id) FROM articles GROUP BY source").fetchall()
    db.executemany(
        "INSERT OR IGNORE INTO id_prefixes (source, prefix) VALUES (?, ?)",
        [(source, article_id.rsplit("-", 1)[0]) for source, article_id in rows],
    )


MIGRATIONS = [_m001_initial, _m002_identity]
_FILE_COLUMNS = "source, sha256, issue_no, date, date_inferred, n_articles, n_chunks, content_key"


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
    content_key: str | None = None


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
        row = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM files WHERE source = ?", (source,)).fetchone()
        return _record(row) if row else None

    def files(self) -> list[FileRecord]:
        rows = self.db.execute(f"SELECT {_FILE_COLUMNS} FROM files ORDER BY source")
        return [_record(r) for r in rows]

    def same_issue(self, content_key: str, masthead: tuple[int, dt.date] | None, source: str) -> FileRecord | None:
        """Another indexed file holding this issue: the same text, or the same printed 第N期 and date."""
        row = self.db.execute(
            f"SELECT {_FILE_COLUMNS} FROM files WHERE content_key = ? AND source != ? ORDER BY source LIMIT 1",
            (content_key, source),
        ).fetchone()
        if row is None and masthead is not None:
            row = self.db.execute(
                f"SELECT {_FILE_COLUMNS} FROM files WHERE issue_no = ? AND date = ? AND date_inferred = 0"
                " AND source != ? ORDER BY source LIMIT 1",
                (masthead[0], masthead[1].isoformat(), source),
            ).fetchone()
        return _record(row) if row else None

    def set_content_key(self, source: str, content_key: str) -> None:
        """Fill in the key of a file indexed before keys were kept."""
        with self.db:
            self.db.execute("UPDATE files SET content_key = ? WHERE source = ?", (content_key, source))

    # article ids --------------------------------------------------------------

    def id_prefix(self, source: str) -> str:
        """The prefix of this file's article ids: its stem, unless a file of another folder holds that one.

        Assigned once and kept while the file is indexed, so a changed file keeps its ids.
        """
        row = self.db.execute("SELECT prefix FROM id_prefixes WHERE source = ?", (source,)).fetchone()
        if row:
            return row[0]
        stem = Path(source).stem
        digest = hashlib.sha1(source.encode("utf-8")).hexdigest()
        candidates = [stem] + [f"{stem}_{digest[:n]}" for n in (6, 10, 40)]
        with self.db:
            for prefix in candidates:
                taken = self.db.execute("SELECT 1 FROM id_prefixes WHERE prefix = ?", (prefix,)).fetchone()
                if not taken:
                    self.db.execute("INSERT INTO id_prefixes (source, prefix) VALUES (?, ?)", (source, prefix))
                    return prefix
        raise RuntimeError(f"no free article-id prefix for {source}")  # sha1 collisions: not in this world

    def drop_prefix(self, source: str) -> None:
        """Free a removed file's prefix."""
        with self.db:
            self.db.execute("DELETE FROM id_prefixes WHERE source = ?", (source,))

    # runs ---------------------------------------------------------------------

    def unfinished_runs(self) -> list[dict]:
        """Ingest runs that started and never finished (killed, Ctrl+C): [{"cwd", "paths"}]."""
        raw = self._meta("unfinished")
        return json.loads(raw) if raw else []

    def begin_run(self, cwd: str, paths: list[str]) -> None:
        """Remember a run before it writes anything, so a later start can finish it."""
        runs = [r for r in self.unfinished_runs() if r != {"cwd": cwd, "paths": paths}] + [{"cwd": cwd, "paths": paths}]
        self._set_runs(runs)

    def end_run(self, cwd: str, paths: list[str]) -> None:
        """A run finished: it, and any earlier unfinished run it covered, need no resuming."""
        covered = set(paths)
        self._set_runs([r for r in self.unfinished_runs() if not (r["cwd"] == cwd and set(r["paths"]) <= covered)])

    def _set_runs(self, runs: list[dict]) -> None:
        with self.db:
            if runs:
                self.db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('unfinished', ?)", (json.dumps(runs, ensure_ascii=False),)
                )
            else:
                self.db.execute("DELETE FROM meta WHERE key = 'unfinished'")

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

    def record(self, issue: Issue, nodes: list[TextNode], sinks: list[str], content_key: str | None = None) -> None:
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
                f"INSERT OR REPLACE INTO files ({_FILE_COLUMNS}, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    issue.source,
                    issue.sha256,
                    issue.issue_no,
                    issue.date.isoformat() if issue.date else None,
                    int(issue.date_inferred),
                    len(issue.articles),
                    len(nodes),
                    content_key,
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
    source, sha, issue_no, date, inferred, n_articles, n_chunks, content_key = row
    return FileRecord(
        source=source,
        sha256=sha,
        issue_no=issue_no,
        date=dt.date.fromisoformat(date) if date else None,
        date_inferred=bool(inferred),
        n_articles=n_articles,
        n_chunks=n_chunks,
        content_key=content_key,
    )


def files_recorded(index_dir) -> int:
    """How many files a (possibly still running) ingest has recorded, read without disturbing it (read-only,
    1 s timeout); 0 before the manifest exists. For progress and crash checks from another process."""
    import sqlite3
    from pathlib import Path

    path = Path(index_dir) / MANIFEST_FILE
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # tables not created yet
