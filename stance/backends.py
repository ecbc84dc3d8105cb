"""Model specs (``local``, ``local:/path.gguf``, ``openai:gpt-4o-mini``) to clients.

The only module that knows the providers; the pipeline sees a StructuredClient.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from .cache import ResponseCache
from .errors import ConfigError, ReplayMissError
from .llm import ChatCreate, StructuredClient, adapt_response_format
from .ratelimit import RateLimiter, rate_limited
from .transport import with_transport_retries

DEFAULT_MODEL = "local"
# A paragraph's answer is rarely over 500 tokens; the cap bounds a looping small model
# (about 50 s of generation on two cores) and is reported as a segment error.
LOCAL_MAX_TOKENS = 768


@dataclass(frozen=True)
class ModelChoice:
    provider: str  # "local" or "openai"
    name: str  # request model name, or GGUF file name for local
    path: Path | None = None
    base_url: str | None = None

    @property
    def model_id(self) -> str:
        return f"{self.provider}:{self.name}"


def parse_model(spec: str | None, base_url: str | None = None) -> ModelChoice:
    """Parse ``--model``; a bare name with a base URL means an OpenAI-compatible server."""
    spec = (spec or os.environ.get("STANCE_MODEL") or DEFAULT_MODEL).strip()
    provider, _, rest = spec.partition(":")
    if not rest and provider not in {"local", "openai"}:
        provider, rest = (
            ("openai", spec) if (base_url or os.environ.get("OPENAI_BASE_URL")) else ("", spec)
        )
    if provider == "local":
        from .model_store import resolve_model_path

        path = resolve_model_path(rest or None)
        return ModelChoice("local", path.name, path=path)
    if provider == "openai":
        if not rest:
            raise ConfigError("--model openai:NAME needs a model name, e.g. openai:gpt-4o-mini")
        url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        return ModelChoice("openai", rest, base_url=url)
    raise ConfigError(
        f"unknown model {spec!r}: use 'local', 'local:/path/model.gguf' or 'openai:NAME' "
        "(with --base-url for vLLM, Ollama or a llama.cpp server)"
    )


def open_client(
    choice: ModelChoice,
    *,
    cache: ResponseCache | None,
    api_key: str | None = None,
    timeout_s: float = 300.0,
    seed: int = 0,
    http_client: httpx.Client | None = None,
    offline: bool = False,
    limiter: RateLimiter | None = None,
) -> StructuredClient:
    """A StructuredClient for the chosen model: temperature 0 and a fixed seed.

    ``offline`` answers only from the cache (recorded responses) and never reaches a model.
    ``limiter`` paces every request to a remote endpoint, retries included; the local
    model runs one call at a time and has no limit to respect.
    """
    parameters: dict[str, object] = {"temperature": 0.0, "seed": seed}
    if choice.provider == "local":
        from .providers.local import local_create

        assert choice.path is not None
        parameters["max_tokens"] = LOCAL_MAX_TOKENS
        model_id = f"local:{choice.name}:{choice.path.stat().st_size}"
        return StructuredClient(
            adapt_response_format(local_create(choice.path), "llama"),
            model_id=model_id,
            request_model=choice.name,
            parameters=parameters,
            cache=cache,
            serial=True,
            validation_retries=1,  # output is grammar-constrained: invalid answers are rare
            offline=offline,
        )
    from .providers.openai_compat import openai_create

    if offline:
        create: ChatCreate = _no_model
    else:
        raw = openai_create(
            base_url=choice.base_url,
            api_key=api_key,
            timeout_s=timeout_s,
            http_client=http_client,
        )
        if limiter is not None:
            raw = rate_limited(raw, limiter)
        create = adapt_response_format(with_transport_retries(raw), "auto")
    return StructuredClient(
        create,
        model_id=choice.model_id,
        request_model=choice.name,
        parameters=parameters,
        cache=cache,
        endpoint=choice.base_url,
        offline=offline,
    )


def _no_model(**_: object) -> object:
    raise ReplayMissError("offline: no model is reachable")
