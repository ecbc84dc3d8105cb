"""OpenAI and any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp's server)."""

from __future__ import annotations

import os
import threading
from typing import Any

from stance.errors import ConfigError
from stance.llm.transport import NotJSONResponse

__all__ = ["NO_KEY_NEEDED", "openai_create"]

NO_KEY_NEEDED = "no-key-needed"


def openai_create(
    *,
    base_url: str | None,
    api_key: str | None,
    timeout_s: float,
    http_client: Any = None,
) -> Any:
    """The SDK's ``chat.completions.create``, with the SDK's own retries off.

    ``http_client`` is an httpx-compatible client, e.g. one over MockTransport in tests.
    A 200 that is not JSON (the SDK returns its text) raises NotJSONResponse, which the
    transport retries, instead of reaching instructor as an answer with no choices.
    """
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    key = api_key or os.environ.get("OPENAI_API_KEY")
    if not key:
        if base_url is None:
            raise ConfigError(
                "OPENAI_API_KEY is not set: export it, or pass --base-url for a local "
                "OpenAI-compatible server (vLLM, Ollama, llama.cpp) that needs no key"
            )
        key = NO_KEY_NEEDED
    sdk: list[Any] = []  # the SDK client, made on the first request
    lock = threading.Lock()

    def sdk_client() -> Any:
        """The OpenAI SDK takes over a second to import: a run answered from the cache
        never loads it, and a real request loads it once."""
        with lock:
            if not sdk:
                import openai

                sdk.append(
                    openai.OpenAI(
                        api_key=key,
                        base_url=base_url,
                        max_retries=0,
                        timeout=timeout_s,
                        http_client=http_client,
                    )
                )
            return sdk[0]

    def checked_create(**kwargs: Any) -> Any:
        from openai.types.chat import ChatCompletion

        client = sdk_client()
        # The SDK's chat.completions.create first walks the whole request (messages and
        # the JSON schema) to transform TypedDict params; our requests are already plain
        # JSON, and that walk cost more client CPU per call than everything else in a
        # batch. The same POST, auth, timeout and error types, without the walk.
        extra = kwargs.pop("extra_body", None) or {}
        response = client.post(
            "/chat/completions",
            cast_to=ChatCompletion,
            body={**kwargs, **extra},
            options={"security": {"bearer_auth": True}},
        )
        if isinstance(response, str):
            start = " ".join(response.split())[:80]
            host = client.base_url.host
            raise NotJSONResponse(f"HTTP 200 from {host} with a body that is not JSON: {start!r}")
        return response

    return checked_create
