"""The archive database: one SQLite file per index directory holding issues, articles, the chunk manifest,
meeting events, attendances and people's titles, under one chain of numbered migrations.

`Manifest` (qa.index.manifest) writes the issue files, their articles and chunks as ingest records them;
`Catalog` (qa.catalog) reads issues and articles from those same rows; `MeetingStore` (qa.meetings.store)
keeps the meeting records beside them. Each opens a connection of its own on the one file (`connect`), so
each keeps its own lock and transactions; WAL lets the web app read while an ingest writes.

Chroma and BM25 hold vectors and terms under the ids of the `chunks` rows. The embedding cache
(qa.index.embed_cache) is not here: it is a cache, not archive data, and several index directories may
share one.

Indexes built before this file existed kept three files (manifest.sqlite, catalog.sqlite, meetings.sqlite).
The first open of such a directory copies their rows in here in one transaction, checks the counts, and
only then renames the old files to `*.migrated`; a migration that fails or is killed leaves them as they
were, and the next open does it again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from qa.errors import ArchiveMigrationFailed

log = logging.getLogger(__name__)

ARCHIVE_FILE = "archive.sqlite"
# The layout before one archive: alias in SQL → file name in the index directory.
OLD_FILES = {"old_manifest": "manifest.sqlite", "old_catalog": "catalog.sqlite", "old_meetings": "meetings.sqlite"}
MIGRATED = ".migrated"

Migration = Callable[[sqlite3.Connection], None]


def _script(db: sqlite3.Connection, script: str) -> None:
    """Statements one by one (executescript would commit the migration's transaction halfway)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m001_archive(db: sqlite3.Connection) -> None:
    """Issue files, articles and chunks (written by ingest), meeting records, and what ingest keeps of its runs."""
    _script(db, """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta (key, value) VALUES ('generation', '0');
        CREATE TABLE files (
            source TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            issue_no INTEGER,
            date TEXT,
            date_inferred INTEGER NOT NULL,
            masthead TEXT,
            n_articles INTEGER NOT NULL,
            n_chunks INTEGER NOT NULL,
            content_key TEXT,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX files_content_key ON files (content_key);
        CREATE INDEX files_masthead ON files (issue_no, date);
        CREATE INDEX files_date ON files (date);
        CREATE TABLE id_prefixes (source TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE);
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
        CREATE TABLE meeting_files (
            source TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            extractor_version INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE meetings (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL REFERENCES meeting_files(source) ON DELETE CASCADE,
            article_id TEXT NOT NULL,
            name TEXT NOT NULL,
            sort_date TEXT,
            record TEXT NOT NULL
        );
        CREATE INDEX meetings_source ON meetings (source);
        CREATE INDEX meetings_sort_date ON meetings (sort_date);
        CREATE TABLE attendances (
            meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            person TEXT NOT NULL,
            role TEXT NOT NULL,
            venue TEXT NOT NULL,
            ord INTEGER NOT NULL,
            body TEXT,
            PRIMARY KEY (meeting_id, person, role)
        );
        CREATE INDEX attendances_person ON attendances (person);
        CREATE TABLE person_titles (
            person TEXT NOT NULL,
            title TEXT NOT NULL,
            seen_date TEXT,
            meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            record TEXT NOT NULL,
            body TEXT
        );
        CREATE INDEX person_titles_person ON person_titles (person);
        CREATE INDEX person_titles_title ON person_titles (title);
        CREATE INDEX person_titles_body ON person_titles (body)
    """)


MIGRATIONS: list[Migration] = [m001_archive]


def path_in(index_dir: Path | str) -> Path:
    return Path(index_dir) / ARCHIVE_FILE


def exists(index_dir: Path | str) -> bool:
    """Whether the directory holds an archive, or an index of the old layout that opening it will migrate."""
    return path_in(index_dir).exists() or (Path(index_dir) / OLD_FILES["old_manifest"]).exists()


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection to the archive database at `path` (or ":memory:"), created or migrated as needed.

    Usable from any thread; callers that share it between threads guard it with a lock of their own.
    An index directory's `archive.sqlite` takes in the old layout's files found beside it.
    """
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=60, check_same_thread=False, uri=True)  # uri: ATTACH … mode=rw
    if not memory:
        _wal(db)
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    old = {} if memory or Path(path).name != ARCHIVE_FILE else _old_files(Path(path).parent)
    try:
        migrate(db, old)
        if old:
            _retire(db, old)
    except BaseException:
        db.close()
        raise
    return db


def _wal(db: sqlite3.Connection, seconds: float = 60) -> None:
    """Put the file in WAL mode (it stays so). Switching needs the file to itself and SQLite does not wait for
    that: while another connection migrates, it answers "locked" at once, so wait here."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection, old: dict[str, Path] | None = None) -> int:
    """Apply the migrations not yet applied, all in one transaction; returns the schema version now in place.

    `old`: files of the old layout to take in when the database is new (alias → path).
    """
    if version(db) >= len(MIGRATIONS):
        return version(db)
    attached = _attach(db, old) if old and version(db) == 0 else {}  # ATTACH cannot run inside a transaction
    try:
        db.execute("BEGIN IMMEDIATE")  # one connection migrates; the others wait, then find it done
        try:
            start = version(db)
            for migration in MIGRATIONS[start:]:
                migration(db)
            if start == 0 and old:
                _take_in(db, old, attached)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        for alias in attached:
            db.execute(f"DETACH DATABASE {alias}")
    return version(db)


# -- the old layout ------------------------------------------------------------------------------------


def _old_files(index_dir: Path) -> dict[str, Path]:
    return {alias: index_dir / name for alias, name in OLD_FILES.items() if (index_dir / name).exists()}


def _attach(db: sqlite3.Connection, old: dict[str, Path]) -> list[str]:
    """Attach the old files without creating any (one renamed meanwhile by another process's migration is skipped)."""
    attached = []
    for alias, path in old.items():
        try:
            db.execute(f"ATTACH DATABASE ? AS {alias}", (f"file:{quote(str(path.resolve()))}?mode=rw",))
        except sqlite3.DatabaseError:  # gone, or not a database: `_take_in` tells which
            continue
        attached.append(alias)
    return attached


def _columns(db: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA {schema}.table_info({table})")]


def _copy(db: sqlite3.Connection, schema: str, table: str, into: str | None = None, where: str = "") -> tuple[int, int]:
    """Copy an old table's rows, column by column where the archive's table has the column (an older file
    lacks the newer ones: they stay NULL); returns (rows now in the archive's table, rows meant to be copied)."""
    into = into or table
    theirs = set(_columns(db, schema, table))
    columns = ", ".join(c for c in _columns(db, "main", into) if c in theirs)
    db.execute(f"INSERT INTO main.{into} ({columns}) SELECT {columns} FROM {schema}.{table} {where}")
    return (db.execute(f"SELECT COUNT(*) FROM main.{into}").fetchone()[0],
            db.execute(f"SELECT COUNT(*) FROM {schema}.{table} {where}").fetchone()[0])


def _failed(what: str) -> ArchiveMigrationFailed:
    return ArchiveMigrationFailed(f"旧索引迁入 {ARCHIVE_FILE} 失败：{what}。旧文件都保持原样；修复或移走出问题的文件后"
                                  "再次启动即可迁移（也可移走全部旧文件，运行 qa ingest --rebuild 重建索引）。")


def _take_in(db: sqlite3.Connection, old: dict[str, Path], attached: list[str]) -> None:
    """Copy the old files' rows into the new archive (inside the migration's transaction) and check every count."""
    missing = [str(old[alias]) for alias in old if alias not in attached and old[alias].exists()]
    if missing:
        raise _failed(f"无法打开 {'、'.join(missing)}（已损坏或没有权限？）")
    try:
        counts = _copy_old(db, attached)
    except sqlite3.DatabaseError as exc:
        raise _failed(f"无法读取旧文件（{exc}）") from exc
    wrong = {table: n for table, n in counts.items() if n[0] != n[1]}
    if wrong:
        raise _failed(f"行数不符 {wrong}")
    db.execute("INSERT OR REPLACE INTO main.meta (key, value) VALUES ('migrated_from', ?)",
               (json.dumps(sorted(OLD_FILES[alias] for alias in attached)),))
    log.info("migrated %s into %s: %s", ", ".join(OLD_FILES[a] for a in attached), ARCHIVE_FILE,
             {table: n[0] for table, n in counts.items()})


def _copy_old(db: sqlite3.Connection, attached: list[str]) -> dict[str, tuple[int, int]]:
    """Every old table into its place in the archive; returns {table: (rows there, rows meant to be copied)}."""
    counts: dict[str, tuple[int, int]] = {}
    if "old_manifest" in attached:
        db.execute("INSERT OR REPLACE INTO main.meta (key, value) SELECT key, value FROM old_manifest.meta")
        for table in ("files", "articles", "chunks"):
            counts[table] = _copy(db, "old_manifest", table)
        # the catalog was a sink of its own; it now reads the rows above
        counts["sink_done"] = _copy(db, "old_manifest", "sink_done", where="WHERE sink != 'Catalog'")
        if _columns(db, "old_manifest", "id_prefixes"):
            counts["id_prefixes"] = _copy(db, "old_manifest", "id_prefixes")
        else:  # a manifest older than id prefixes: its articles' ids carry them
            rows = db.execute("SELECT source, MIN(article_id) FROM main.articles GROUP BY source").fetchall()
            db.executemany("INSERT INTO main.id_prefixes (source, prefix) VALUES (?, ?)",
                           [(source, article_id.rsplit("-", 1)[0]) for source, article_id in rows])
    if "old_catalog" in attached:
        # all the catalog held that the manifest did not: the printed masthead (its rows of files the
        # manifest never recorded were half-written files, which the next ingest writes again)
        db.execute("UPDATE main.files SET masthead = (SELECT c.masthead FROM old_catalog.issues c "
                   "WHERE c.source = files.source AND c.sha256 = files.sha256)")
    if "old_meetings" in attached:
        counts["meeting_files"] = _copy(db, "old_meetings", "issues", into="meeting_files")
        for table in ("meetings", "attendances", "person_titles"):
            counts[table] = _copy(db, "old_meetings", table)
    return counts


def _retire(db: sqlite3.Connection, old: dict[str, Path]) -> None:
    """Rename the old files once their rows are in the archive (also those a killed start left behind)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'migrated_from'").fetchone()
    taken = set(json.loads(row[0])) if row else set()
    for path in old.values():
        if path.name in taken and path.exists():
            try:
                _rename_with_journal(path)
            except OSError:  # renamed meanwhile by another connection's open, or not ours to rename: the next open tries again
                log.warning("could not rename %s after its migration into %s", path, ARCHIVE_FILE, exc_info=True)


def _rename_with_journal(path: Path) -> None:
    """`x.sqlite` → `x.sqlite.migrated` (`.migrated.2`… if taken; nothing is ever deleted), with its -wal/-shm."""
    target, n = path.with_name(path.name + MIGRATED), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}{MIGRATED}.{n}")
    for suffix in ("-wal", "-shm"):
        journal = path.with_name(path.name + suffix)
        if journal.exists():
            journal.rename(target.with_name(target.name + suffix))
    path.rename(target)
