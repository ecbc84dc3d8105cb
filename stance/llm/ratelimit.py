"""Client-side request and token limits (``--rpm``, ``--tpm``) shared by every worker.

A rate-limited API answers a burst with 429s and a back-off; pacing requests below the
limit costs nothing and keeps a batch near the speed the endpoint allows. Each limit is a
bucket refilled continuously at limit/60 per second and holding one second's worth, so
requests are spread evenly instead of sent in a burst at the start of each minute. Tokens
are not known before a call: the prompt is estimated from its characters plus the
completion cap, charged up front, and the estimate is corrected with the usage the
endpoint reports. A request larger than the bucket may take it into debt, which later
requests wait out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from stance.errors import ConfigError

__all__ = [
    "CHARS_PER_TOKEN",
    "DEFAULT_COMPLETION_ESTIMATE",
    "ChatCreate",
    "RateLimiter",
    "estimate_tokens",
    "rate_limited",
]

ChatCreate = Callable[..., Any]

CHARS_PER_TOKEN = 4  # rough for English prose; corrected by reported usage
DEFAULT_COMPLETION_ESTIMATE = 512


class _Bucket:
    def __init__(self, per_minute: float, now: float) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate)
        self.level = self.capacity
        self.updated = now

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait_for(self, amount: float) -> float:
        """Seconds until ``amount`` (at most a full bucket) is available."""
        need = min(amount, self.capacity) - self.level
        return max(0.0, need / self.rate)


class RateLimiter:
    """Blocks callers until a request fits both limits; thread-safe."""

    def __init__(
        self,
        rpm: float | None = None,
        tpm: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for name, value in (("--rpm", rpm), ("--tpm", tpm)):
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive, got {value}")
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        now = clock()
        self._requests = _Bucket(rpm, now) if rpm else None
        self._tokens = _Bucket(tpm, now) if tpm else None
        self.waited_s = 0.0  # total time callers spent waiting: shown in the summary

    def acquire(self, tokens: int) -> None:
        """Wait until one request of about ``tokens`` tokens may be sent, then charge it."""
        while True:
            with self._lock:
                now = self._clock()
                wait = 0.0
                for bucket, amount in ((self._requests, 1.0), (self._tokens, float(tokens))):
                    if bucket is not None:
                        bucket.refill(now)
                        wait = max(wait, bucket.wait_for(amount))
                if wait <= 0:
                    if self._requests is not None:
                        self._requests.level -= 1
                    if self._tokens is not None:
                        self._tokens.level -= tokens
                    return
                self.waited_s += wait
            self._sleep(wait)

    def settle(self, estimated: int, actual: int) -> None:
        """Correct the token bucket once the endpoint has said what the call cost."""
        if self._tokens is None or actual <= 0:
            return
        with self._lock:
            self._tokens.level += estimated - actual


def estimate_tokens(kwargs: dict[str, Any]) -> int:
    """Prompt characters / 4 plus the completion cap: an upper-leaning guess."""
    chars = sum(len(str(m.get("content", ""))) for m in kwargs.get("messages", []))
    completion = kwargs.get("max_tokens") or kwargs.get("max_completion_tokens")
    return chars // CHARS_PER_TOKEN + int(completion or DEFAULT_COMPLETION_ESTIMATE)


def rate_limited(create: ChatCreate, limiter: RateLimiter) -> ChatCreate:
    """Wrap ``create`` so every attempt (retries included) waits for the limiter."""

    def limited(**kwargs: Any) -> Any:
        estimate = estimate_tokens(kwargs)
        limiter.acquire(estimate)
        response = create(**kwargs)
        usage = getattr(response, "usage", None)
        limiter.settle(estimate, int(getattr(usage, "total_tokens", 0) or 0))
        return response

    return limited
