"""The meeting records held in memory for questions: read from SQLite once, refreshed only when the store changes.

Answering from the records used to load and parse every meeting and title printing from
SQLite, and weigh every meeting name again, on every question: a question cost more the
larger the archive. The read model keeps the parsed records of each issue file with the
lookups questions need (meetings in date order, by id and by person; title printings by
person and by title; the meeting-name index with its IDF and postings), so a lookup
parses nothing and reads no row.

It is refreshed when the store's generation changes: this connection's own writes (the
store tells it which files it wrote) or any other connection's commits (SQLite's
`PRAGMA data_version`; `qa ingest` and the web app's uploads write through connections of
their own). A refresh re-reads only the issue files whose row in `meeting_files` changed (row id,
hash, extractor version, ingest time) and rebuilds the lookups from memory, so adding a
few issues to a large archive parses only theirs.

Records are shared by every lookup and thread: callers must treat them as read-only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache

from qa.meetings import query
from qa.meetings.models import Meeting, MeetingMatch, TitleSighting

# What identifies one stored version of an issue file's records (see `_stamps`).
Stamp = tuple
# SQLite's limit on parameters in one statement is 999 in old builds.
_IN_BATCH = 500


@dataclass(frozen=True)
class IssueRecords:
    """What one issue file contributed: its meetings, and its title printings with their row ids (SQL's order)."""

    stamp: Stamp
    meetings: tuple[Meeting, ...]
    sightings: tuple[tuple[int, TitleSighting], ...]


def _sort_key(meeting: Meeting) -> tuple:
    """SQL's `ORDER BY sort_date, id`: meetings without a date first, then by ISO day, then id."""
    return meeting.when is not None, meeting.when or dt.date.min, meeting.id


@lru_cache(maxsize=256)
def _like_suffix(bare: str) -> re.Pattern:
    """SQLite's `title LIKE '%' || bare` as a regex: `%` and `_` are wildcards, ASCII letters match either case."""
    parts = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in bare)
    return re.compile(".*" + parts, re.ASCII | re.IGNORECASE | re.DOTALL)


class NameIndex:
    """The meeting names and headlines as bigram sets, with their IDF over all meetings and a postings list per bigram.

    A question reads only the postings of its rarest bigrams: a meeting sharing none of them
    could not reach the score `query.score_meetings` asks for, so it is never scored.
    """

    def __init__(self, meetings: list[Meeting]):
        self.docs = [(m, query.meeting_grams(m)) for m in meetings]
        self.grams = {m.id: grams for m, grams in self.docs}
        self.idf = query.name_idf([grams for _, grams in self.docs])
        postings: dict[str, list[int]] = defaultdict(list)
        for n, (_, grams) in enumerate(self.docs):
            for gram in grams:
                postings[gram].append(n)
        self.postings = dict(postings)

    def match(self, text: str, *, limit: int, min_score: float) -> list[MeetingMatch]:
        asked = query.asked_bigrams(text, self.idf)
        if not asked:
            return []
        docs = [self.docs[n] for n in self._candidates(asked, min_score)]
        return query.score_meetings(text, docs, self.idf, limit=limit, min_score=min_score)

    def _candidates(self, asked: set[str], min_score: float) -> list[int]:
        """Every meeting that can score `min_score`: those met in the postings of the asked bigrams, rarest first,
        until the bigrams left weigh too little for a meeting first met among them to reach it."""
        total = sum(self.idf[b] for b in asked)
        left = total
        found: set[int] = set()
        for gram in sorted(asked, key=lambda b: -self.idf[b]):
            if left < min_score * total * (1 - 1e-9):  # the margin keeps rounding from dropping a meeting
                break
            found.update(self.postings[gram])
            left -= self.idf[gram]
        return sorted(found)

    def match_within(self, text: str, meetings: list[Meeting], *, limit: int, min_score: float) -> list[MeetingMatch]:
        """Matching among some meetings only (a date filter): weights counted over those, as `query.match_meetings` does."""
        docs = [(m, self.grams[m.id]) for m in meetings]
        return query.score_meetings(text, docs, query.name_idf([g for _, g in docs]), limit=limit, min_score=min_score)


class Snapshot:
    """The records of one generation of the store, with lookups built on first use (a refresh builds none)."""

    def __init__(self, issues: dict[str, IssueRecords]):
        self.issues = issues

    @cached_property
    def meetings(self) -> list[Meeting]:
        return sorted((m for part in self.issues.values() for m in part.meetings), key=_sort_key)

    @cached_property
    def _dated(self) -> tuple[int, list[dt.date]]:
        """Where the dated meetings start in `meetings`, and their days (sorted: bisect finds a period)."""
        days = [m.when for m in self.meetings]
        first = next((n for n, day in enumerate(days) if day is not None), len(days))
        return first, days[first:]

    @cached_property
    def by_id(self) -> dict[str, Meeting]:
        return {m.id: m for m in self.meetings}

    @cached_property
    def by_person(self) -> dict[str, list[Meeting]]:
        found: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in self.meetings:
            for person in dict.fromkeys(a.person for a in meeting.attendances):
                found[person].append(meeting)
        return dict(found)

    @cached_property
    def person_names(self) -> list[str]:
        return sorted(self.by_person)

    @cached_property
    def sightings(self) -> list[TitleSighting]:
        rows = sorted((row for part in self.issues.values() for row in part.sightings), key=lambda row: row[0])
        return [sighting for _, sighting in rows]

    @cached_property
    def sightings_by_person(self) -> dict[str, list[TitleSighting]]:
        found: dict[str, list[TitleSighting]] = defaultdict(list)
        for sighting in self.sightings:
            found[sighting.person].append(sighting)
        return dict(found)

    @cached_property
    def _title_rows(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for n, sighting in enumerate(self.sightings):
            found[sighting.title].append(n)
        return dict(found)

    @cached_property
    def titles(self) -> list[str]:
        return sorted(self._title_rows)

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.meetings)

    def in_period(self, date_from: dt.date | None, date_to: dt.date | None) -> list[Meeting]:
        """`query.filter_meetings` on the date-ordered list, by bisection."""
        if date_from is None and date_to is None:
            return list(self.meetings)
        first, days = self._dated
        lo = first + (bisect.bisect_left(days, date_from) if date_from is not None else 0)
        hi = first + (bisect.bisect_right(days, date_to) if date_to is not None else len(days))
        return self.meetings[lo:hi]

    def of_person(self, person: str) -> list[Meeting]:
        return list(self.by_person.get(person, ()))

    def sightings_of(self, person: str) -> list[TitleSighting]:
        return list(self.sightings_by_person.get(person, ()))

    def sightings_ending(self, bare: str) -> list[TitleSighting]:
        """Printings of every title ending with `bare` (SQL's `LIKE '%bare'`), in row order."""
        pattern = _like_suffix(bare)
        rows = sorted(n for title, ns in self._title_rows.items() if pattern.fullmatch(title) for n in ns)
        return [self.sightings[n] for n in rows]


def _selections(sources: list[str], everything: bool) -> list[tuple[str, tuple]]:
    """WHERE clauses that pick these files' rows (joined as `m`): none when they are every file."""
    if everything:
        return [("", ())]
    batches = [tuple(sources[i : i + _IN_BATCH]) for i in range(0, len(sources), _IN_BATCH)]
    return [(f" WHERE m.source IN ({','.join('?' * len(batch))})", batch) for batch in batches]


@contextmanager
def _one_read(db: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: stamps and records from the same state of the file, whatever another connection
    commits meanwhile (a commit after the generation was read only makes the next lookup refresh again)."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


class ReadModel:
    """The current Snapshot of a store's database; `current()` refreshes it when the store has changed."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock):
        self.db, self.lock = db, lock
        self._snapshot: Snapshot | None = None
        self._seen: tuple | None = None
        self._writes = 0
        self._dirty: set[str] = set()
        self.loads = 0  # issue files parsed from SQLite so far (the tests read it)

    def wrote(self, sources: Iterable[str]) -> None:
        """This connection changed these files' records (its own commits leave data_version as it was)."""
        with self.lock:
            self._writes += 1
            self._dirty.update(sources)

    def current(self) -> Snapshot:
        with self.lock:
            generation = (self._writes, self.db.execute("PRAGMA data_version").fetchone()[0])
            if self._snapshot is None or generation != self._seen:
                with _one_read(self.db):
                    self._snapshot = self._refresh(self._snapshot)
                self._seen, self._dirty = generation, set()
            return self._snapshot

    def _refresh(self, old: Snapshot | None) -> Snapshot:
        """A new snapshot that keeps the old one's records of every file whose stored version is unchanged."""
        stamps = self._stamps()
        kept = {} if old is None else {
            source: part for source, part in old.issues.items()
            if stamps.get(source) == part.stamp and source not in self._dirty
        }
        stale = [source for source in stamps if source not in kept]
        loaded = self._load(stale, stamps, everything=not kept)
        self.loads += len(stale)
        return Snapshot({**kept, **loaded})

    def _stamps(self) -> dict[str, Stamp]:
        """Each stored issue file's version: a rewrite gets a new row (its id reused only for the last row, when
        its ingest time and hash then tell it apart; a rewrite by this connection is marked dirty besides)."""
        rows = self.db.execute("SELECT source, rowid, sha256, extractor_version, ingested_at FROM meeting_files").fetchall()
        return {source: tuple(rest) for source, *rest in rows}

    def _load(self, sources: list[str], stamps: dict[str, Stamp], *, everything: bool) -> dict[str, IssueRecords]:
        """Parse the records of these files (one pass over each table when they are all of them)."""
        meetings: dict[str, list[Meeting]] = defaultdict(list)
        sightings: dict[str, list[tuple[int, TitleSighting]]] = defaultdict(list)
        for where, params in _selections(sources, everything):
            for source, record in self.db.execute(f"SELECT m.source, m.record FROM meetings m{where}", params):
                meetings[source].append(Meeting.model_validate_json(record))
            rows = self.db.execute(
                f"SELECT m.source, t.rowid, t.record FROM person_titles t JOIN meetings m ON m.id = t.meeting_id{where}", params)
            for source, rowid, record in rows:
                sightings[source].append((rowid, TitleSighting.model_validate_json(record)))
        return {source: IssueRecords(stamps[source], tuple(meetings[source]), tuple(sightings[source])) for source in sources}
