"""Stage: answers from the meeting records (who chaired, attended…, a person's meetings and posts)."""

from __future__ import annotations

import re

from qa.answer import relevance
from qa.answer.english import is_english
from qa.answer.models import NOT_FOUND, Answer, Citations, RecordAnswer
from qa.answer.route import TITLES, with_place
from qa.answer.when import question_window
from qa.meetings.bodies import default_body, split_body



class RecordAnswers:
    """Answers the meeting records give (a mixin of AnswerEngine: it needs `records` and `catalog`)."""

    # -- meeting records ---------------------------------------------------------------------------
    def _records(self, question, resolved, r, date_from, date_to, people) -> Answer | None:
        # 「2025年的…会议」 is the one held then, never another year's of the same name
        window = question_window(resolved) if r.kind == "meeting" else None
        if window is not None and (held := self._held_only_in_other_years(resolved)):
            return self._abstain(question, [], f"{NOT_FOUND}{held}的报道（报纸上有其他年份的这个会议）。")
        found = self.records.answer(resolved, r, date_from, date_to, window)
        if (found is None or not found.lines) and r.kind == "meeting":
            # the question names the meeting in its own words: let retrieval find the report
            found = self.records.answer(resolved, r, date_from, date_to, window, self._about_articles(resolved, window, is_english(question)))
            if found is not None and found.lines and not self._is_this_event(resolved, found, question):
                found = None
        if found is not None and found.lines and not is_english(question) and self._names_unreported(resolved, found):
            found = None  # 「赴深圳招商」 is not answered by the trip to 上海
        if found is None or not found.lines:
            if r.kind in ("title_holder", "person_role", "person_meetings") or r.ordinals:
                # the records are the authority here: text search would only guess
                return self._abstain(question, [], f"{NOT_FOUND}相关记载。")
            return None
        cites = Citations()
        parts = []
        for text, evidence in found.lines:
            marks = "".join(cites.mark(ev) for ev in evidence)
            parts.append(f"{text}{marks}")
        answer = Answer(question=question, answer="\n".join(parts), mode="meetings", citations=cites.items,
                        focus={k: v for k, v in vars(found.focus).items() if v})
        return self._grounded(answer, people, derived=found.derived)

    def _is_this_event(self, resolved: str, found, question: str) -> bool:
        """The event the records found through its report is the one asked about: its name, headline and
        sentences carry enough of the question's words, and it is not another one of a series (第二十三次 for
        the seventh session). English questions share no other words with the records and are taken as found."""
        if not found.focus.meeting:
            return True
        headline = next((ev.title for _, evs in found.lines for ev in evs), "")
        if relevance.series_conflict(resolved, found.focus.meeting + headline):
            return False
        if is_english(question):
            return True
        weighted = self._weigh(self._cjk_terms(resolved))
        # 「动员会开始前…下企业查安全」: an event told before a meeting is named after it in the headline;
        # the event's own sentences tell it too (逄锦璐去慰问老师; 会见了…院长公孙鹏飞一行)
        quoted = "".join(ev.quote for _, evs in found.lines for ev in evs)
        return relevance.coverage(weighted, found.focus.meeting + headline + quoted) >= self.tuning.min_event_relevance

    def _false_title(self, question: str, person: str, titles: set[str]) -> str | None:
        """「即墨区区长上官立新…」 when the records print 上官立新 only as 胶州市市长: the question rests on a
        title the archive never gives that person, so no answer about them can be right. None when it fits
        or the records do not know the person's titles."""
        store = getattr(self.records, "store", None)
        at = question.find(person)
        before = re.split(r"[，。？！、\s]", question[max(0, at - 12):at])[-1]
        known = sorted(set(TITLES) | titles, key=len, reverse=True)
        said = next((t for t in known if len(t) >= 2 and before.endswith(t)), None)
        # 「禚立平当区长那几年」: the post said after the name, through 当/任/担任
        after = re.match(r"(?:当|任|担任|出任|当上了?)", question[at + len(person):])
        if said is None and after:
            rest = question[at + len(person) + after.end():]
            said = next((t for t in known if len(t) >= 2 and rest.startswith(t)), None)
        if said is None or store is None:
            return None
        spans = store.titles_of(person)
        if not spans:
            return None
        written = with_place(question[:at], said)
        body, post = default_body(written), split_body(said)[1]
        for span in spans:
            if split_body(span.title)[1] == post and (body is None or span.body is None or span.body == body):
                return None
        return f"{NOT_FOUND}{person}任{written}的记载，请核对问题中的职务。"

    def _names_unreported(self, question: str, found: RecordAnswer) -> bool:
        """Whether the question names something the archive never prints and the records' reports do not hold."""
        weighted = self._weigh(self._cjk_terms(question))
        if all(w.known or not w.naming for w in weighted):
            return False
        texts = []
        for ev in {ev.article_id: ev for _, evs in found.lines for ev in evs}.values():
            article = self.catalog.article(ev.article_id)
            texts.append(article[1].title + article[1].body if article else ev.title + ev.quote)
        return relevance.names_the_unreported(weighted, "".join(texts))
