"""The answer engine's thresholds are settings: described, read from the environment or qa.toml, and obeyed."""

import pytest

from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning
from qa.answer.wiring import build_engine
from qa.errors import ConfigError
from qa.settings import load_settings

# the report names the meeting; 「各方签了个什么东西」 is the user's own wording for 签订了项目责任书
LOOSELY_WORDED = "奇瑞项目那次专题会上各方签了个什么东西？"


def test_每个调参项都说明它权衡什么():
    for name, field in AnswerTuning.model_fields.items():
        assert field.description and len(field.description) > 30, name


def test_默认值即开发集校准值_设置里也是同一份():
    assert load_settings().answer == DEFAULT_TUNING


def test_环境变量和配置文件都能改阈值_写错的键给出明白的提示(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_ANSWER__MIN_RELEVANCE", "0.7")
    assert load_settings().answer.min_relevance == 0.7
    monkeypatch.delenv("QA_ANSWER__MIN_RELEVANCE")
    config = tmp_path / "qa.toml"
    config.write_text("[answer]\nmeeting_tie_margin = 0.05\n", encoding="utf-8")
    monkeypatch.setenv("QA_CONFIG", str(config))
    assert load_settings().answer.meeting_tie_margin == 0.05
    config.write_text("[answer]\nmin_relevence = 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min_relevence"):
        load_settings()
    config.write_text("[answer]\nmin_relevance = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min_relevance"):
        load_settings()


def test_引擎按设置的相关度门槛取舍报道(seed_settings, engine):
    assert engine.ask(LOOSELY_WORDED).citations, "at the dev-calibrated threshold the report answers"
    strict = build_engine(seed_settings.model_copy(update={"answer": AnswerTuning(min_relevance=0.95)}))
    assert strict.tuning.min_relevance == 0.95
    refused = strict.ask(LOOSELY_WORDED)
    assert refused.mode == "abstain" and not refused.citations
