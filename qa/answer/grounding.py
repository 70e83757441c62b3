"""Stage: the last check before an answer is shown: every name and figure in a cited sentence, or a refusal."""

from __future__ import annotations

import datetime as dt
import re

from qa.answer import ground
from qa.answer.models import Answer, Citation, evidence_of
from qa.answer.select import Candidate
from qa.meetings.dates import days_stated


class Grounding:
    """Grounding and refusals (a mixin of AnswerEngine: it needs `records` and `catalog`)."""

    # -- grounding and abstention --------------------------------------------------------------------
    def _grounded(self, answer: Answer, people: set[str], derived: set[str] = frozenset()) -> Answer:
        """Drop sentences with facts no cited article states; if nothing is left, answer extractively.

        `derived`: numbers the answer computed from its evidence (how many names it lists).
        """
        sources, allowed = [" ".join(derived)], set()
        for c in answer.citations:
            sources.append(f"第{c.issue_no}期 {c.issue_date} {c.title} {c.quote}")
            found = self.catalog.article(c.article_id)
            if found:
                issue, article = found
                sources.append(article.title + article.body)
                if issue.date:
                    # 昨日 means the day before publication; bare 2月24日 takes the issue's year
                    allowed |= {issue.date, issue.date - dt.timedelta(days=1)}
                    allowed |= ground.dates_in(article.title + article.body, issue.date.year)
                    # 前天, 上周五 … as the date reader resolves them against this issue
                    allowed |= days_stated(article.body, issue.date)
        g = ground.check(answer.answer, sources, people | self._bylines(), allowed)
        if g.ok:
            return answer
        kept = "".join(g.kept)
        # what is kept must still say something: a bare 「[1][2]」 is no answer
        if kept and re.search(r"\[\d+\]", kept) and re.search(r"[\u4e00-\u9fffA-Za-z0-9]", re.sub(r"\[\d+\]", "", kept)):
            return answer.model_copy(update={"answer": kept, "grounding_violations": len(g.unsupported)})
        extractive = "".join(f"{c.quote}[{c.n}]" for c in answer.citations[:2])
        return answer.model_copy(update={"answer": extractive, "mode": "extractive",
                                         "grounding_violations": len(g.unsupported)})

    def _bylines(self) -> set[str]:
        if not hasattr(self, "_byline_cache"):
            self._byline_cache = self.catalog.bylines()
        return self._byline_cache

    def _abstain(self, question, candidates: list[Candidate], message: str, retrieved=()) -> Answer:
        nearest, seen = [], set()
        for c in candidates:
            if c.passage.article_id in seen:
                continue
            seen.add(c.passage.article_id)
            ev = evidence_of(c)
            nearest.append(Citation(n=len(nearest) + 1, article_id=ev.article_id, issue_no=ev.issue_no,
                                    issue_date=ev.issue_date.isoformat() if ev.issue_date else None,
                                    title=ev.title, source=ev.source, quote=ev.quote))
        # Only the message: a refusal states no facts; the nearest articles travel as data.
        text = message + ("以下是最接近的报道，仅供参考。" if nearest else "")
        return Answer(question=question, answer=text, mode="abstain", nearest=nearest[:3], retrieved=list(retrieved))
