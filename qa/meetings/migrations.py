"""Numbered schema migrations of the meeting records database, applied in order, once each."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def m001_create_tables(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE issues (
            source TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            issue_no INTEGER,
            issue_date TEXT,
            extractor_version INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE meetings (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL REFERENCES issues(source) ON DELETE CASCADE,
            article_id TEXT NOT NULL,
            name TEXT NOT NULL,
            sort_date TEXT,
            record TEXT NOT NULL
        );
        CREATE INDEX meetings_source ON meetings(source);
        CREATE INDEX meetings_sort_date ON meetings(sort_date);
        CREATE TABLE attendances (
            meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            person TEXT NOT NULL,
            role TEXT NOT NULL,
            venue TEXT NOT NULL,
            ord INTEGER NOT NULL,
            PRIMARY KEY (meeting_id, person, role)
        );
        CREATE INDEX attendances_person ON attendances(person);
        CREATE TABLE person_titles (
            person TEXT NOT NULL,
            title TEXT NOT NULL,
            seen_date TEXT,
            meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            record TEXT NOT NULL
        );
        CREATE INDEX person_titles_person ON person_titles(person);
        CREATE INDEX person_titles_title ON person_titles(title);
        """
    )


def m002_bodies(db: sqlite3.Connection) -> None:
    """Titles and attendances keep the body they belong to (即墨区, 胶州市, 青岛市…)."""
    db.executescript(
        """
        ALTER TABLE person_titles ADD COLUMN body TEXT;
        ALTER TABLE attendances ADD COLUMN body TEXT;
        CREATE INDEX person_titles_body ON person_titles(body);
        """
    )


MIGRATIONS: list[Migration] = [m001_create_tables, m002_bodies]


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations not yet applied; returns the schema version now in place."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT version FROM _migrations")}
    for version, migration in enumerate(MIGRATIONS, 1):
        if version in done:
            continue
        with db:
            migration(db)
            db.execute(
                "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, migration.__name__, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
            )
    return len(MIGRATIONS)
