"""The ingestion manifest: which files are indexed, their articles and chunks (tables of the archive database).

A file counts as indexed only once its row in `files` exists; that row is written in
the same transaction as its chunks and articles, after its vectors are in Chroma. The
`generation` counter changes with every change, so derived data (BM25) knows it is stale.
The catalog (qa.catalog) reads issues and articles from these same rows.
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

from qa import archive_db
from qa.corpus.models import Article, Issue
from qa.index.embed import EmbedderIdentity

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
    """The manifest of one index directory, on a connection of its own to the archive database (created or migrated)."""

    def __init__(self, index_dir: Path | str):
        self.path = archive_db.path_in(index_dir)
        self.db = archive_db.connect(self.path)

    @staticmethod
    def exists(index_dir: Path | str) -> bool:
        return archive_db.exists(index_dir)

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

    def clear(self) -> None:
        """Forget every indexed file, their ids, runs and the embedder (a rebuild); the generation moves on."""
        with self.db:
            for table in ("files", "articles", "chunks", "sink_done", "id_prefixes"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("DELETE FROM meta WHERE key != 'generation'")
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
                f"INSERT OR REPLACE INTO files ({_FILE_COLUMNS}, masthead, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    issue.source,
                    issue.sha256,
                    issue.issue_no,
                    issue.date.isoformat() if issue.date else None,
                    int(issue.date_inferred),
                    len(issue.articles),
                    len(nodes),
                    content_key,
                    issue.masthead,
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

    def recorded(self, ids: list[str]) -> set[str]:
        """Which of these chunk ids belong to a recorded file (vectors are written before the rows, deleted after)."""
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            found.update(r[0] for r in self.db.execute(f"SELECT id FROM chunks WHERE id IN ({','.join('?' * len(part))})", part))
        return found

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


def peek(index_dir, sql: str) -> tuple | None:
    """The first row a query finds in an index directory's archive, read without disturbing a running ingest
    (read-only, 1 s timeout); None before the archive or its tables exist. For checks from another process."""
    path = archive_db.path_in(index_dir)
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return db.execute(sql).fetchone()
    except sqlite3.OperationalError:
        return None  # tables not created yet


def files_recorded(index_dir) -> int:
    """How many files a (possibly still running) ingest has recorded, for progress and crash checks."""
    row = peek(index_dir, "SELECT COUNT(*) FROM files")
    return row[0] if row else 0
