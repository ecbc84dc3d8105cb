"""Model specs (``local``, ``local:/path.gguf``, ``openai:gpt-4o-mini``) to clients.

Every provider registers here under the prefix of its specs: the embedded llama.cpp model
(``local``), any OpenAI-compatible endpoint (``openai``), and test fakes, which register
the same way (``register_provider("fake", ...)``) instead of being patched in. A provider
parses the part of the spec after its prefix and opens a StructuredClient; the rest of
stance sees only that client.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import ConfigError, ReplayMissError
from stance.llm.client import ChatCreate, StructuredClient, adapt_response_format
from stance.llm.ratelimit import RateLimiter, rate_limited
from stance.llm.response_cache import ResponseCache

__all__ = [
    "DEFAULT_MODEL",
    "LOCAL_MAX_TOKENS",
    "ClientOptions",
    "ModelChoice",
    "Provider",
    "open_client",
    "parse_model",
    "provider_names",
    "register_provider",
]

DEFAULT_MODEL = "local"
# A paragraph's answer is rarely over 500 tokens; the cap bounds a looping small model
# (about 50 s of generation on two cores) and is reported as a segment error.
LOCAL_MAX_TOKENS = 768


@dataclass(frozen=True)
class ModelChoice:
    """A parsed ``--model``: which provider, which model, and where."""

    provider: str  # a registered provider name: "local", "openai", a test fake
    name: str  # request model name, or GGUF file name for local
    path: Path | None = None
    base_url: str | None = None

    @property
    def model_id(self) -> str:
        return f"{self.provider}:{self.name}"


@dataclass(frozen=True)
class ClientOptions:
    """How to talk to the model, whatever the provider.

    ``offline`` answers only from the cache (recorded responses) and never reaches a model.
    ``limiter`` paces every request to a remote endpoint, retries included; the local model
    runs one call at a time and has no limit to respect. ``http_client`` is an httpx client
    for OpenAI-compatible endpoints (tests pass one over ``httpx.MockTransport``).
    """

    api_key: str | None = None
    timeout_s: float = 300.0
    seed: int = 0
    temperature: float = 0.0
    offline: bool = False
    limiter: RateLimiter | None = None
    http_client: Any = None


@dataclass(frozen=True)
class Provider:
    """A family of models: how to read its specs and how to open a client for one."""

    name: str
    parse: Callable[[str, str | None], ModelChoice]  # (text after "name:", base_url)
    open: Callable[[ModelChoice, ResponseCache | None, ClientOptions], StructuredClient]
    help: str = ""


_PROVIDERS: dict[str, Provider] = {}


def register_provider(provider: Provider) -> None:
    """Make ``provider.name:...`` specs usable by every command and the Python API."""
    _PROVIDERS[provider.name] = provider


def provider_names() -> list[str]:
    return list(_PROVIDERS)


def parse_model(spec: str | None, base_url: str | None = None) -> ModelChoice:
    """Parse ``--model``; a bare name with a base URL means an OpenAI-compatible server."""
    spec = (spec or os.environ.get("STANCE_MODEL") or DEFAULT_MODEL).strip()
    name, _, rest = spec.partition(":")
    bare = not rest and name not in _PROVIDERS
    if bare and (base_url or os.environ.get("OPENAI_BASE_URL")):
        name, rest = "openai", spec
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise ConfigError(
            f"unknown model {spec!r}: use 'local', 'local:/path/model.gguf' or 'openai:NAME' "
            "(with --base-url for vLLM, Ollama or a llama.cpp server)"
        )
    return provider.parse(rest, base_url)


def open_client(
    choice: ModelChoice,
    *,
    cache: ResponseCache | None,
    options: ClientOptions | None = None,
) -> StructuredClient:
    """A StructuredClient for the chosen model: temperature 0 and seed 0 unless the options
    say otherwise (a grid's repeats sample with their own seeds)."""
    provider = _PROVIDERS.get(choice.provider)
    if provider is None:
        raise ConfigError(f"no provider {choice.provider!r} is registered")
    return provider.open(choice, cache, options or ClientOptions())


def _no_model(**_: object) -> object:
    raise ReplayMissError("offline: no model is reachable")


def _parse_local(rest: str, base_url: str | None) -> ModelChoice:
    from stance.llm.model_store import resolve_model_path

    path = resolve_model_path(rest or None)
    return ModelChoice("local", path.name, path=path)


def _open_local(
    choice: ModelChoice, cache: ResponseCache | None, options: ClientOptions
) -> StructuredClient:
    from stance.llm.providers.local import local_create

    assert choice.path is not None
    model_id = f"local:{choice.name}:{choice.path.stat().st_size}"
    create: ChatCreate = (
        _no_model if options.offline else adapt_response_format(local_create(choice.path), "llama")
    )
    return StructuredClient(
        create,
        model_id=model_id,
        request_model=choice.name,
        parameters={
            "temperature": options.temperature,
            "seed": options.seed,
            "max_tokens": LOCAL_MAX_TOKENS,
        },
        cache=cache,
        serial=True,
        validation_retries=1,  # output is grammar-constrained: invalid answers are rare
        offline=options.offline,
    )


def _parse_openai(rest: str, base_url: str | None) -> ModelChoice:
    if not rest:
        raise ConfigError("--model openai:NAME needs a model name, e.g. openai:gpt-4o-mini")
    url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    return ModelChoice("openai", rest, base_url=url)


def _open_openai(
    choice: ModelChoice, cache: ResponseCache | None, options: ClientOptions
) -> StructuredClient:
    from stance.llm.providers.openai_compat import openai_create
    from stance.llm.transport import with_transport_retries

    if options.offline:
        create: ChatCreate = _no_model
    else:
        raw = openai_create(
            base_url=choice.base_url,
            api_key=options.api_key,
            timeout_s=options.timeout_s,
            http_client=options.http_client,
        )
        if options.limiter is not None:
            raw = rate_limited(raw, options.limiter)
        create = adapt_response_format(with_transport_retries(raw), "auto")
    return StructuredClient(
        create,
        model_id=choice.model_id,
        request_model=choice.name,
        parameters={"temperature": options.temperature, "seed": options.seed},
        cache=cache,
        endpoint=choice.base_url,
        offline=options.offline,
    )


def _no_model_needed(**_: object) -> object:
    raise ConfigError("this reader asks no model (model 'none'); choose a model reader")


def _parse_none(rest: str, base_url: str | None) -> ModelChoice:
    return ModelChoice("none", rest or "none")


def _open_none(
    choice: ModelChoice, cache: ResponseCache | None, options: ClientOptions
) -> StructuredClient:
    return StructuredClient(
        _no_model_needed, model_id="none", request_model="none", parameters={}, cache=None
    )


register_provider(
    Provider("none", _parse_none, _open_none, "no model: for readers that ask none (rules)")
)
register_provider(
    Provider("local", _parse_local, _open_local, "the embedded GGUF model, in-process")
)
register_provider(
    Provider("openai", _parse_openai, _open_openai, "OpenAI or an OpenAI-compatible server")
)
