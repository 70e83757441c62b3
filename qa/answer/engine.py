"""The answer engine: route a question, gather evidence, answer with citations, check grounding."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from dataclasses import dataclass, field
from typing import Iterator, Protocol

from llama_index.core.llms import LLM

from qa.answer import figures, ground, relevance
from qa.answer.followup import Focus, resolve, topic_of, with_new_time
from qa.answer.jobs import choose, compose
from qa.answer.decompose import split_question, subject_of
from qa.answer.english import GLOSSARY_RE, chinese_cues, english_dates, is_english
from qa.answer.models import Answer, Citation
from qa.answer.normalise import normalise_question, with_archive_names
from qa.answer.route import ISSUE_NO, TITLES, Route, names_role, roles_named, route, with_place
from qa.answer.select import (
    asked_noun,
    measured_noun,
    mentions_measure,
    ASKS_PHOTO,
    asked_post,
    post_holder,
    names_a_place,
    ROLE_VERBS,
    supporting,
    with_previous,
    Candidate,
    Passage,
    asks,
    content_terms,
    date_answer,
    number_answer,
    person_names,
    place_answer,
    rank_sentences,
    sentences,
    who_answer,
)
from qa.answer.relevance import Weighted
from qa.answer.when import question_window, report_dates
from qa.meetings.bodies import default_body, split_body
from qa.meetings.dates import days_stated
from qa.catalog import Catalog
from qa.errors import BadQuestion

NOT_FOUND = "未在报纸中找到"
# Share of the question's (rarity-weighted) words an article must hold to be about it; set on dev.
MIN_RELEVANCE = 0.6
# A reference that needs an earlier turn: a question opening with 他/她/它/那次会议, or 他/她 doing something
# (not 其他). 「2025年那次营商环境大会」 describes its meeting and needs nothing earlier.
_DANGLING = re.compile(r"^(?:那么|那)?(?:他|她|它|该|(?:那次|这次|此次|那场|这场)(?![^，,。？?]{3,24}?(?:会议|会|活动|仪式|调研|视察|签约))"
                       r"|那个|这个|上述)|(?<![其吉])(?:他|她)们?(?:都|还|又|主持|出席|参加|担任|任过|去过)")
# 「都是谁？」 after 「有几位…」: asks for the names the records' count already lists
_WHO_AGAIN = re.compile(r"(?:他们|她们)?(?:都|分别|具体|各)?(?:是谁|是哪些人?|是哪几位|有谁|有哪些人?|叫什么)[？?]?")
# A turn that carries on from the one before: 「见完之后签了个什么项目」「会后又去了哪里」
_GOES_ON = re.compile(r"^(?:[见看开谈签]完(?:之后|以后|后)|之后|然后|随后|接着|后来|会后|当时|那时|那天|当天)")
# "headed", "ran": holding the post an English question names through its office
_HEADED = re.compile(r"\b(?:headed|heads|ran|runs|led|leads|was put in charge of|was in charge of)\b", re.I)
# An English input that asks something; "alert(1)" does not.
_ASKS_SOMETHING = re.compile(r"\?|\b(?:who|whom|whose|what|when|where|which|how|did|does|do|is|are|was|were|list|name)\b", re.I)
_TIME_WORDS = re.compile(r"(?:(?:19|20)\d{2}\s*年)?(?:\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?(?:上午|下午|晚上|前后|初|底|中旬|上旬|下旬)?"
                         r"(?<=[年月日号午上初底旬])")
# 「…的报纸是第几期」「那期报纸哪天出版」: a question about the issue that printed something
_ASKS_CARRIER = re.compile(r"(?:是|在)?(?:第几期|哪一期|哪期|期号(?:是多少)?|which issue)|"
                           r"(?:报纸|那期|这期|那一期)[^，。？]{0,6}(?:哪天|哪一天|什么时候|何时|日期)[^，。？]{0,4}", re.I)
_CARRIER_WORDS = re.compile(r"刊登|登载|刊发|登在|报道|消息|新闻|的报纸|报纸上?|那期|出版|、")
# How many days before an issue came out the events it reports can lie (昨日, 上周五, 日前).
REPORT_LAG_DAYS = 10
# … the share of it an event's name must hold when the event was found through its report …
MIN_EVENT_RELEVANCE = 0.25
# … and the share its answering sentence, with the headline, must hold.
MIN_SENTENCE_RELEVANCE = 0.4


@dataclass(frozen=True)
class Evidence:
    """A supporting sentence in an article: becomes a Citation."""

    article_id: str
    title: str
    issue_no: int | None
    issue_date: dt.date | None
    source: str
    quote: str


@dataclass
class RecordAnswer:
    """What the meeting records say: sentences of text, each with the evidence it rests on."""

    lines: list[tuple[str, list[Evidence]]]
    focus: Focus
    names: set[str] = field(default_factory=set)
    derived: set[str] = field(default_factory=set)  # numbers computed from the evidence (a count of its names)


class PassageSource(Protocol):
    def passages(self, query: str, k: int, date_from: dt.date | None, date_to: dt.date | None) -> list[Passage]: ...


class Records(Protocol):
    """The meeting records, as the engine needs them; None means the records do not say."""

    def known_people(self) -> set[str]: ...

    def answer(self, question: str, r: Route, date_from: dt.date | None, date_to: dt.date | None,
               window=None) -> RecordAnswer | None: ...


class _Citations:
    """Numbers citations in order of first use, one per (article, quote)."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def mark(self, ev: Evidence) -> str:
        for c in self.items:
            if c.article_id == ev.article_id and c.quote == ev.quote:
                return f"[{c.n}]"
        n = len(self.items) + 1
        self.items.append(
            Citation(n=n, article_id=ev.article_id, issue_no=ev.issue_no,
                     issue_date=ev.issue_date.isoformat() if ev.issue_date else None,
                     title=ev.title, source=ev.source, quote=ev.quote)
        )
        return f"[{n}]"


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _evidence(c: Candidate) -> Evidence:
    p = c.passage
    return Evidence(p.article_id, p.title, p.issue_no, p.issue_date, p.source, c.sentence)


class AnswerEngine:
    """Answers questions from the meeting records, the issue catalog or retrieved text; models passed in."""

    def __init__(self, passages: PassageSource, records: Records | None, catalog: Catalog, llm: LLM | None,
                 *, k: int = 5, max_question_chars: int = 500, llm_choice: bool = False, llm_compose: bool = False,
                 reader=None, bridge=None):
        self.passages, self.records, self.catalog, self.llm = passages, records, catalog, llm
        self.k, self.max_question_chars = k, max_question_chars
        self.llm_choice, self.llm_compose = llm_choice, llm_compose
        self.reader = reader  # qa.answer.read.Reader: a capable LLM reads the evidence (None: the rules answer alone)
        self.bridge = bridge  # qa.answer.bridge.EnglishBridge: the archive's Chinese words for an English question

    @classmethod
    def from_settings(cls, settings=None) -> AnswerEngine:
        """The engine on the configured index, records and LLM (loaded lazily)."""
        from qa.answer.wiring import build_engine

        return build_engine(settings)

    # -- entry point ---------------------------------------------------------------------------
    def ask(self, question: str, history: list[Answer] | None = None,
            date_from: dt.date | None = None, date_to: dt.date | None = None) -> Answer:
        """One answer; `history` holds the conversation's earlier answers, for follow-ups.

        The question is normalised (simplified characters, widths, OCR spaces, filler) and
        split into its asks; each ask is answered and cited on its own and the answers joined.
        """
        started = time.perf_counter()
        q = normalise_question(self._validate(question))
        parts = split_question(q)
        answers: list[Answer] = []
        if len(parts) == 1:
            answer = self._ask_one(question, q, history, date_from, date_to)
            answers = [answer]
        else:
            for part in parts:
                own = part.text[len(os.path.commonprefix([parts[0].text, part.text])):].strip()
                if answers and answers[-1].mode == "meetings" and answers[-1].citations and _WHO_AGAIN.fullmatch(own):
                    continue  # 「有几位副区长参加？都是谁？」: the count's answer already names them
                # a part that leans on the one before is asked as its follow-up
                earlier = [*(history or []), *answers[-1:]] if part.follows and answers else history
                answers.append(self._ask_one(part.text, part.text, earlier, date_from, date_to, bare=part.follows))
            answer = join_answers(question, answers)
        if self.reader is not None:  # the model's answer per part where it passes the checks, else the rules'
            answer = self.reader.read(self, question, parts, answers) or answer
        answer.seconds = time.perf_counter() - started
        return answer

    def _ask_one(self, question: str, q: str, history: list[Answer] | None, date_from: dt.date | None,
                 date_to: dt.date | None, bare: bool = False) -> Answer:
        """One ask, already normalised: route it, answer from records, catalog or text."""
        people = self.records.known_people() if self.records else set()
        titles = set(self.records.known_titles()) if self.records and hasattr(self.records, "known_titles") else set()
        q = with_archive_names(q, people if isinstance(people, frozenset) else frozenset(people))
        if history and (again := with_new_time(history[-1].question, q)):
            q = normalise_question(again)  # 「那2024年呢？」 asks the last question for another time
        if is_english(q):
            # the glossary's phrases are read by chinese_cues; the dictionary bridges the other words
            # (its dates are read by english_dates: "September" is not a word to look up)
            cues = self.bridge.cues(GLOSSARY_RE.sub(" ", english_dates(q))) if self.bridge is not None else []
            # the English verbs say the roles, in their order ("attended the meeting that X chaired"): a role
            # word among the dictionary's cues would stand outside it; the glossary's role word stays when the
            # question names one role only (it helps find the report)
            cues = [c for c in cues if not names_role(c)]
            drop = names_role if len(roles_named(q)) > 1 else (lambda term: False)
            # "Pingdu", "Desheng Group": names the archive prints, spelled in pinyin
            english = q
            q = chinese_cues(q, people, self.bridge.spelled if self.bridge is not None else None, drop=drop)
            plain, q = q, f"{q} {' '.join(c for c in cues if c not in q)}".strip()
            if self.bridge is not None and (post := self.bridge.post_of(english_dates(english), titles)):
                # "who headed the emergency management bureau": who held its head's post (asked without the
                # dictionary's cues, which are no part of the post), else the post is one more cue
                held = f"{_HEADED.sub('was', plain)} {post}"
                q = held if route(held, people, titles).kind == "title_holder" else f"{q} {post}"
        focus = Focus(**history[-1].focus) if history and history[-1].focus else None
        has_name = any(p in q for p in people)
        resolved = resolve(q, focus, has_name)
        if bare and resolved == q and focus:
            # 「谁主持？」 split off a compound question: it asks about what the part before named
            subject = focus.meeting or focus.topic or focus.person
            resolved = f"{subject}{q}" if subject else q
        if resolved == q and history and not has_name and not is_english(q) and (_DANGLING.search(q) or _GOES_ON.match(q)):
            # 「那次会定下的…」「见完之后…」 after an answer that named no meeting: the report it cited (its
            # headline), else the earlier question, says what this one is about
            before = history[-1]
            about = before.citations[0].title if before.citations else subject_of(before.question) or before.question
            resolved = q = f"{about}，{q}"
        if resolved == q and not has_name and not is_english(q) and _DANGLING.search(q):
            # 「他主持过哪些会议？」 with nothing before it: any answer would be about someone we picked
            return self._abstain(question, [], "问题里的「他」「那次」「它」指谁或什么？请写出人名、会议或项目的名称再问。")
        if is_english(q) and not _ASKS_SOMETHING.search(q):
            return self._abstain(question, [], "这不像一个问题：请用中文或英文问报纸里的人、会议、数字或日期。")
        r = route(resolved, people, titles)
        if r.kind == "meeting" and not r.count and asks(resolved) in ("place", "date", "number"):
            # 「视察时去了哪些镇」 names a role but asks where: the text answers it, not the role lists
            r = Route("retrieval", person=r.person, year=r.year, month=r.month, ordinals=r.ordinals)
        if r.person and (wrong := self._false_title(resolved, r.person, titles)):
            return self._abstain(question, [], wrong)
        if r.kind == "retrieval" and _ASKS_CARRIER.search(resolved):
            # 「刊登…消息的报纸是第几期」: the issue that carried the report the question describes
            carried = self._carrier(question, resolved, date_from, date_to)
            if carried is not None:
                return carried
        if r.kind != "issue" and (printed := self._printed_in(resolved)) is not None:
            # 「第2604期报道的…会议」: what that issue reported, from the days before it came out
            date_from, date_to = max(date_from or printed[0], printed[0]), min(date_to or printed[1], printed[1])
        answer = None
        if r.kind == "issue":
            answer = self._issue(question, r, date_from, date_to)
        elif r.kind != "retrieval" and self.records is not None:
            answer = self._records(question, resolved, r, date_from, date_to, people)
        if answer is None:
            lo, hi = report_dates(question_window(resolved), date_from, date_to)
            answer = self._retrieval(question, resolved, r, lo, hi, people, focus)
        if focus and focus.meeting and focus.meeting in resolved and not answer.focus.get("meeting"):
            # 「会上谁讲了话？」 was about the meeting before it: so is the turn after (「这次会议由谁主持？」)
            answer.focus = {**answer.focus, "meeting": focus.meeting, **({"when": focus.when} if focus.when else {})}
        return answer

    def stream(self, question: str, history: list[Answer] | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None) -> Iterator[tuple[str, Answer | None]]:
        """(text so far, None) pieces of the answer, then (full text, Answer) with its citations.

        Only checked text is streamed: the grounding check needs the whole answer first.
        """
        answer = self.ask(question, history, date_from, date_to)
        pieces = re.findall(r"[^，。；：\n]*[，。；：\n]?", answer.answer)
        shown = ""
        for piece in filter(None, pieces):
            shown += piece
            yield shown, None
        yield answer.answer, answer

    def _validate(self, question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise BadQuestion("问题为空：请输入要查询的问题，例如「谁出席了奇瑞项目推进工作专题会？」")
        if len(q) > self.max_question_chars:
            raise BadQuestion(f"问题太长（{len(q)}字，上限{self.max_question_chars}字）：请缩短后再问。")
        return q

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
        cites = _Citations()
        text = f"第{issue.issue_no}期出版于{cn_date(issue.date)}。{cites.mark(ev)}"
        return Answer(question=question, answer=text, mode="issue", citations=cites.items)

    def _printed_in(self, question: str) -> tuple[dt.date, dt.date] | None:
        """The days an issue the question names (第N期) can report on: the week before it came out, and its day."""
        m = ISSUE_NO.search(question)
        issue = self.catalog.issue_by_no(int(m.group(1) or m.group(2))) if m else None
        if issue is None or issue.date is None:
            return None
        return issue.date - dt.timedelta(days=REPORT_LAG_DAYS), issue.date

    def _carrier(self, question: str, resolved: str, date_from, date_to) -> Answer | None:
        """Which issue printed the report a question describes, and when it came out; None if no report is about it."""
        topic = _CARRIER_WORDS.sub("", _ASKS_CARRIER.sub("", resolved)).strip("，,、？? ")
        if len(topic) < 4:
            return None
        lo, hi = report_dates(question_window(topic), date_from, date_to)
        passages = self.passages.passages(topic, 3, lo, hi)
        weighted = self._weigh(self._cjk_terms(topic))
        about = [p for p in passages if self._about(weighted, p, topic)]
        if not about or about[0].issue_no is None or about[0].issue_date is None:
            return None
        p = about[0]
        cites = _Citations()
        lead = next(iter(sentences(p.body)), p.title)
        mark = cites.mark(Evidence(p.article_id, p.title, p.issue_no, p.issue_date, p.source, lead))
        text = f"报道《{p.title}》的是第{p.issue_no}期，{cn_date(p.issue_date)}出版。{mark}"
        return Answer(question=question, answer=text, mode="issue", citations=cites.items,
                      retrieved=[x.article_id for x in passages], focus={"topic": p.title})

    # -- meeting records ---------------------------------------------------------------------------
    def _records(self, question, resolved, r, date_from, date_to, people) -> Answer | None:
        # 「2025年的…会议」 is the one held then, never another year's of the same name
        window = question_window(resolved) if r.kind == "meeting" else None
        found = self.records.answer(resolved, r, date_from, date_to, window)
        if (found is None or not found.lines) and r.kind == "meeting":
            # the question names the meeting in its own words: let retrieval find the report
            found = self.records.answer(resolved, r, date_from, date_to, window, self._about_articles(resolved, window))
            if found is not None and found.lines and not self._is_this_event(resolved, found, question):
                found = None
        if found is not None and found.lines and not is_english(question) and self._names_unreported(resolved, found):
            found = None  # 「赴深圳招商」 is not answered by the trip to 上海
        if found is None or not found.lines:
            if r.kind in ("title_holder", "person_role", "person_meetings") or r.ordinals:
                # the records are the authority here: text search would only guess
                return self._abstain(question, [], f"{NOT_FOUND}相关记载。")
            return None
        cites = _Citations()
        parts = []
        for text, evidence in found.lines:
            marks = "".join(cites.mark(ev) for ev in evidence)
            parts.append(f"{text}{marks}")
        answer = Answer(question=question, answer="\n".join(parts), mode="meetings", citations=cites.items,
                        focus={k: v for k, v in vars(found.focus).items() if v})
        return self._grounded(answer, people, derived=found.derived)

    # -- retrieval ---------------------------------------------------------------------------------
    def _retrieval(self, question, resolved, r, date_from, date_to, people, focus) -> Answer:
        passages = self.passages.passages(resolved, self.k, date_from, date_to)
        retrieved = [p.article_id for p in passages]
        terms = self._cjk_terms(resolved)
        weighted = self._weigh(terms)
        # An article is about the question when it holds most of the question's weight (rare words
        # count most) and names no other one of a series (二期 for 三期, 第88次 for 第90次).
        english = is_english(question)
        if english:
            # no shared words to weigh across languages: the best article of (cross-lingual) retrieval,
            # their sentences ordered by the embedder's likeness to the question
            about = passages[:1]
            candidates = self._closest_sentences(resolved, about)
        else:
            about = [p for p in passages if self._about(weighted, p, resolved)]
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
        best, short, ok = candidates[0], None, False
        measure = measured_noun(resolved) if kind == "number" and not english else None
        # the best-scored sentence may not hold the figure asked for; the next ones might. The
        # sentence (with its headline) must itself hold enough of the question: an article about
        # the same topic can answer another question than this one.
        for candidate in candidates[:4]:
            # what the question asks beyond naming the article (its words outside the headline) must be
            # in the sentence: 「…大赛的冠军是哪支队伍」 is not answered by a sentence about the contest
            # (「…的大会在哪开的」 of a report headlined …工作会议: the kind of meeting said another way is no detail)
            asked = [relevance.as_detail(w) for w in weighted if w.term.lower() not in candidate.passage.title.lower()
                     and (w.naming or relevance.nominal(w.term))
                     and not (w.term.endswith(("会", "会议")) and "会" in candidate.passage.title)]
            # read with the sentence before it: 「该项目总投资12.6亿元」 names its project there
            context = with_previous(candidate.passage.body, candidate.sentence)
            if not english and asked and relevance.coverage(asked, context) < MIN_SENTENCE_RELEVANCE:
                continue
            if measure and not mentions_measure(measure, context):
                continue  # 「每年能交多少税」 is not answered by the sentence's other figure (投资, 产值)
            short, ok = self._short_answer(kind, resolved, candidate, terms, people)
            if ok:
                best = candidate
                break
        if not ok:
            return self._abstain(question, candidates, f"{NOT_FOUND}能回答该问题的报道。", retrieved)
        cites, disagreeing = _Citations(), []
        if short:
            text = f"{short}{cites.mark(_evidence(best))}"
            if kind == "number" and not english:
                # another report about it printing another figure: both are cited and the disagreement said
                pool = rank_sentences(resolved, [p for p in about if p.article_id != best.passage.article_id],
                                      limit=20, weighted=weighted)
                read = lambda c: self._short_answer(kind, resolved, c, terms, people)[0]  # noqa: E731
                if disagreeing := figures.disagreeing(best, short, pool, read, weighted):
                    cites = _Citations()
                    text = figures.say_disagreement(disagreeing, lambda r: cites.mark(_evidence(r.item)))
        else:
            # no span to extract: the supporting sentences of that article, in the order printed
            support = supporting(resolved, best, candidates, weighted, asks_photo=bool(ASKS_PHOTO.search(resolved)))
            text = "".join(f"{c.sentence}{cites.mark(_evidence(c))}" for c in support)
        topic = topic_of(resolved)
        focus_now = {"topic": topic} if topic else {}
        if topic and re.search(r"(会议?|活动|座谈会|观摩会)$", topic):
            focus_now["meeting"] = topic  # 「这次会议」 in the next turn means this one
        answer = Answer(question=question, answer=text, mode="retrieval" if short else "extractive",
                        citations=cites.items, retrieved=retrieved, focus=focus_now)
        if self.llm is not None and self.llm_compose and not disagreeing:  # a rewording must not pick one side
            answer = self._composed(question, resolved, candidates[:3], answer, people, (short or "").rstrip("。"))
        return self._grounded(answer, people)

    def _is_this_event(self, resolved: str, found, question: str) -> bool:
        """The event the records found through its report is the one asked about: its name, headline and
        sentences carry enough of the question's words. English questions share no words with the records
        and are taken as found."""
        if not found.focus.meeting or is_english(question):
            return True
        weighted = self._weigh(self._cjk_terms(resolved))
        # 「动员会开始前…下企业查安全」: an event told before a meeting is named after it in the headline;
        # the event's own sentences tell it too (逄锦璐去慰问老师; 会见了…院长公孙鹏飞一行)
        headline = next((ev.title for _, evs in found.lines for ev in evs), "")
        quoted = "".join(ev.quote for _, evs in found.lines for ev in evs)
        return relevance.coverage(weighted, found.focus.meeting + headline + quoted) >= MIN_EVENT_RELEVANCE

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

    def _about_articles(self, question: str, window) -> list[str]:
        """Articles retrieval finds for a question that are about it, best first (English: the best one)."""
        lo, hi = report_dates(window, None, None)
        passages = self.passages.passages(question, 3, lo, hi)
        if not re.search(r"[\u4e00-\u9fff]", question):
            return [p.article_id for p in passages[:1]]  # no shared words to weigh across languages
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

    @staticmethod
    def _about(weighted: list[Weighted], p: Passage, question: str = "") -> bool:
        text = f"{p.title}{p.body}"
        if relevance.series_conflict(question, text) or relevance.names_the_unreported(weighted, text):
            return False
        return relevance.coverage(weighted, text) >= MIN_RELEVANCE

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
            # no 在…召开 to read: the sentence answers only if it names a place at all
            return (f"{p}。", True) if p else (None, names_a_place(s))
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
        cites = _Citations()
        marks = {i + 1: cites.mark(_evidence(c)) for i, c in enumerate(candidates)}
        text = re.sub(r"\[(\d+)\]", lambda m: marks.get(int(m.group(1)), ""), text)
        if not text or NOT_FOUND in text or not re.search(r"\[\d+\]", text):
            return fallback
        composed = Answer(question=question, answer=text, mode="retrieval", citations=cites.items,
                          retrieved=fallback.retrieved, focus=fallback.focus)
        checked = self._grounded(composed, people)
        return checked if checked.mode != "extractive" else fallback

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
            ev = _evidence(c)
            nearest.append(Citation(n=len(nearest) + 1, article_id=ev.article_id, issue_no=ev.issue_no,
                                    issue_date=ev.issue_date.isoformat() if ev.issue_date else None,
                                    title=ev.title, source=ev.source, quote=ev.quote))
        # Only the message: a refusal states no facts; the nearest articles travel as data.
        text = message + ("以下是最接近的报道，仅供参考。" if nearest else "")
        return Answer(question=question, answer=text, mode="abstain", nearest=nearest[:3], retrieved=list(retrieved))


def join_answers(question: str, answers: list[Answer]) -> Answer:
    """The answers to the parts of a compound question as one: citations renumbered, refusals said per part."""
    cites = _Citations()
    lines, retrieved, nearest = [], [], []
    for a in answers:
        if a.mode == "abstain":
            lines.append(f"（{a.question}）{a.answer.split('以下是')[0]}")
            nearest += a.nearest
            retrieved += a.retrieved
            continue
        by_n = {c.n: c for c in a.citations}

        def remap(m: re.Match, by_n=by_n) -> str:
            c = by_n.get(int(m.group(1)))
            if c is None:
                return ""
            ev = Evidence(c.article_id, c.title, c.issue_no, dt.date.fromisoformat(c.issue_date) if c.issue_date else None,
                          c.source, c.quote)
            return cites.mark(ev)

        line = re.sub(r"\[(\d+)\]", remap, a.answer)
        if line not in lines:  # two asks the same sentence answers (第几期、哪天出版) are said once
            lines.append(line)
        retrieved += a.retrieved
    answered = [a for a in answers if a.mode != "abstain"]
    if not answered:
        return Answer(question=question, answer="\n".join(lines), mode="abstain", nearest=nearest[:3],
                      retrieved=list(dict.fromkeys(retrieved)))
    focus = next((a.focus for a in reversed(answered) if a.focus), {})
    return Answer(question=question, answer="\n".join(lines), mode=answered[0].mode, citations=cites.items,
                  retrieved=list(dict.fromkeys(retrieved)), focus=focus,
                  grounding_violations=sum(a.grounding_violations for a in answers))
