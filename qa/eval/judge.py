"""An optional LLM judge (correctness, faithfulness) on an OpenAI-compatible server; off unless configured.

The rule-based scores are the measure; the judge is a second opinion for answers the
rules cannot read (paraphrases, English). When it cannot score, it says why, never NaN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.answer.models import Answer
from qa.eval.gold import ArticleText, GoldQuestion

JUDGE_PROMPT = (
    "你是严格的评审。根据标准答案要点和引用的资料，判断系统答案。\n"
    "问题：{question}\n"
    "标准答案要点：{gold}\n"
    "引用的资料：\n{sources}\n"
    "系统答案：{answer}\n"
    "只输出一个 JSON 对象，不要别的文字："
    '{{"correct": true 或 false（答案是否陈述了全部要点；不可回答的问题只有拒答才算对）, '
    '"faithful": true 或 false（答案里的每个事实是否都能在引用资料中找到）}}\n'
)
_JSON = re.compile(r"\{[^{}]*\}", re.S)


class JudgeSettings(BaseSettings):
    """Where the judge runs: `QA_JUDGE__BASE_URL`, `QA_JUDGE__MODEL`, `QA_JUDGE__API_KEY`; unset: no judge."""

    model_config = SettingsConfigDict(env_prefix="QA_JUDGE__", extra="forbid")

    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    model: str | None = None
    api_key: SecretStr = SecretStr("not-needed")
    chat: bool = Field(True, description="use /chat/completions (instruction-tuned judges)")
    timeout_s: float = 60.0
    max_tokens: int = 64

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class Verdict(BaseModel):
    """The judge on one answer; `reason` is set exactly when it could not score."""

    id: str
    correct: bool | None = None
    faithful: bool | None = None
    reason: str | None = None


class JudgeSummary(BaseModel):
    """Judge figures for one system, or why there are none."""

    enabled: bool
    reason: str | None = Field(None, description="why nothing was scored")
    correct: float | None = None
    faithful: float | None = None
    scored: int = 0
    unscored: int = 0
    reasons: list[str] = Field(default_factory=list, description="distinct reasons answers went unscored")
    verdicts: list[Verdict] = Field(default_factory=list)


def build_judge_llm(settings: JudgeSettings):
    """The judge's llama-index LLM (OpenAI-like, no retries: a dead judge must fail fast)."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.model or "default",
        api_base=settings.base_url,
        api_key=settings.api_key.get_secret_value(),
        is_chat_model=settings.chat,
        max_tokens=settings.max_tokens,
        temperature=0.0,
        timeout=settings.timeout_s,
        max_retries=0,
    )


def parse_verdict(qid: str, text: str) -> Verdict:
    """The verdict in the judge's reply, or a reason saying what was wrong with the reply."""
    for m in _JSON.finditer(text):
        try:
            data = json.loads(m.group())
        except json.JSONDecodeError:
            continue
        correct, faithful = data.get("correct"), data.get("faithful")
        if isinstance(correct, bool) and isinstance(faithful, bool):
            return Verdict(id=qid, correct=correct, faithful=faithful)
    snippet = text.strip().replace("\n", " ")[:60]
    return Verdict(id=qid, reason=f"评审回复不是所要求的 JSON（收到：{snippet or '空回复'}）")


def _prompt(q: GoldQuestion, answer: Answer, articles: dict[str, ArticleText]) -> str:
    sources = "\n".join(f"[{c.n}] {c.quote}" for c in answer.citations) or "（无引用）"
    gold = "、".join(q.gold_facts) if q.answerable else "（报纸中没有答案，应当拒答）"
    return JUDGE_PROMPT.format(question=q.question, gold=gold, sources=sources, answer=answer.answer or "（空）")


def judge_answers(llm, questions: Sequence[GoldQuestion], answers: Sequence[Answer],
                  articles: dict[str, ArticleText]) -> JudgeSummary:
    """Ask the judge about every answer; after a connection failure the rest carry that reason instead of waiting."""
    verdicts: list[Verdict] = []
    dead: str | None = None
    for q, a in zip(questions, answers, strict=True):
        if dead:
            verdicts.append(Verdict(id=q.id, reason=dead))
            continue
        try:
            text = llm.complete(_prompt(q, a, articles)).text
        except Exception as exc:  # noqa: BLE001 - the client raises many types; the judge is optional and must say why
            dead = f"评审模型不可用：{type(exc).__name__}: {str(exc)[:120]}"
            verdicts.append(Verdict(id=q.id, reason=dead))
            continue
        verdicts.append(parse_verdict(q.id, text))
    return summarise_verdicts(verdicts)


def summarise_verdicts(verdicts: list[Verdict]) -> JudgeSummary:
    """Shares of correct and faithful among the scored answers; the reasons for the rest."""
    scored = [v for v in verdicts if v.reason is None]
    reasons = list(dict.fromkeys(v.reason for v in verdicts if v.reason))
    return JudgeSummary(
        enabled=True,
        reason=None if scored else (reasons[0] if reasons else "没有可评审的答案"),
        correct=sum(v.correct for v in scored) / len(scored) if scored else None,
        faithful=sum(v.faithful for v in scored) / len(scored) if scored else None,
        scored=len(scored),
        unscored=len(verdicts) - len(scored),
        reasons=reasons,
        verdicts=verdicts,
    )


def disabled() -> JudgeSummary:
    """The summary when no judge is configured."""
    return JudgeSummary(enabled=False, reason="未配置评审模型（设置 QA_JUDGE__BASE_URL 与 QA_JUDGE__MODEL 可启用）")
