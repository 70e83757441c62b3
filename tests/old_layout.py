"""An index as the project kept it before the one archive database: three SQLite files of their own.

`to_old_layout` takes an index built by today's code and writes its rows into manifest.sqlite,
catalog.sqlite and meetings.sqlite with the schemas, versions and bookkeeping the old code left
(the manifest at user_version 2, the catalog at 1 and a sink of its own, the meeting records with
their `_migrations` table and issue numbers and dates), then removes archive.sqlite. Chroma, BM25
and the embedding cache stay as they are: the old layout shared them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# The old schemas as the old migrations left them, columns in their order (ALTERed ones last).
OLD_MANIFEST = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, issue_no INTEGER, date TEXT, date_inferred INTEGER NOT NULL, n_articles INTEGER NOT NULL, n_chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL, content_key TEXT);
CREATE TABLE articles (source TEXT NOT NULL, article_id TEXT NOT NULL, ord INTEGER NOT NULL, article TEXT NOT NULL, PRIMARY KEY (source, article_id));
CREATE TABLE chunks (id TEXT PRIMARY KEY, source TEXT NOT NULL, article_id TEXT NOT NULL, ord INTEGER NOT NULL, node TEXT NOT NULL);
CREATE TABLE sink_done (sink TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (sink, source));
CREATE TABLE id_prefixes (source TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE);
PRAGMA user_version = 2;
"""
OLD_CATALOG = """
CREATE TABLE issues (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, issue_no INTEGER, date TEXT, date_inferred INTEGER NOT NULL, masthead TEXT);
CREATE TABLE articles (id TEXT PRIMARY KEY, source TEXT NOT NULL REFERENCES issues(source) ON DELETE CASCADE, ordinal INTEGER NOT NULL, json TEXT NOT NULL);
PRAGMA user_version = 1;
"""
OLD_MEETINGS = """
CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO _migrations VALUES (1, 'm001_create_tables', '2026-11-01T00:00:00+00:00'), (2, 'm002_bodies', '2026-11-01T00:00:00+00:00');
CREATE TABLE issues (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, issue_no INTEGER, issue_date TEXT, extractor_version INTEGER NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE meetings (id TEXT PRIMARY KEY, source TEXT NOT NULL REFERENCES issues(source) ON DELETE CASCADE, article_id TEXT NOT NULL, name TEXT NOT NULL, sort_date TEXT, record TEXT NOT NULL);
CREATE TABLE attendances (meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE, person TEXT NOT NULL, role TEXT NOT NULL, venue TEXT NOT NULL, ord INTEGER NOT NULL, body TEXT, PRIMARY KEY (meeting_id, person, role));
CREATE TABLE person_titles (person TEXT NOT NULL, title TEXT NOT NULL, seen_date TEXT, meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE, record TEXT NOT NULL, body TEXT);
"""
OLD_FILES = ("manifest.sqlite", "catalog.sqlite", "meetings.sqlite")


def _write(path: Path, schema: str, rows: dict[str, list[tuple]]) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")  # the old manifest's mode
    db.executescript(schema)
    with db:
        for table, values in rows.items():
            if values:
                db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(values[0]))})", values)
    db.close()


def to_old_layout(index_dir: Path) -> None:
    """Rewrite the index's archive.sqlite as the three files of the old layout."""
    archive = index_dir / "archive.sqlite"
    db = sqlite3.connect(archive)
    get = lambda sql: db.execute(sql).fetchall()  # noqa: E731
    files = get("SELECT source, sha256, issue_no, date, date_inferred, n_articles, n_chunks, ingested_at, content_key FROM files")
    manifest = {
        "meta": get("SELECT key, value FROM meta"),
        "files": files,
        "articles": get("SELECT source, article_id, ord, article FROM articles"),
        "chunks": get("SELECT id, source, article_id, ord, node FROM chunks"),
        # the catalog was a sink: the old ingest marked it done beside the meeting records
        "sink_done": get("SELECT sink, source, sha256 FROM sink_done")
                     + [("Catalog", source, sha) for source, sha, *_ in files],
        "id_prefixes": get("SELECT source, prefix FROM id_prefixes"),
    }
    catalog = {
        "issues": get("SELECT source, sha256, issue_no, date, date_inferred, masthead FROM files"),
        "articles": get("SELECT article_id, source, ord, article FROM articles"),
    }
    meetings = {
        "issues": get("SELECT m.source, m.sha256, f.issue_no, f.date, m.extractor_version, m.ingested_at "
                      "FROM meeting_files m LEFT JOIN files f USING (source)"),
        "meetings": get("SELECT id, source, article_id, name, sort_date, record FROM meetings"),
        "attendances": get("SELECT meeting_id, person, role, venue, ord, body FROM attendances"),
        "person_titles": get("SELECT person, title, seen_date, meeting_id, record, body FROM person_titles"),
    }
    db.close()
    for name, schema, rows in zip(OLD_FILES, (OLD_MANIFEST, OLD_CATALOG, OLD_MEETINGS), (manifest, catalog, meetings)):
        _write(index_dir / name, schema, rows)
    for suffix in ("", "-wal", "-shm"):
        (index_dir / f"archive.sqlite{suffix}").unlink(missing_ok=True)
