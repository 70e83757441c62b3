"""Stage: answers from the issue catalog: an issue's date and number, the issue that carried a report."""

from __future__ import annotations

import datetime as dt
import re

from qa.answer.models import NOT_FOUND, Answer, Citations, Evidence, cn_date
from qa.answer.route import ISSUE_NO, Route
from qa.answer.select import sentences
from qa.answer.when import question_window, report_dates

# 「…的报纸是第几期」「那期报纸哪天出版」: a question about the issue that printed something
_ASKS_CARRIER = re.compile(r"(?:是|在)?(?:第几期|哪一期|哪期|期号(?:是多少)?|which issue)|"
                           r"(?:报纸|那期|这期|那一期)[^，。？]{0,6}(?:哪天|哪一天|什么时候|何时|日期)[^，。？]{0,4}", re.I)
_CARRIER_WORDS = re.compile(r"刊登|登载|刊发|登在|报道|消息|新闻|的报纸|报纸上?|那期|出版|、")


class CatalogAnswers:
    """Answers the catalog gives (a mixin of AnswerEngine: it needs `catalog` and `passages`)."""

    # -- issues ----------------------------------------------------------------------------------
    def _issue(self, question: str, r: Route, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Answer:
        if r.issue_no is not None:
            issue = self.catalog.issue_by_no(r.issue_no)
        else:
            issue = self.catalog.issue_by_date(dt.date(*r.date))
        if issue is None or issue.date is None:
            return self._abstain(question, [], f"{NOT_FOUND}这一期的记录。")
        if (date_from and issue.date < date_from) or (date_to and issue.date > date_to):
            # the filter applies here too: an issue outside it is not answered as if it were inside
            return self._abstain(question, [], f"{NOT_FOUND}所选日期范围内的这一期：这一期不在筛选的日期之内。请清除或放宽日期筛选后再问。")
        quote = " ".join((issue.masthead or "").split())
        first = issue.articles[0] if issue.articles else None
        ev = Evidence(first.id if first else "", "报头", issue.issue_no, issue.date, issue.source, quote or issue.label)
        cites = Citations()
        text = f"第{issue.issue_no}期出版于{cn_date(issue.date)}。{cites.mark(ev)}"
        return Answer(question=question, answer=text, mode="issue", citations=cites.items)

    def _printed_in(self, question: str) -> tuple[dt.date, dt.date] | None:
        """The days an issue the question names (第N期) can report on: the week before it came out, and its day."""
        m = ISSUE_NO.search(question)
        issue = self.catalog.issue_by_no(int(m.group(1) or m.group(2)), articles=False) if m else None
        if issue is None or issue.date is None:
            return None
        return issue.date - dt.timedelta(days=self.tuning.report_lag_days), issue.date

    def _carrier(self, question: str, resolved: str, date_from, date_to) -> Answer | None:
        """Which issue printed the report a question describes, and when it came out; None if no report is about it."""
        topic = _CARRIER_WORDS.sub("", _ASKS_CARRIER.sub("", resolved)).strip("，,、？? ")
        if len(topic) < 4:
            return None
        lo, hi = report_dates(question_window(topic), date_from, date_to)
        passages = self._search(topic, 3, lo, hi)
        weighted = self._weigh(self._cjk_terms(topic))
        about = [p for p in passages if self._about(weighted, p, topic)]
        if not about or about[0].issue_no is None or about[0].issue_date is None:
            return None
        p = about[0]
        cites = Citations()
        lead = next(iter(sentences(p.body)), p.title)
        mark = cites.mark(Evidence(p.article_id, p.title, p.issue_no, p.issue_date, p.source, lead))
        text = f"报道《{p.title}》的是第{p.issue_no}期，{cn_date(p.issue_date)}出版。{mark}"
        return Answer(question=question, answer=text, mode="issue", citations=cites.items,
                      retrieved=[x.article_id for x in passages], focus={"topic": p.title})
