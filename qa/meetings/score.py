"""Scoring extracted meetings against the hand-written gold file; `python -m qa.meetings.score [GOLD] [PATH…]`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from qa.meetings.models import Meeting, Role

GOLD_FILE = Path("eval/meetings_gold.json")
# The promises of issue 4.
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.95

_GOLD_ROLE_FIELDS: dict[str, Role] = {
    "chair": "chair",
    "convener": "convener",
    "leader": "leader",
    "speakers": "speaker",
    "attendees": "attendee",
    "participants": "participant",
    "accompany": "accompany",
}


class GoldMeeting(BaseModel):
    """One meeting as a reader of the paper records it."""

    model_config = ConfigDict(extra="forbid")

    article_id: str
    name: str
    date: dt.date | None
    date_end: dt.date | None = None
    date_text: str | None = None
    date_approximate: bool = False
    place: str | None = None
    branch_place: str | None = None
    chair: list[str] = Field(default_factory=list)
    convener: list[str] = Field(default_factory=list)
    leader: list[str] = Field(default_factory=list)
    speakers: list[str] = Field(default_factory=list)
    attendees: list[str] = Field(default_factory=list)
    participants: list[str] = Field(default_factory=list)
    accompany: list[str] = Field(default_factory=list)
    branch: list[str] = Field(default_factory=list, description="people at the branch venue")
    titles: dict[str, list[str]] = Field(default_factory=dict)

    def triples(self) -> set[tuple[str, str, Role]]:
        return {(self.article_id, person, role) for name, role in _GOLD_ROLE_FIELDS.items() for person in getattr(self, name)}


class GoldSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    meetings: list[GoldMeeting]


class Tally(BaseModel):
    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += ok


class Score(BaseModel):
    """Precision and recall of (meeting, person, role) triples, and per-field accuracies, with the misses."""

    gold_meetings: int
    found_meetings: int
    matched_meetings: int
    gold_triples: int
    found_triples: int
    right_triples: int
    chairs: Tally
    dates: Tally
    dates_yesterday: Tally
    places: Tally
    titles: Tally
    venues: Tally
    missed: list[str] = Field(default_factory=list, description="gold triples not extracted")
    spurious: list[str] = Field(default_factory=list, description="extracted triples not in the gold file")
    problems: list[str] = Field(default_factory=list, description="wrong chairs, dates, places, titles, venues")

    @property
    def precision(self) -> float:
        return self.right_triples / self.found_triples if self.found_triples else 1.0

    @property
    def recall(self) -> float:
        return self.right_triples / self.gold_triples if self.gold_triples else 1.0

    @property
    def meets_targets(self) -> bool:
        return (
            self.precision >= TARGET_PRECISION
            and self.recall >= TARGET_RECALL
            and self.chairs.right == self.chairs.total
            and self.dates_yesterday.right == self.dates_yesterday.total
        )


def _triples(meeting: Meeting, key: str) -> set[tuple[str, str, Role]]:
    return {(key, a.person, a.role) for a in meeting.attendances}


def _match(gold: GoldSet, found: list[Meeting]) -> dict[str, Meeting]:
    """Gold article id → the extracted meeting of that article (the one sharing most of the name)."""
    by_article: dict[str, list[Meeting]] = {}
    for m in found:
        by_article.setdefault(m.article_id, []).append(m)
    out = {}
    for g in gold.meetings:
        candidates = by_article.get(g.article_id, [])
        if candidates:
            out[g.article_id] = max(candidates, key=lambda m: len(set(m.name) & set(g.name)))
    return out


def _fmt(triple: tuple[str, str, Role]) -> str:
    return f"{triple[0]} {triple[1]} {triple[2]}"


def score(gold: GoldSet, found: list[Meeting]) -> Score:
    """Compare extracted meetings with the gold file (pure)."""
    matched = _match(gold, found)
    matched_ids = {m.id for m in matched.values()}
    gold_triples: set = set()
    found_triples: set = set()
    chairs, dates, yesterday, places, titles, venues = Tally(), Tally(), Tally(), Tally(), Tally(), Tally()
    problems: list[str] = []
    for g in gold.meetings:
        gold_triples |= g.triples()
        m = matched.get(g.article_id)
        if m is None:
            problems.append(f"{g.article_id} 未抽取到会议：{g.name}")
            for tally in (chairs, dates, places):
                tally.add(False)
            if g.date_text and g.date_text.startswith(("昨日", "昨天")):
                yesterday.add(False)
            continue
        found_triples |= _triples(m, g.article_id)

        ok = set(m.people("chair")) == set(g.chair)
        chairs.add(ok)
        if not ok:
            problems.append(f"{g.article_id} 主持人应为 {g.chair or '无'}，抽取为 {m.people('chair') or '无'}")

        if g.date_approximate:
            ok = m.date_approximate
        else:
            ok = not m.date_approximate and m.date == g.date and m.date_end == g.date_end
        dates.add(ok)
        if g.date_text and g.date_text.startswith(("昨日", "昨天")):
            yesterday.add(ok)
        if not ok:
            problems.append(f"{g.article_id} 日期应为 {g.date}（{g.date_text}），抽取为 {m.date}（{m.date_text}）")

        ok = m.place == g.place and m.branch_place == g.branch_place
        places.add(ok)
        if not ok:
            problems.append(f"{g.article_id} 地点应为 {g.place}/{g.branch_place}，抽取为 {m.place}/{m.branch_place}")

        for person, expected in g.titles.items():
            printed = next((a.titles for a in m.attendances if a.person == person and a.titles), [])
            titles.add(printed == expected)
            if printed != expected:
                problems.append(f"{g.article_id} {person} 职务应为 {expected}，抽取为 {printed}")
        for a in m.attendances:
            if a.role == "attendee" and a.person in set(g.attendees):
                ok = (a.venue == "branch") == (a.person in g.branch)
                venues.add(ok)
                if not ok:
                    problems.append(f"{g.article_id} {a.person} 会场应为 {'分会场' if a.person in g.branch else '主会场'}")

    for m in found:
        if m.id not in matched_ids:
            found_triples |= _triples(m, m.article_id)
    return Score(
        gold_meetings=len(gold.meetings),
        found_meetings=len(found),
        matched_meetings=len(matched),
        gold_triples=len(gold_triples),
        found_triples=len(found_triples),
        right_triples=len(gold_triples & found_triples),
        chairs=chairs,
        dates=dates,
        dates_yesterday=yesterday,
        places=places,
        titles=titles,
        venues=venues,
        missed=sorted(map(_fmt, gold_triples - found_triples)),
        spurious=sorted(map(_fmt, found_triples - gold_triples)),
        problems=problems,
    )


def report(s: Score) -> str:
    """The figures as printed by the command, in Chinese."""
    lines = [
        f"会议报道：金标 {s.gold_meetings} 篇，抽取 {s.found_meetings} 篇，对上 {s.matched_meetings} 篇",
        f"(会议, 人, 角色) 三元组：金标 {s.gold_triples}，抽取 {s.found_triples}，正确 {s.right_triples}",
        f"  精确率 {s.precision:.3f}（目标 ≥ {TARGET_PRECISION}）  召回率 {s.recall:.3f}（目标 ≥ {TARGET_RECALL}）",
        f"主持人正确：{s.chairs.right}/{s.chairs.total}",
        f"日期正确：{s.dates.right}/{s.dates.total}；其中“昨日”：{s.dates_yesterday.right}/{s.dates_yesterday.total}",
        f"地点正确：{s.places.right}/{s.places.total}；职务正确：{s.titles.right}/{s.titles.total}；会场正确：{s.venues.right}/{s.venues.total}",
    ]
    if s.missed:
        lines += ["漏抽：", *(f"  {t}" for t in s.missed)]
    if s.spurious:
        lines += ["多抽：", *(f"  {t}" for t in s.spurious)]
    if s.problems:
        lines += ["其他问题：", *(f"  {p}" for p in s.problems)]
    lines.append("达到目标" if s.meets_targets else "未达到目标")
    return "\n".join(lines)


def load_gold(path: Path | str) -> GoldSet:
    return GoldSet.model_validate_json(Path(path).read_text(encoding="utf-8"))


def extract_paths(paths: list[Path | str]) -> list[Meeting]:
    """Parse issue files (or folders) and extract their meetings, without any store."""
    from qa.corpus import parse_file
    from qa.corpus.read import find_issue_files
    from qa.meetings.extract import extract_issue

    return [m for path in find_issue_files(list(paths)) for m in extract_issue(parse_file(path))]


def run(gold_path: Path | str, paths: list[Path | str]) -> Score:
    """Extract from `paths` and score against the gold file at `gold_path`."""
    return score(load_gold(gold_path), extract_paths(paths))


def main(argv: list[str] | None = None) -> int:
    from qa.settings import load_settings

    args = list(sys.argv[1:] if argv is None else argv)
    gold = args.pop(0) if args else str(GOLD_FILE)
    paths = args or [str(load_settings().seeds_dir)]
    result = run(gold, paths)
    print(report(result))
    return 0 if result.meets_targets else 1


if __name__ == "__main__":
    sys.exit(main())
