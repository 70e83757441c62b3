"""Meeting records in the archive database: an ingestion sink (upsert_issue/remove_source) with the queries answers need.

The archive database (qa.archive_db) is where the records live, beside the issues and articles
they come from; questions are answered from the read model (qa.meetings.readmodel), which holds
them parsed in memory until the store changes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from qa import archive_db
from qa.corpus.models import Issue
from qa.meetings import query
from qa.meetings.bodies import default_body, split_body
from qa.meetings.extract import EXTRACTOR_VERSION, extract_issue
from qa.meetings.readmodel import ReadModel, Snapshot
from qa.meetings.models import (
    Meeting,
    MeetingMatch,
    PersonMeeting,
    PersonProfile,
    Role,
    RoleAnswer,
    TitleHolder,
    TitleSpan,
    Venue,
)

# holders_of's default: the body the asked title means (即墨区 for 区长); pass body=None for all.
DEFAULT_BODY = object()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class MeetingStore:
    """The meeting records of every ingested issue, in the index directory's archive database."""

    # The ingest manifest remembers which sinks saw which file by this name: a new extractor
    # version is a new name, so the next `qa ingest` hands every file to the new extractor.
    name = f"meetings-v{EXTRACTOR_VERSION}"

    def __init__(self, db: Path | str | sqlite3.Connection):
        if isinstance(db, sqlite3.Connection):
            self.db = db
            self.db.execute("PRAGMA foreign_keys = ON")
            self.schema_version = archive_db.migrate(self.db)
        else:
            self.db = archive_db.connect(db)
            self.schema_version = archive_db.version(self.db)
        # The web app answers from worker threads; the lock serialises use of the one connection.
        self.lock = threading.RLock()
        self.read_model = ReadModel(self.db, self.lock)

    @classmethod
    def from_settings(cls, settings) -> MeetingStore:
        """The store in the index directory's archive database."""
        return cls(archive_db.path_in(settings.index_dir))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> MeetingStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the ingestion sink ---------------------------------------------------------------------
    def upsert_issue(self, issue: Issue) -> None:
        """Replace everything extracted from `issue.source` with what this version of the issue says."""
        with self.lock:
            row = self.db.execute("SELECT sha256, extractor_version FROM meeting_files WHERE source = ?",
                                  (issue.source,)).fetchone()
        if row == (issue.sha256, EXTRACTOR_VERSION):
            return
        # People already in the archive help read lists and names run together in this issue. Read from
        # SQLite, not the read model: during an ingest every issue changes the store, and refreshing the
        # read model after each one would cost the whole archive per issue.
        self.replace_meetings(issue, extract_issue(issue, known=set(self.person_names())))

    def replace_meetings(self, issue: Issue, meetings: list[Meeting]) -> None:
        """Store given meetings as all that `issue.source` holds (upsert_issue with extraction done)."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM meeting_files WHERE source = ?", (issue.source,))
            self.db.execute(
                "INSERT INTO meeting_files (source, sha256, extractor_version, ingested_at) VALUES (?, ?, ?, ?)",
                (issue.source, issue.sha256, EXTRACTOR_VERSION, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
            )
            for meeting in meetings:
                self.db.execute(
                    "INSERT INTO meetings (id, source, article_id, name, sort_date, record) VALUES (?, ?, ?, ?, ?, ?)",
                    (meeting.id, issue.source, meeting.article_id, meeting.name, _iso(meeting.when), meeting.model_dump_json()),
                )
                self.db.executemany(
                    "INSERT INTO attendances (meeting_id, person, role, venue, ord, body) VALUES (?, ?, ?, ?, ?, ?)",
                    [(meeting.id, a.person, a.role, a.venue, n, a.body) for n, a in enumerate(meeting.attendances)],
                )
            self.db.executemany(
                "INSERT INTO person_titles (person, title, seen_date, meeting_id, record, body) VALUES (?, ?, ?, ?, ?, ?)",
                [(s.person, s.title, _iso(s.date), s.meeting_id, s.model_dump_json(), s.body)
                 for s in query.title_sightings(meetings)],
            )
        self.read_model.wrote([issue.source])

    def remove_source(self, source: str) -> None:
        """Forget an issue file and everything extracted from it."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM meeting_files WHERE source = ?", (source,))
        self.read_model.wrote([source])

    def clear(self) -> None:
        """Forget every issue (before a rebuild)."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM meeting_files")
        self.read_model.wrote([])  # every file is gone from `meeting_files`: the refresh drops them all

    # -- inventory -------------------------------------------------------------------------------
    def _rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    def sources(self) -> dict[str, str]:
        """Ingested issue files and their content hashes."""
        return dict(self._rows("SELECT source, sha256 FROM meeting_files ORDER BY source"))

    def is_empty(self) -> bool:
        return not self._rows("SELECT 1 FROM meeting_files LIMIT 1")

    def _records(self) -> Snapshot:
        """The records as they are now (parsed once per change of the store, not per question)."""
        return self.read_model.current()

    def person_names(self) -> list[str]:
        """Every person in the records (the BM25 tokenizer adds them to its dictionary).

        From SQLite, one index scan: ingest asks for it once per issue and once per run, and must
        not parse every record for it. Questions use `known_people`, from the read model.
        """
        return [r[0] for r in self._rows("SELECT DISTINCT person FROM attendances ORDER BY person")]

    def known_people(self) -> set[str]:
        return set(self._records().person_names)

    def bodies_of(self, person: str) -> list[str]:
        """Where a person's titles were held (`即墨区`, `胶州市`…), most printings first."""
        rows = self._rows("SELECT body, COUNT(*) FROM person_titles WHERE person = ? AND body IS NOT NULL GROUP BY body "
                          "ORDER BY COUNT(*) DESC, body", ("".join(person.split()),))
        return [r[0] for r in rows]

    def known_titles(self) -> list[str]:
        return list(self._records().titles)

    def people_in(self, text: str) -> list[str]:
        """Recorded people named in a question, in the order they appear."""
        return query.mentioned("".join(text.split()), self._records().person_names)

    def titles_in(self, text: str) -> list[str]:
        """Recorded titles named in a question (`2021年的区长是谁` → [`区长`]), longest match first."""
        return query.mentioned("".join(text.split()), self.known_titles())

    # -- meetings --------------------------------------------------------------------------------
    def meeting(self, meeting_id: str) -> Meeting | None:
        return self._records().by_id.get(meeting_id)

    def meetings(
        self, *, person: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
    ) -> list[Meeting]:
        """All meetings (or those with `person` in any role) in a date range, oldest first."""
        records = self._records()
        if person:
            return query.filter_meetings(records.of_person("".join(person.split())), date_from, date_to)
        return records.in_period(date_from, date_to)

    def find_meetings(
        self,
        text: str,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        limit: int = 5,
        min_score: float = query.MIN_MATCH_SCORE,
    ) -> list[MeetingMatch]:
        """Meetings whose name best matches a question or name fragment, best first."""
        names = self._records().names
        if date_from is None and date_to is None:
            return names.match(text, limit=limit, min_score=min_score)
        # names are weighed among the meetings of the period, as query.match_meetings does
        return names.match_within(text, self.meetings(date_from=date_from, date_to=date_to), limit=limit, min_score=min_score)

    def name_weights(self) -> dict[str, float]:
        """How much each two-character piece of the meetings' names says: the rarer among them, the more."""
        return self._records().names.idf

    def who(
        self,
        text: str,
        role: Role | None = None,
        *,
        venue: Venue | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        min_score: float = query.MIN_MATCH_SCORE,
        margin: float = query.TIE_MARGIN,
    ) -> list[RoleAnswer]:
        """Who chaired/attended/… the meeting a question names: the best match and its ties; [] if none.
        `min_score`, `margin`: how well a name must match, and how close to the best a tie is."""
        found = self.find_meetings(text, date_from=date_from, date_to=date_to, min_score=min_score)
        matches = query.best_matches(found, margin)
        return [query.role_answer(m, role, venue) for m in matches]

    def meetings_of(
        self,
        person: str,
        *,
        roles: Iterable[Role] | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[PersonMeeting]:
        """Every meeting a person took part in (any role unless `roles`), oldest first, with their sentences."""
        person = "".join(person.split())
        return query.person_meetings(person, self.meetings(person=person), roles=roles, date_from=date_from, date_to=date_to)

    # -- people and titles -----------------------------------------------------------------------
    def titles_of(
        self,
        person: str,
        *,
        at: dt.date | None = None,
        year: int | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[TitleSpan]:
        """A person's titles: all over time, those printed in a year or range, or held across day `at`."""
        if year is not None:
            date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
        sightings = self._records().sightings_of("".join(person.split()))
        return query.titles_at(sightings, at=at, date_from=date_from, date_to=date_to)

    def holders_of(
        self,
        title: str,
        *,
        year: int | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        body: str | None | object = DEFAULT_BODY,
    ) -> list[TitleHolder]:
        """Who was printed with a title (`区长`, not `副区长`) in a year or range, with the printings.

        `body`: where the title was held. By default the body the bare title means in this paper
        (`区长` → 即墨区, `市委书记` → 青岛市; none for titles outside government); a title asked with
        its place (`城阳区区长`, `即墨区区长`) restricts to that place; `body=None` searches every body.
        """
        if year is not None:
            date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
        title = "".join(title.split())
        place, bare = split_body(title)
        if body is DEFAULT_BODY:
            body = place or default_body(title)
        sightings = self._records().sightings_ending(bare)
        return query.holders(sightings, bare if place else title, date_from=date_from, date_to=date_to,
                             body=place or body)

    def person(self, name: str) -> PersonProfile | None:
        """Titles over time and meetings of one person; None if the records never name them."""
        return query.profile("".join(name.split()), self.meetings(person=name))
