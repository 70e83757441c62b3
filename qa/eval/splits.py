"""The eval's splits: `eval/dev/` (tuned against freely) and `eval/sealed/` (written blind, read only as aggregates).

A split is a folder holding `questions*.jsonl` and, in `issues/`, the issue files it adds
to the seeds. Its archive is the seeds plus its own issues, so each split's gold is
consistent with the archive it is asked against. Questions point at their answers by
`evidence` (file + quote); loading resolves each quote to the article that holds it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.models import Issue
from qa.eval.gold import BadEvalSet, GoldQuestion, load_questions

SPLITS = ("dev", "sealed")
QUESTION_TYPES = frozenset(
    "chair attendees participants speakers other_role person_meetings role who_held place date number count "
    "issue_lookup caption what compound followup unanswerable english".split()
)
TAGS = frozenset("compound paraphrase traditional english count relative_date ocr".split())
NEW_ISSUE = "new_issue"
SEEDS = "seeds"  # answered from the seed issues only


def squash(text: str) -> str:
    """Text as quotes are matched: NFKC (widths), no whitespace (OCR spaces, line breaks)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Split:
    """One split on disk: its folder, its questions (gold resolved) and the issue files of its archive."""

    name: str
    folder: Path
    questions: list[GoldQuestion]
    issue_files: list[Path] = field(default_factory=list)  # the split's own issues, not the seeds

    @property
    def log_path(self) -> Path:
        return self.folder / "log.jsonl"


def question_files(folder: Path) -> list[Path]:
    """The split's question files, in name order (questions.jsonl, questions_issues.jsonl, …)."""
    return sorted(Path(folder).glob("questions*.jsonl"))


def own_issue_files(folder: Path) -> list[Path]:
    """The issue files a split adds to the seeds."""
    return sorted(p for p in (Path(folder) / "issues").glob("*.txt") if p.is_file())


def load_raw_questions(folder: Path, split: str) -> list[GoldQuestion]:
    """Every question of a split's files, in file order, with ids unique across files."""
    files = question_files(folder)
    if not files:
        raise BadEvalSet(f"{folder} 里没有 questions*.jsonl 评测题文件。")
    out: list[GoldQuestion] = []
    for path in files:
        out.extend(q.model_copy(update={"split": split}) for q in load_questions(path))
    ids = [q.id for q in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise BadEvalSet(f"{folder} 的评测题文件之间题号重复：{', '.join(dup)}")
    return out


class QuoteIndex:
    """Finds the article that holds a quote, by file: raw article text squashed, quotes squashed."""

    def __init__(self, issues: list[Issue], root: Path):
        self.root = Path(root)
        self._by_file: dict[str, Issue] = {}
        for issue in issues:
            # A parsed issue's source is relative to the working directory it was parsed in.
            self._by_file[str(Path(issue.source).resolve())] = issue

    def _key(self, path: str | Path) -> str:
        p = Path(path)
        full = p if p.is_absolute() else self.root / p
        return str(full.resolve())

    def issue(self, file: str) -> Issue | None:
        return self._by_file.get(self._key(file))

    def articles_holding(self, file: str, quote: str) -> list[str]:
        """Ids of the articles of `file` whose raw text contains the quote (empty: not found)."""
        issue = self.issue(file)
        if issue is None:
            return []
        want = squash(quote)
        return [a.id for a in issue.articles if want in squash(a.raw) or want in squash(f"{a.title}{a.subtitle}{a.body}")]


def resolve(questions: list[GoldQuestion], quotes: QuoteIndex, own_files: list[Path]) -> list[GoldQuestion]:
    """Questions with `gold_articles` filled from their evidence and `new_issue` tagged.

    A quote that resolves to no article is left unresolved here; `qa.eval.validate` reports it.
    """
    own = {str(Path(p).resolve()) for p in own_files}
    out = []
    for q in questions:
        gold = list(q.gold_articles)
        new_issue = False
        located = False
        for ev in q.evidence:
            for article_id in quotes.articles_holding(ev.file, ev.quote)[:1]:
                if article_id not in gold:
                    gold.append(article_id)
            new_issue |= quotes._key(ev.file) in own
            located = True
        extra = [NEW_ISSUE] if new_issue else ([SEEDS] if located or q.gold_articles or q.gold_source else [])
        tags = list(q.tags) + [t for t in extra if t not in q.tags]
        out.append(q.model_copy(update={"gold_articles": gold, "tags": tags}))
    return out


def parse_archive(files: list[Path]) -> list[Issue]:
    """Parse issue files (the seeds plus a split's own); a file that fails is a broken eval set."""
    from qa.corpus import parse_file
    from qa.errors import QAError

    issues = []
    for path in files:
        try:
            issues.append(parse_file(path))
        except QAError as exc:
            raise BadEvalSet(f"评测语料文件无法解析：{path}：{exc}") from exc
    return issues


def archive_files(folder: Path, seeds_dir: Path) -> list[Path]:
    """The issue files of a split's archive: the seeds, then the split's own issues."""
    from qa.corpus.read import find_issue_files

    return find_issue_files([seeds_dir]) + own_issue_files(folder)


def load_split(folder: Path, seeds_dir: Path, root: Path | None = None, name: str | None = None) -> tuple[Split, list[Issue]]:
    """A split with its gold resolved against its archive, and the parsed archive."""
    folder = Path(folder)
    name = name or folder.name
    files = archive_files(folder, seeds_dir)
    issues = parse_archive(files)
    quotes = QuoteIndex(issues, root or Path.cwd())
    questions = resolve(load_raw_questions(folder, name), quotes, own_issue_files(folder))
    return Split(name=name, folder=folder, questions=questions, issue_files=own_issue_files(folder)), issues
