"""The answer engine: a question's parts, each answered by the stages, joined with their citations.

The stages, in the order a question meets them, each in its own module:
analyse (qa.answer.analyse) → plan (here: which source answers) → gather and read (from_catalog,
from_records, from_text) → ground (grounding) → render (the answer text with [n] marks, models.Citations).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from typing import Iterator

from llama_index.core.llms import LLM

from qa.answer.analyse import Analyse
from qa.answer.decompose import split_question
from qa.answer.from_catalog import _ASKS_CARRIER, CatalogAnswers
from qa.answer.from_records import RecordAnswers
from qa.answer.from_text import TextAnswers
from qa.answer.grounding import Grounding
from qa.answer.models import Answer, Citations, Evidence, PassageSource, Records
from qa.answer.normalise import normalise_question
from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning
from qa.answer.when import question_window, report_dates
from qa.catalog import Catalog
from qa.errors import BadQuestion

# 「都是谁？」 after 「有几位…」: asks for the names the records' count already lists
_WHO_AGAIN = re.compile(r"(?:他们|她们)?(?:都|分别|具体|各)?(?:是谁|是哪些人?|是哪几位|有谁|有哪些人?|叫什么)[？?]?")


class AnswerEngine(Analyse, CatalogAnswers, RecordAnswers, TextAnswers, Grounding):
    """Answers questions from the meeting records, the issue catalog or retrieved text; models passed in."""

    def __init__(self, passages: PassageSource, records: Records | None, catalog: Catalog, llm: LLM | None,
                 *, k: int = 5, max_question_chars: int = 500, llm_choice: bool = False, llm_compose: bool = False,
                 reader=None, bridge=None, tuning: AnswerTuning = DEFAULT_TUNING):
        self.passages, self.records, self.catalog, self.llm = passages, records, catalog, llm
        self.tuning = tuning  # the thresholds and weights calibrated on dev (qa.answer.tuning)
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
        """One ask, already normalised: analyse it, then answer from records, catalog or text."""
        analysis = self._analyse(question, q, history, bare)
        if isinstance(analysis, Answer):
            return analysis
        resolved, r, focus, people, titles = (analysis.resolved, analysis.route, analysis.focus, analysis.people,
                                              analysis.titles)
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


def join_answers(question: str, answers: list[Answer]) -> Answer:
    """The answers to the parts of a compound question as one: citations renumbered, refusals said per part."""
    cites = Citations()
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
