"""The answer engine's tuning: every threshold and weight that was calibrated on dev, in one described place.

They are settings (`[answer]` in qa.toml, `QA_ANSWER__MIN_RELEVANCE=…` in the environment) so that an
archive unlike the dev set can be re-calibrated without touching code: `qa eval` on the archive's own
questions with other values says which do better. The defaults are the values dev chose; each
description says what moving it trades.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from qa.meetings.query import MIN_MATCH_SCORE, TIE_MARGIN


class AnswerTuning(BaseModel):
    """Thresholds and weights of the answer stages (analyse → gather → read), calibrated on dev."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # -- is an article about the question? (qa.answer.relevance) -----------------------------------
    min_relevance: float = Field(
        0.6, ge=0, le=1, description="share of the question's rarity-weighted words an article must hold to be about"
        " it; lower answers more paraphrases and more questions the paper never answered")
    min_sentence_relevance: float = Field(
        0.4, ge=0, le=1, description="share of the question's words outside the headline that the answering sentence"
        " (with the one before it) must hold: an article on the topic may answer another question than this one")
    min_event_relevance: float = Field(
        0.25, ge=0, le=1, description="share of the question's words an event's name, headline and sentences must"
        " hold when the records found it through retrieval rather than by its name")
    verb_salience: float = Field(
        0.5, ge=0, le=1, description="weight of a verb, adverb or measure word relative to a noun of the same rarity:"
        " a paraphrase changes the verbs first")
    unknown_plain: float = Field(
        0.5, gt=0, le=1, description="weight of an everyday word the archive never prints (盘子, 点名) relative to the"
        " rarest word it does print: the user's own word for what the paper says its way")
    everyday_freq: int = Field(
        100, ge=0, description="count in jieba's general dictionary from which a word is everyday (盘子 427;"
        " 鼓号操 none): rarer unknown words keep full weight, they name what the paper never reported")

    series_fetch: int = Field(
        3, ge=1, description="how many times more articles are fetched when a question names one of a series"
        " (第二十六次会议): its siblings rank nearly as high and are set aside")

    # -- quoting sentences (qa.answer.select.supporting) ------------------------------------------
    max_support: int = Field(3, ge=1, description="most sentences an answer without a short span quotes")
    min_support_coverage: float = Field(
        0.3, ge=0, le=1, description="share of the question's words outside the headline a further sentence must"
        " hold to be quoted beside the best one")

    # -- figures that disagree (qa.answer.figures) -----------------------------------------------
    figure_tolerance: float = Field(
        0.10, ge=0, le=1, description="two approximate figures (约, 余, 多) within this share of each other are the"
        " same figure")
    rival_relative_coverage: float = Field(
        0.9, ge=0, le=1, description="a rival report's sentence must hold this share of what the chosen sentence"
        " holds of the question to count as a second figure for the same thing")
    rival_min_coverage: float = Field(
        0.5, ge=0, le=1, description="… and at least this share of the whole question")

    # -- which meeting a question names (qa.meetings.query) -----------------------------------------
    meeting_min_match: float = Field(
        MIN_MATCH_SCORE, ge=0, le=1, description="share of the question's rarity-weighted bigrams a meeting's name must share"
        " to be the meeting asked about")
    meeting_tie_margin: float = Field(
        TIE_MARGIN, ge=0, le=1, description="meetings scoring within this of the best are ties the question cannot tell"
        " apart (listed with their dates, never one picked)")

    meeting_named_in_full: float = Field(
        0.8, ge=0, le=1, description="share of a meeting's own name (its year aside) a question must write out to name"
        " that meeting outright: asked with a year the paper never held it in, the question is refused")

    # -- English questions (qa.answer.bridge) ---------------------------------------------------
    min_post_share: float = Field(
        0.75, ge=0, le=1, description="share of an English office's words a Chinese title must render to be that"
        " office's head (\"emergency management bureau\" → 应急局局长)")

    # -- issues (qa.answer.from_catalog) ----------------------------------------------------------
    report_lag_days: int = Field(
        10, ge=0, description="days before an issue's date that its reports may tell of: 「第N期报道的会议」"
        " is looked for in that window")


DEFAULT_TUNING = AnswerTuning()
