"""Stage: answers read from retrieved text: the articles about the question, their sentences, a short answer."""

from __future__ import annotations

import re

from qa.answer import figures, relevance
from qa.answer.english import is_english
from qa.answer.followup import topic_of
from qa.answer.jobs import choose, compose
from qa.answer.models import NOT_FOUND, Answer, Citations, cn_date, evidence_of
from qa.answer.relevance import Weighted
from qa.answer.select import (
    ASKS_PHOTO,
    appointed_post,
    ROLE_VERBS,
    Candidate,
    Passage,
    asked_noun,
    asked_post,
    asks,
    content_terms,
    date_answer,
    measured_noun,
    mentions_measure,
    names_a_place,
    number_answer,
    person_names,
    place_answer,
    post_holder,
    rank_sentences,
    sentences,
    supporting,
    who_answer,
    with_previous,
)
from qa.answer.records import held_within
from qa.meetings.query import named_share
from qa.answer.when import question_window, report_dates

# 「会议在什么地点召开」: the venue of a meeting, not where a project or a visit went
_ASKS_VENUE = re.compile(r"(?:会议?|大会|座谈会|仪式)[^，。？?]{0,6}(?:在|于)(?:哪里|哪儿|何处|何地|什么地[点方])[^，。？?]{0,2}"
                         r"(?:召开|举行|举办|开)")
_TIME_WORDS = re.compile(r"(?:(?:19|20)\d{2}\s*年)?(?:\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?(?:上午|下午|晚上|前后|初|底|中旬|上旬|下旬)?"
                         r"(?<=[年月日号午上初底旬])")


# What a company or a project makes, asked and said
_ASKS_MAKES = re.compile(r"做什么|干什么|生产什么|产什么|造什么|什么产品|哪些产品|主营|主要生产|\bmake|\bproduce|\bmanufactur",
                         re.I)
_SAYS_MAKES = re.compile(r"主要生产|主要从事|主营|主要产品|主要建设|生产[^，。；]{0,6}(?:线|设备|产品)|主打")
# 「12月19日那期…的图片」: the day is the issue's, not the event's
_DATES_THE_ISSUE = re.compile(r"[这那该本]一?期|报纸|见报|刊登|刊发")


def _dated_elsewhere(p: Passage, window) -> bool:
    """The report's own opening dates what it tells to a day outside the one the question names."""
    said = sentences(p.body)
    day, _ = date_answer(said[0], p.issue_date) if said else (None, "")
    return day is not None and not window.start <= day <= window.end


class TextAnswers:
    """Answers read from retrieved articles (a mixin of AnswerEngine: it needs `passages`, `records`, `llm`)."""

    # -- retrieval ---------------------------------------------------------------------------------
    def _search(self, question: str, k: int, date_from, date_to) -> list[Passage]:
        """The k best articles; for one of a series (第二十六次会议), its siblings (第二十一次, 第二十九次…) rank
        nearly as high, so more are fetched and those that name another number go last."""
        if not relevance.numbered(question):
            return self.passages.passages(question, k, date_from, date_to)
        found = self.passages.passages(question, self.tuning.series_fetch * k, date_from, date_to)
        same = [p for p in found if not relevance.series_conflict(question, f"{p.title}{p.body}")]
        return (same + [p for p in found if p not in same])[:k]

    def _retrieval(self, question, resolved, r, date_from, date_to, people, focus) -> Answer:
        if held := self._held_only_in_other_years(resolved):
            # 「2024年全区民营经济发展大会…」 when the paper reports that meeting in 2022 and 2025 only: another
            # meeting of 2024 is not it, whatever words it shares
            return self._abstain(question, [], f"{NOT_FOUND}{held}的报道（报纸上有其他年份的这个会议）。")
        passages = self._search(resolved, self.k, date_from, date_to)
        retrieved = [p.article_id for p in passages]
        terms = self._cjk_terms(resolved)
        weighted = self._weigh(terms)
        # An article is about the question when it holds most of the question's weight (rare words
        # count most) and names no other one of a series (二期 for 三期, 第88次 for 第90次).
        english = is_english(question)
        if english:
            # no shared words to weigh across languages: the best article of (cross-lingual) retrieval,
            # their sentences ordered by the embedder's likeness to the question
            # (never another one of a series: "the 30th session" is not the report of the sixth)
            about = [p for p in passages if not relevance.series_conflict(resolved, f"{p.title}{p.body}")][:1]
            candidates = self._closest_sentences(resolved, about)
        else:
            about = [p for p in passages if self._about(weighted, p, resolved)]
            window = question_window(resolved)
            if window is not None and window.precision == "day" and not _DATES_THE_ISSUE.search(resolved):
                # 「9月2日张元升会见的是哪位客人」: not the 会见 a report dates to 9月25日
                about = [p for p in about if not _dated_elsewhere(p, window)]
            candidates = rank_sentences(resolved, about, limit=8, weighted=weighted)
        if not candidates:
            nearest = rank_sentences(resolved, passages, limit=5, weighted=weighted)
            return self._abstain(question, nearest, f"{NOT_FOUND}能回答该问题的报道。", retrieved)
        if self.llm is not None and self.llm_choice:
            picked = choose(self.llm, resolved, candidates[:3])
            if picked:
                candidates.insert(0, candidates.pop(picked))
        kind = asks(resolved)
        noun = None if english else asked_noun(resolved)
        if noun and any(noun in c.sentence for c in candidates[:4]):
            # 「会议作出了什么决定」: the sentence that prints the kind of answer (会议决定，…) before the one
            # that only names the meeting
            candidates = sorted(candidates[:4], key=lambda c: noun not in c.sentence) + candidates[4:]
        if _ASKS_MAKES.search(resolved) and any(_SAYS_MAKES.search(c.sentence) for c in candidates[:6]):
            # 「这家企业是做什么产品的」 "What will the base make?": the sentence saying what it makes (主要生产…)
            # before the one that only names the company
            candidates = sorted(candidates[:6], key=lambda c: not _SAYS_MAKES.search(c.sentence)) + candidates[6:]
        best, short, ok = candidates[0], None, False
        measure = measured_noun(resolved) if kind == "number" and not english else None
        # the best-scored sentence may not hold the figure asked for; the next ones might. The
        # sentence (with its headline) must itself hold enough of the question: an article about
        # the same topic can answer another question than this one.
        for candidate in candidates[:4]:
            # what the question asks beyond naming the article (its words outside the headline) must be
            # in the sentence: 「…大赛的冠军是哪支队伍」 is not answered by a sentence about the contest
            # (「…的大会在哪开的」 of a report headlined …工作会议: the kind of meeting said another way is no detail)
            asked = [relevance.as_detail(w, self.tuning) for w in weighted if w.term.lower() not in candidate.passage.title.lower()
                     and (w.naming or relevance.nominal(w.term))
                     and not (w.term.endswith(("会", "会议")) and "会" in candidate.passage.title)
                     # a figure asked in the user's own word for it (海洋经济的盘子有多大): the archive never
                     # prints the word, the sentence's figure is the answer
                     and not (kind == "number" and not w.known and not w.naming)]
            # read with the sentence before it: 「该项目总投资12.6亿元」 names its project there
            context = with_previous(candidate.passage.body, candidate.sentence)
            if not english and asked and relevance.coverage(asked, context) < self.tuning.min_sentence_relevance:
                continue
            if measure and not mentions_measure(measure, context):
                continue  # 「每年能交多少税」 is not answered by the sentence's other figure (投资, 产值)
            short, ok = self._short_answer(kind, resolved, candidate, terms, people)
            if ok:
                best = candidate
                break
        if not ok:
            return self._abstain(question, candidates, f"{NOT_FOUND}能回答该问题的报道。", retrieved)
        cites, disagreeing = Citations(), []
        if short:
            text = f"{short}{cites.mark(evidence_of(best))}"
            if kind == "number" and not english:
                # another report about it printing another figure: both are cited and the disagreement said
                pool = rank_sentences(resolved, [p for p in about if p.article_id != best.passage.article_id],
                                      limit=20, weighted=weighted)
                read = lambda c: self._short_answer(kind, resolved, c, terms, people)[0]  # noqa: E731
                if disagreeing := figures.disagreeing(best, short, pool, read, weighted, self.tuning):
                    cites = Citations()
                    text = figures.say_disagreement(disagreeing, lambda r: cites.mark(evidence_of(r.item)))
        else:
            # no span to extract: the supporting sentences of that article, in the order printed
            support = supporting(resolved, best, candidates, weighted, asks_photo=bool(ASKS_PHOTO.search(resolved)),
                                 tuning=self.tuning)
            text = "".join(f"{c.sentence}{cites.mark(evidence_of(c))}" for c in support)
        topic = topic_of(resolved)
        focus_now = {"topic": topic} if topic else {}
        if topic and re.search(r"(会议?|活动|座谈会|观摩会)$", topic):
            focus_now["meeting"] = topic  # 「这次会议」 in the next turn means this one
        answer = Answer(question=question, answer=text, mode="retrieval" if short else "extractive",
                        citations=cites.items, retrieved=retrieved, focus=focus_now)
        if self.llm is not None and self.llm_compose and not disagreeing:  # a rewording must not pick one side
            answer = self._composed(question, resolved, candidates[:3], answer, people, (short or "").rstrip("。"))
        return self._grounded(answer, people)

    def _held_only_in_other_years(self, question: str) -> str | None:
        """The meeting a question names by its full name and year (「2024年全区民营经济发展大会」), when the
        records hold that meeting only in other years: the name with the year asked, else None."""
        window = question_window(question)
        store = getattr(self.records, "store", None)
        if window is None or window.precision != "year" or store is None or not hasattr(store, "find_meetings"):
            return None
        named = [m for m in store.find_meetings(question, limit=10, min_score=self.tuning.meeting_min_match)
                 if named_share(question, m.meeting.name) >= self.tuning.meeting_named_in_full]
        if not named or any(held_within(m.meeting, window) for m in named):
            return None
        name = re.sub(r"^(?:19|20)\d{2}年", "", named[0].meeting.name)  # an undated meeting has no year to drop
        return f"{window.start.year}年的{name}"

    def _about_articles(self, question: str, window, english: bool = False) -> list[str]:
        """Articles retrieval finds for a question that are about it, best first (English: the best one; the
        Chinese cues put beside an English question are no words of its own to weigh)."""
        lo, hi = report_dates(window, None, None)
        passages = self._search(question, 3, lo, hi)
        if english or not re.search(r"[\u4e00-\u9fff]", question):
            # no shared words to weigh across languages; only another one of a series is ruled out
            return [p.article_id for p in passages if not relevance.series_conflict(question, f"{p.title}{p.body}")][:1]
        weighted = self._weigh(self._cjk_terms(question))
        return [p.article_id for p in passages if self._about(weighted, p, question)]

    def _closest_sentences(self, question: str, passages: list[Passage], limit: int = 6) -> list[Candidate]:
        """Sentences of the passages, most like the question by the embedder (e5 is multilingual)."""
        embedder = getattr(getattr(self.passages, "index", None), "embedder", None)
        pool = [(p, s) for p in passages for s in sentences(p.body)][:40]
        if embedder is None or not pool:
            return rank_sentences(question, passages, limit=limit)
        import numpy as np

        query = np.asarray(embedder.get_query_embedding(question))
        texts = np.asarray(embedder.get_text_embedding_batch([s for _, s in pool]))
        scores = texts @ query - 0.02 * np.asarray([p.rank for p, _ in pool])
        order = np.argsort(-scores)[:limit]
        return [Candidate(pool[i][0], pool[i][1], float(scores[i])) for i in order]

    def _weigh(self, terms: list[str]) -> list[Weighted]:
        weigh = getattr(self.passages, "weigh", None)
        if weigh is None:  # a passage source without archive statistics: every word counts alike
            return [Weighted(t, float(len(t)), True, relevance.numbered(t)) for t in terms]
        return weigh(terms)

    def _about(self, weighted: list[Weighted], p: Passage, question: str = "") -> bool:
        text = f"{p.title}{p.body}"
        if relevance.series_conflict(question, text) or relevance.names_the_unreported(weighted, text):
            return False
        return relevance.coverage(weighted, text) >= self.tuning.min_relevance

    def _cjk_terms(self, question: str) -> list[str]:
        # Dates narrow the search (question_window); as words they only mislead the tokenizer (「2022年区」).
        # Words come from the dictionary only (no guessed new words like 「时去」); the people the archive
        # knows are words too.
        text = _TIME_WORDS.sub("，", question)
        people = [p for p in (self.records.known_people() if self.records else ()) if p in text]
        known = set(content_terms(text, guess_words=False))
        in_archive = getattr(self.passages, "in_archive", lambda term: False)
        # a word jieba guesses (墨河, 冬酿) stays when the archive prints it; 「时去」「年区」 it never does
        guessed = [t for t in content_terms(text) if t in known or in_archive(t)]
        terms = list(dict.fromkeys(guessed + [t for t in known if t not in guessed] + people))
        # 阚/怀远 cut from 阚怀远: the person counts once, by their whole name
        terms = [t for t in terms if not any(t != p and t in p for p in people)]
        # 「我区分会场」 cut as 我/区分/会场: a word the archive never prints that straddles words it does
        # (我区, 分会场) is a cut in the wrong place, not something the paper failed to report
        is_word = getattr(self.passages, "is_word", lambda term: False)
        terms = [t for t in terms if in_archive(t) or not relevance.miscut(t, text, is_word)]
        cjk = [t for t in terms if re.search(r"[\u4e00-\u9fff]", t) or re.search(r"\d", t) or t.isupper()]
        return cjk or terms

    def _short_answer(self, kind, question, best: Candidate, terms, people=frozenset()) -> tuple[str | None, bool]:
        """(short answer text or None for the sentence itself, whether the sentence answers at all)."""
        s = best.sentence
        if kind == "number":
            n = number_answer(question, s, terms, topic=best.passage.title)
            return (f"{n}。", True) if n else (None, False)
        if kind == "place":
            p = place_answer(s, question)
            if p:
                return f"{p}。", True
            # no 在…召开 to read: the sentence answers only if it names a place at all; where a meeting was
            # held is printed as 在…召开/举行, so a sentence without it does not say
            return None, names_a_place(s) and not _ASKS_VENUE.search(question)
        if kind == "date":
            d, relative = date_answer(s, best.passage.issue_date)
            if d is None:
                # 「预计什么时候投产」 asks a plan, and the paper gives it as 明年/年底: the sentence says it
                planned = re.search(r"预计|计划|将", question) and re.search(
                    r"(?:预计|计划|将|力争|确保)[^，。]{0,8}(?:明年|今年|年底|年内|月底|上半年|下半年|年初|\d{1,2}月)", s)
                return None, bool(planned)
            how = f"（见{best.passage.issue_date.isoformat()}出版的报道，文中“{relative}”即该日）" if relative else ""
            return f"{cn_date(d)}{how}。", True
        if kind == "who":
            if named_post := appointed_post(question):
                # 「任命谁为区民政局局长」: the one the sentence gives that post, else the sentence does not say
                holder = post_holder(named_post, s, people)  # the post is named in full: no body to check
                return (f"{holder}。", True) if holder else (None, False)
            # the people before the question's own role verb, when the sentence says who did it
            names = who_answer(question, s, people)
            if names:
                return f"{'、'.join(names)}。", True
            if ROLE_VERBS.search(question):
                return None, False  # 「由谁主持」: a sentence naming no one before 主持 does not say
            post = asked_post(question)
            if post:
                # 「住建局的局长是谁」: the name printed right after that post; a sentence without the post
                # (「上海卓丰…公司」 for its 董事长) does not say who holds it
                holder = post_holder(post, s, people, asked=question)
                if holder is None and post not in s:
                    # 「请来讲课的那位专家」 where the report prints 研究员隗志刚: the question's word for the post
                    # is its own; a sentence naming exactly one person besides those asked about names them
                    named = [n for n in dict.fromkeys(person_names(s) + [p for p in people if p in s]) if n not in question]
                    holder = named[0] if len(named) == 1 else None
                return (f"{holder}。", True) if holder else (None, False)
            # else the sentence answers "who" only if it names someone: a known person or a recognised name
            return None, any(n in s for n in people) or bool(person_names(s))
        return None, True

    def _composed(self, question, resolved, candidates, fallback: Answer, people, must_say: str) -> Answer:
        """The LLM's wording when it is grounded and says what the text-extracted answer says."""
        text = compose(self.llm, resolved, candidates)
        if must_say and must_say not in text or "（第" in text:  # off the point, or echoing the prompt
            return fallback
        cites = Citations()
        marks = {i + 1: cites.mark(evidence_of(c)) for i, c in enumerate(candidates)}
        text = re.sub(r"\[(\d+)\]", lambda m: marks.get(int(m.group(1)), ""), text)
        if not text or NOT_FOUND in text or not re.search(r"\[\d+\]", text):
            return fallback
        composed = Answer(question=question, answer=text, mode="retrieval", citations=cites.items,
                          retrieved=fallback.retrieved, focus=fallback.focus)
        checked = self._grounded(composed, people)
        return checked if checked.mode != "extractive" else fallback
