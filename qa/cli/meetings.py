"""`qa meetings` and `qa people`: the meeting records, with the sources of every line."""

from __future__ import annotations

import json

import click

from qa.cli.options import date_option
from qa.meetings.models import ROLE_LABELS, ROLES, Evidence, Meeting, PersonProfile


def _open_store(settings):
    """The store of the configured index; filled from settings.seeds_dir when still empty."""
    from qa.meetings.build import build
    from qa.meetings.store import MeetingStore

    store = MeetingStore.from_settings(settings)
    if store.is_empty() and settings.seeds_dir.exists():
        click.echo(f"会议记录库为空，正在从 {settings.seeds_dir} 抽取……", err=True)
        _report_failures(build(store, [settings.seeds_dir], progress=True))
    return store


def _report_failures(report) -> None:
    for exc in report.failures:
        click.echo(f"  无法读取：{exc}", err=True)


def _cite(ev: Evidence) -> str:
    issue = f"第{ev.issue_no}期" if ev.issue_no else "期号不详"
    day = ev.issue_date.isoformat() if ev.issue_date else "日期不详"
    return f"{issue} {day}《{ev.title}》 {ev.article_id} {ev.source}"


def _day(meeting: Meeting) -> str:
    return meeting.day_text


def _meeting_lines(meeting: Meeting, person: str | None) -> list[str]:
    lines = [f"{_day(meeting)}  {meeting.name}"]
    if meeting.place:
        lines.append(f"    地点：{meeting.place}")
    if meeting.branch_place:
        lines.append(f"    分会场：{meeting.branch_place}")
    for role in ROLES:
        people = []
        for a in meeting.attendances:
            if a.role == role and a.person not in people:
                people.append(a.person + ("（分会场）" if a.venue == "branch" else ""))
        if people:
            lines.append(f"    {ROLE_LABELS[role]}：{'、'.join(people)}")
    if person:
        roles = "、".join(ROLE_LABELS[r] for r in dict.fromkeys(meeting.roles_of(person)))
        lines.append(f"    {person}：{roles}")
    lines.append(f"    来源：{_cite(meeting.name_evidence)}")
    return lines


@click.command("meetings")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--person", help="只列出此人参与（任何角色）的会议")
@click.option("--from", "date_from", callback=date_option(end=False), help="起始日期：2023、2023-02 或 2023-02-24")
@click.option("--to", "date_to", callback=date_option(end=True), help="截止日期：2023、2023-02 或 2023-02-24")
@click.option("--json", "as_json", is_flag=True, help="每个会议一行 JSON（含每个字段的出处句子）")
@click.option("--rebuild", is_flag=True, help="清空后从 PATH（默认 seeds_dir）重新抽取会议记录")
@click.option("--score", "gold", is_flag=False, flag_value="", default=None,
              help="与金标比对抽取结果：不带文件时逐角色打印种子、开发集的 P/R/F1 和封存集的汇总；带文件时只评该文件（PATH 默认 seeds_dir）")
def meetings_cmd(paths, person, date_from, date_to, as_json, rebuild, gold) -> None:
    """The meeting table: date, name, place, who chaired/attended/took part/spoke, and sources."""
    from qa.settings import load_settings

    settings = load_settings()
    if paths and not (rebuild or gold is not None):
        raise click.UsageError("PATH 只能与 --rebuild 或 --score 一起使用")
    if gold is not None and paths and not gold:
        raise click.UsageError("PATH 需与金标文件一起给出：--score GOLD PATH…")
    if gold == "":
        from qa.meetings.score import score_all

        text, ok = score_all(".", settings.seeds_dir)
        click.echo(text)
        raise SystemExit(0 if ok else 1)
    if gold:
        from pathlib import Path

        from qa.meetings.score import event_report, is_events_gold, report, run, run_events

        if not Path(gold).is_file():
            raise click.BadParameter(f"金标文件不存在：{gold}", param_hint="--score")
        if is_events_gold(gold):
            sealed = Path(gold).resolve().parent.name == "sealed"  # the sealed gold: aggregates only
            events = run_events(gold, list(paths) or None, label=gold, details=not sealed)
            click.echo(event_report(events, details=not sealed))
            raise SystemExit(0 if events.meets_targets else 1)
        result = run(gold, list(paths) or [settings.seeds_dir])
        click.echo(report(result))
        raise SystemExit(0 if result.meets_targets else 1)
    if rebuild:
        from qa.meetings.build import build
        from qa.meetings.store import MeetingStore

        with MeetingStore.from_settings(settings) as store:
            built = build(store, list(paths) or [settings.seeds_dir], rebuild=True, progress=True)
            _report_failures(built)
            click.echo(f"已从 {len(built.sources)} 期报纸重建会议记录：{len(store.meetings())} 个会议或活动", err=True)
    with _open_store(settings) as store:
        found = store.meetings(person=person, date_from=date_from, date_to=date_to)
    if as_json:
        for meeting in found:
            click.echo(meeting.model_dump_json())
        return
    if not found:
        who = f"“{person}”参与的" if person else ""
        click.echo(f"记录中没有{who}会议。")
        return
    for meeting in found:
        click.echo("\n".join(_meeting_lines(meeting, person)))


def _profile_lines(profile: PersonProfile) -> list[str]:
    lines = [profile.name, "职务（按首次出现先后）："]
    for span in profile.titles:
        first = span.first_seen.isoformat() if span.first_seen else "日期不详"
        last = span.last_seen.isoformat() if span.last_seen else first
        when = first if first == last else f"{first} 至 {last}"
        lines.append(f"  {span.title}  {when}（见报 {len(span.sightings)} 次）")
        for s in span.sightings:
            lines.append(f"      {_cite(s.evidence)}")
    if not profile.titles:
        lines.append("  （报道中未写明职务）")
    lines.append(f"会议和活动（{len(profile.meetings)} 个）：")
    for pm in profile.meetings:
        roles = "、".join(ROLE_LABELS[r] for r in pm.roles)
        lines.append(f"  {_day(pm.meeting)}  {pm.meeting.name}  〔{roles}〕")
        lines.append(f"      “{pm.attendances[0].evidence.quote}”")
        lines.append(f"      {_cite(pm.attendances[0].evidence)}")
    return lines


@click.command("people")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="一个 JSON 对象：职务时间线与会议，含出处")
def people_cmd(name: str, as_json: bool) -> None:
    """One person's titles over time and every meeting they took part in, with sources."""
    from qa.meetings.errors import NotRecorded
    from qa.settings import load_settings

    with _open_store(load_settings()) as store:
        profile = store.person(name)
        if profile is None:
            close = [p for p in store.person_names() if len(set(p) & set(name)) >= 2]
            hint = f"相近的姓名：{'、'.join(close)}。" if close else "请检查姓名，或先运行 qa ingest 导入报纸。"
            raise NotRecorded(f"会议记录中没有“{name}”。{hint}")
    if as_json:
        click.echo(json.dumps(profile.model_dump(mode="json"), ensure_ascii=False))
        return
    click.echo("\n".join(_profile_lines(profile)))


COMMANDS = [meetings_cmd, people_cmd]
