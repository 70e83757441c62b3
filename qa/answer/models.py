"""Typed answers and citations: the contract of `qa ask --json` and the UI."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

AnswerMode = Literal["meetings", "issue", "retrieval", "extractive", "abstain", "error"]


class Citation(BaseModel):
    """One cited article, with the sentence that supports the claim marked [n]."""

    n: int
    article_id: str
    issue_no: int | None
    issue_date: str | None = Field(description="ISO date of the issue")
    title: str
    source: str = Field(description="the input file's path")
    quote: str = Field(description="the exact supporting sentence from the clean text")


class Answer(BaseModel):
    """An answer whose `answer` text carries [n] markers into `citations`."""

    question: str
    answer: str
    mode: AnswerMode
    citations: list[Citation] = Field(default_factory=list)
    nearest: list[Citation] = Field(default_factory=list, description="closest articles when abstaining")
    grounding_violations: int = Field(0, description="unsupported facts removed from the generated text")
    focus: dict[str, str] = Field(default_factory=dict, description="person/meeting/topic of this turn, for follow-ups")
    retrieved: list[str] = Field(default_factory=list, description="article ids in retrieval order (for evaluation)")
    seconds: float = 0.0

    def contract(self) -> dict:
        """The JSON object of design §5."""
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "citations": [
                {k: c.model_dump()[k] for k in ("n", "issue_no", "issue_date", "title", "source", "quote")}
                | {"article_id": c.article_id}
                for c in self.citations
            ],
        }
