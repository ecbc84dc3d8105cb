"""Transport retries: the network layer, kept apart from validation re-asks.

Transient endpoint failures (429, 5xx, timeouts, dropped connections) are retried with
exponential backoff and jitter, honouring Retry-After; anything else fails at once.
The OpenAI SDK's own retries are turned off so this is the only retry loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from .errors import ProviderError

ChatCreate = Callable[..., Any]

MAX_RETRY_AFTER_S = 120.0


def is_transient(exc: BaseException) -> bool:
    """Worth retrying as is. llama.cpp's server answers an unsupported response_format
    with a 500; that is a request to change, not a fault to wait out."""
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429:
            return True
        return exc.status_code >= 500 and "response_format" not in f"{exc.message} {exc.body}"
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if any."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    if "retry-after-ms" in headers:
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            return None
    if "retry-after" in headers:
        try:
            return float(headers["retry-after"])
        except ValueError:
            return None  # an HTTP date: fall back to backoff
    return None


def describe(exc: BaseException) -> str:
    """A one-line description that never includes request headers (API keys)."""
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code} from {exc.request.url.host}: {exc.message}"
    if isinstance(exc, openai.APIConnectionError):
        return f"{type(exc).__name__}: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def with_transport_retries(
    create: ChatCreate,
    *,
    attempts: int = 6,
    initial_wait: float = 1.0,
    max_wait: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ChatCreate:
    """Wrap an OpenAI-style ``create`` so transient failures are retried, then reported."""
    backoff = wait_exponential_jitter(initial=initial_wait, max=max_wait)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc)
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER_S)
        return float(backoff(state))

    def create_with_retries(**kwargs: Any) -> Any:
        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(attempts),
            wait=wait,
            sleep=sleep,
            reraise=True,
        )
        try:
            return retrying(create, **kwargs)
        except openai.APIError as exc:
            tries = f" after {attempts} attempts" if is_transient(exc) else ""
            raise ProviderError(f"model endpoint failed{tries}: {describe(exc)}") from exc

    return create_with_retries
