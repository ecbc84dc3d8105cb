"""Transport retries: the network layer, kept apart from validation re-asks.

Transient endpoint failures (429, 5xx, timeouts, dropped connections) are retried with
exponential backoff and jitter, honouring Retry-After; anything else fails at once.
The OpenAI SDK's own retries are turned off so this is the only retry loop.
STANCE_RETRY_ATTEMPTS and STANCE_RETRY_WAIT_S override the attempts (6) and the first
backoff wait (1 s), e.g. to fail fast against a local server.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from stance.errors import AuthError, ConfigError, ProviderError

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_INITIAL_WAIT_S",
    "MAX_RETRY_AFTER_S",
    "ChatCreate",
    "NotJSONResponse",
    "describe",
    "is_transient",
    "retry_after_seconds",
    "with_transport_retries",
]

ChatCreate = Callable[..., Any]

MAX_RETRY_AFTER_S = 120.0
DEFAULT_ATTEMPTS = 6
DEFAULT_INITIAL_WAIT_S = 1.0


class NotJSONResponse(Exception):
    """A 200 whose body is not JSON (a proxy's HTML page): the SDK would hand back a str."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_transient(exc: BaseException) -> bool:
    """Worth retrying as is. llama.cpp's server answers an unsupported response_format
    with a 500; that is a request to change, not a fault to wait out."""
    import openai  # loaded already whenever a request was made: a dict lookup

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, NotJSONResponse)):
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429:
            return True
        return exc.status_code >= 500 and "response_format" not in f"{exc.message} {exc.body}"
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if any."""
    import openai

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
    """A one-line description without the API key, even when the server echoes it back."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        body = exc.body
        detail = body.get("message") if isinstance(body, dict) else None
        text = f"HTTP {exc.status_code} from {exc.request.url.host}: {detail or exc.message}"
        if exc.status_code in (401, 403):
            text += " (check OPENAI_API_KEY)"
    elif isinstance(exc, openai.APIConnectionError):  # timeouts too: name where and why
        cause = exc.__cause__
        why = f" ({type(cause).__name__}: {cause})" if cause is not None and str(cause) else ""
        text = f"{type(exc).__name__} from {exc.request.url.host}: {exc.message}{why}"
    elif isinstance(exc, NotJSONResponse):
        text = f"{type(exc).__name__}: {exc.message}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _redact(text, exc)


def _redact(text: str, exc: BaseException) -> str:
    request = getattr(exc, "request", None)
    auth = request.headers.get("authorization", "") if request is not None else ""
    key = auth.partition(" ")[2].strip()
    return text.replace(key, "[redacted]") if len(key) >= 8 else text


def _from_env(name: str, default: float, minimum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: expected a number of at least {minimum:g}")
    return value


def with_transport_retries(
    create: ChatCreate,
    *,
    attempts: int | None = None,
    initial_wait: float | None = None,
    max_wait: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ChatCreate:
    """Wrap an OpenAI-style ``create`` so transient failures are retried, then reported.

    ``attempts`` and ``initial_wait`` default to the environment knobs, else 6 and 1 s.
    """
    if attempts is None:
        attempts = int(_from_env("STANCE_RETRY_ATTEMPTS", DEFAULT_ATTEMPTS, 1))
    if initial_wait is None:
        initial_wait = _from_env("STANCE_RETRY_WAIT_S", DEFAULT_INITIAL_WAIT_S, 0)
    backoff = wait_exponential_jitter(initial=initial_wait, max=max_wait, jitter=initial_wait)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc)
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER_S)
        return float(backoff(state))

    def create_with_retries(**kwargs: Any) -> Any:
        import openai  # here, not at import: a cached run never loads the SDK

        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(attempts),
            wait=wait,
            sleep=sleep,
            reraise=True,
        )
        try:
            return retrying(create, **kwargs)
        except (openai.APIError, NotJSONResponse) as exc:
            if isinstance(exc, openai.APIStatusError) and exc.status_code in (401, 403):
                raise AuthError(f"model endpoint refused the API key: {describe(exc)}") from exc
            tries = f" after {attempts} attempts" if is_transient(exc) else ""
            raise ProviderError(f"model endpoint failed{tries}: {describe(exc)}") from exc

    return create_with_retries
