"""Stage 1, analyse: the question in the archive's own words, who or what it leans on, and its route.

English is put into the archive's Chinese (names, posts, dictionary cues); a follow-up gets the person,
meeting or topic of the turn before; a question that leans on nothing it names is refused here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.decompose import subject_of
from qa.answer.english import GLOSSARY_RE, chinese_cues, english_dates, is_english
from qa.answer.followup import Focus, resolve, with_new_time
from qa.answer.models import Answer
from qa.answer.normalise import normalise_question, with_archive_names
from qa.answer.route import TITLES, Route, names_role, roles_named, route
from qa.answer.select import asks

# A reference that needs an earlier turn: a question opening with 他/她/它/那次会议, or 他/她 doing something
# (not 其他). 「2025年那次营商环境大会」 describes its meeting and needs nothing earlier.
_DANGLING = re.compile(r"^(?:那么|那)?(?:他|她|它|该|(?:那次|这次|此次|那场|这场)(?![^，,。？?]{3,24}?(?:会议|会|活动|仪式|调研|视察|签约))"
                       r"|那个|这个|上述)|(?<![其吉])(?:他|她)们?(?:都|还|又|主持|出席|参加|担任|任过|去过)")

# A turn that carries on from the one before: 「见完之后签了个什么项目」「会后又去了哪里」
_GOES_ON = re.compile(r"^(?:[见看开谈签]完(?:之后|以后|后)|之后|然后|随后|接着|后来|会后|当时|那时|那天|当天)")

# "headed", "ran": holding the post an English question names through its office
_HEADED = re.compile(r"\b(?:headed|heads|ran|runs|led|leads|was put in charge of|was in charge of)\b", re.I)

# An English input that asks something; "alert(1)" does not.
_ASKS_SOMETHING = re.compile(r"\?|\b(?:who|whom|whose|what|when|where|which|how|did|does|do|is|are|was|were|list|name)\b", re.I)


@dataclass(frozen=True)
class Analysis:
    """A question as the later stages read it."""

    resolved: str  # in the archive's words, with what it leans on put back
    route: Route
    focus: Focus | None  # what the turn before was about
    people: frozenset[str] | set[str]  # the archive's people and titles, the vocabularies it was read against
    titles: set[str]


class Analyse:
    """The engine's first stage (a mixin of AnswerEngine: it needs `records` and `bridge`)."""

    def _analyse(self, question: str, q: str, history: list[Answer] | None, bare: bool = False) -> Analysis | Answer:
        """The analysis of one ask, or the refusal when it cannot be read (a pronoun leaning on nothing)."""
        people = self.records.known_people() if self.records else set()
        titles = set(self.records.known_titles()) if self.records and hasattr(self.records, "known_titles") else set()
        q = with_archive_names(q, people if isinstance(people, frozenset) else frozenset(people))
        if history and (again := with_new_time(history[-1].question, q)):
            q = normalise_question(again)  # 「那2024年呢？」 asks the last question for another time
        if is_english(q):
            q = self._in_archive_words(q, people, titles)
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
        return Analysis(resolved, r, focus, people, titles)

    def _in_archive_words(self, q: str, people, titles: set[str]) -> str:
        """An English question with the archive's Chinese for its names, posts and words added."""
        # the glossary's phrases are read by chinese_cues; the dictionary bridges the other words
        # (its dates are read by english_dates: "September" is not a word to look up)
        cues = self.bridge.cues(GLOSSARY_RE.sub(" ", english_dates(q))) if self.bridge is not None else []
        # the English verbs say the roles, in their order ("attended the meeting that X chaired"): a role
        # word among the dictionary's cues would stand outside it; the glossary's role word stays when the
        # question names one role only (it helps find the report)
        # a post among them ("district" → 区长) would read as the post asked about: the glossary and post_of
        # name posts from whole English phrases
        cues = [c for c in cues if not names_role(c) and c not in titles and c not in TITLES]
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
        return q
