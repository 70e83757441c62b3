"""A synthetic archive of any size in the seeds' raw format: new issues recombined from the seed and dev articles.

    python bench/make_archive.py OUT --issues 2500 [--seed 14] [--start 2016-01-04] [--first-no 1000]

Each issue gets a masthead of its own (publisher line, date with weekday, 第N期: one issue per
weekday, so 2,500 issues span about ten years) and as many articles as a real issue holds,
drawn from every article of seeds/ and eval/dev/issues/ and written exactly as printed there
(their raw lines: OCR line breaks, headline lines, bylines). Names, figures and texts are kept,
so passages repeat and their embeddings come from the cache; combinations, dates and numbers
are new, so no two issues are the same issue to the ingest's duplicate check. The same seed
gives the same archive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.corpus import Article, Issue, parse_file, parse_text  # noqa: E402
from qa.corpus.read import find_issue_files  # noqa: E402

SOURCES = (ROOT / "seeds", ROOT / "eval" / "dev" / "issues")
# The held-out questions' issues must never leak into anything built for development.
SEALED = ROOT / "eval" / "sealed"
PUBLISHER = "中共青岛市即墨区委 青岛市即墨区人民政府 青岛市即墨区融媒体中心编辑出版"
WEEKDAYS = "一二三四五六日"
# Tries at one issue's article order before it is written without what would not parse back.
ATTEMPTS = 20


def load_issues(sources: tuple[Path, ...]) -> list[Issue]:
    """The issues articles are drawn from; refuses the sealed evaluation issues."""
    for source in sources:
        if source.resolve().is_relative_to(SEALED.resolve()):
            raise SystemExit(f"{source}: the sealed evaluation issues are not material for benches")
    return [parse_file(p) for p in find_issue_files(list(sources))]


def publication_days(start: dt.date) -> Iterator[dt.date]:
    """Monday to Friday from `start` on: about 260 issues a year, the density of a real local paper."""
    day = start
    while True:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def masthead(day: dt.date, issue_no: int) -> list[str]:
    """The masthead blocks as the seeds print them (the lunar date left out: nothing reads it)."""
    return [PUBLISHER, f"{day.year} 年 {day.month} 月 {day.day} 日 星期{WEEKDAYS[day.weekday()]}", f"第 {issue_no} 期"]


def has_headline(article: Article) -> bool:
    return article.kind == "article" and not article.title_inferred


def arrange(articles: list[Article]) -> list[Article]:
    """An order the parser reads back as the same articles.

    A headline always starts a new article, but text without one (a photo caption) joins the
    article before it unless that one was closed by its byline; so each headline-less article
    goes after a closed one, and is left out when none is free.
    """
    led = [a for a in articles if has_headline(a)]
    loose = [a for a in articles if not has_headline(a)]
    out: list[Article] = []
    for article in led:
        out.append(article)
        if loose and article.byline:
            out.append(loose.pop(0))
    return out


def issue_text(day: dt.date, issue_no: int, articles: list[Article]) -> str:
    return "\n\n".join([*masthead(day, issue_no), *(a.raw for a in articles)]) + "\n"


def _fingerprint(article: Article) -> tuple:
    return article.kind, article.title, article.subtitle, article.body, tuple(article.byline)


def reads_back(text: str, articles: list[Article]) -> bool:
    """Whether the parser finds exactly these articles in the text written for them."""
    parsed = parse_text(text, source="check.txt")
    return [_fingerprint(a) for a in parsed.articles] == [_fingerprint(a) for a in articles]


def compose(rng: random.Random, pool: list[Article], sizes: list[int], day: dt.date, issue_no: int) -> str:
    """One new issue: a real issue's number of articles, drawn from the pool, in an order that parses back."""
    for _ in range(ATTEMPTS):
        articles = arrange(rng.sample(pool, rng.choice(sizes)))
        text = issue_text(day, issue_no, articles)
        if articles and reads_back(text, articles):
            return text
    # Never met on the seeds; a lead article alone always parses back.
    lead = next(a for a in pool if has_headline(a))
    return issue_text(day, issue_no, [lead])


def write_archive(out_dir: Path, count: int, *, seed: int = 14, start: dt.date = dt.date(2016, 1, 4),
                  first_no: int = 1000, sources: tuple[Path, ...] = SOURCES) -> list[Path]:
    """Write `count` issue files into out_dir (named like the seeds: number and content hash); returns their paths."""
    issues = load_issues(sources)
    pool = [a for issue in issues for a in issue.articles]
    sizes = [len(issue.articles) for issue in issues]
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, day in zip(range(count), publication_days(start)):
        text = compose(rng, pool, sizes, day, first_no + n)
        path = out_dir / f"{n:05d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the issue files into (must hold no .txt yet)")
    parser.add_argument("--issues", type=int, default=100, help="how many issues")
    parser.add_argument("--seed", type=int, default=14, help="random seed: the same seed writes the same archive")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2016, 1, 4), help="first issue's date")
    parser.add_argument("--first-no", type=int, default=1000, help="first issue's 第N期")
    parser.add_argument("--source", type=Path, action="append",
                        help="folder of issues to draw articles from (repeatable; default: seeds and dev issues)")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.glob("*.txt")):
        # a second run would leave the first one's files beside its own: a different archive
        raise SystemExit(f"{args.out} already holds issue files: give an empty or new folder")
    paths = write_archive(args.out, args.issues, seed=args.seed, start=args.start, first_no=args.first_no,
                          sources=tuple(args.source or SOURCES))
    last = parse_file(paths[-1])
    print(f"{len(paths)} issues written to {args.out}, the last {last.label} with {len(last.articles)} articles")


if __name__ == "__main__":
    main()
