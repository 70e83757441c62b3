"""A synthetic archive for benchmarks and crash tests: the seed issues again and again, with new dates and numbers.

Each synthetic file is one seed issue rewritten as an issue file with a masthead of its
own (date and 第N期 shifted); article texts are unchanged, so their embeddings are too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qa.corpus import Issue, parse_file

WEEKDAYS = "一二三四五六日"


def issue_text(issue: Issue, date: dt.date, issue_no: int) -> str:
    """An issue file for the parser: masthead, then each article as headline, sub-headline, paragraphs, byline."""
    blocks = [f"{date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]}", f"第{issue_no}期"]
    for article in issue.articles:
        if article.kind == "article":
            blocks.append(f"## {article.title}")
            blocks.extend(part for part in article.subtitle.split(" / ") if part)
        blocks.extend(article.body.split("\n"))
        if article.byline:
            blocks.append(f"（{' '.join(article.byline)}）")
        else:
            blocks.append("（本报记者）")
    return "\n\n".join(blocks) + "\n"


def write_archive(seed_files: list[Path], out_dir: Path, count: int, start: dt.date = dt.date(2010, 1, 1), first_no: int = 1000) -> list[Path]:
    """Write `count` synthetic issue files into out_dir, cycling through the seeds; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = [parse_file(p) for p in seed_files]
    paths = []
    for i in range(count):
        path = out_dir / f"syn_{i:05d}.txt"
        path.write_text(issue_text(seeds[i % len(seeds)], start + dt.timedelta(days=i), first_no + i), encoding="utf-8")
        paths.append(path)
    return paths
