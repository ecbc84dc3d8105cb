"""Client-side --rpm/--tpm pacing, on a fake clock: what a rate-limited API would see."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from stance.errors import ConfigError
from stance.llm.ratelimit import RateLimiter, estimate_tokens, rate_limited


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def sends(limiter: RateLimiter, clock: FakeClock, n: int, tokens: int = 1) -> list[float]:
    """The times at which n requests are let through."""
    times = []
    for _ in range(n):
        limiter.acquire(tokens)
        times.append(round(clock.now, 3))
    return times


def test_rpm_spreads_requests_evenly_without_a_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=120, clock=clock, sleep=clock.sleep)
    times = sends(limiter, clock, 7)
    # a one-second burst (2 requests), then 2 per second: never 120 at the top of a minute
    assert times == [0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert limiter.waited_s == pytest.approx(2.5)


def test_no_request_is_delayed_below_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, clock=clock, sleep=clock.sleep)
    for second in range(5):
        clock.now = second * 1.5  # slower than one a second
        limiter.acquire(1)
        assert clock.now == second * 1.5
    assert limiter.waited_s == 0.0


def test_tpm_paces_by_tokens_and_large_requests_take_the_bucket_into_debt() -> None:
    clock = FakeClock()
    limiter = RateLimiter(tpm=6000, clock=clock, sleep=clock.sleep)  # 100 tokens a second
    # a 500-token request is larger than the one-second bucket: it goes, later ones wait
    assert sends(limiter, clock, 3, tokens=500) == [0.0, 5.0, 10.0]


@pytest.mark.parametrize(("actual", "next_at"), [(100, 1.0), (500, 5.0), (0, 5.0)])
def test_settle_returns_tokens_that_were_overestimated(actual: int, next_at: float) -> None:
    clock = FakeClock()
    limiter = RateLimiter(tpm=6000, clock=clock, sleep=clock.sleep)
    limiter.acquire(500)  # estimated; the endpoint then reports what it used (0: unknown)
    limiter.settle(estimated=500, actual=actual)
    limiter.acquire(100)
    assert clock.now == next_at


def test_both_limits_apply_the_stricter_one_wins() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=600, tpm=600, clock=clock, sleep=clock.sleep)
    # 10 tokens a second, 10 per request: tokens are the bound, not the 10 requests a second
    assert sends(limiter, clock, 3, tokens=10) == [0.0, 1.0, 2.0]


def test_rate_limited_create_charges_the_estimate_and_settles_usage() -> None:
    clock = FakeClock()
    limiter = RateLimiter(tpm=60_000, clock=clock, sleep=clock.sleep)
    seen: list[dict[str, Any]] = []

    class Usage:
        total_tokens = 30

    class Response:
        usage = Usage()

    def create(**kwargs: Any) -> Response:
        seen.append(kwargs)
        return Response()

    kwargs = {"messages": [{"role": "user", "content": "x" * 400}], "max_tokens": 100}
    assert estimate_tokens(kwargs) == 200
    limited = rate_limited(create, limiter)
    limited(**kwargs)
    assert seen == [kwargs]
    bucket = limiter._tokens
    assert bucket is not None and bucket.level == pytest.approx(1000 - 30)


def test_limits_are_shared_by_threads() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, clock=clock, sleep=clock.sleep)
    let_through: list[float] = []

    def worker() -> None:
        limiter.acquire(1)
        let_through.append(clock.now)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(let_through) == 4
    assert clock.now >= 3.0  # four requests at one a second need three seconds of waiting


@pytest.mark.parametrize(("rpm", "tpm"), [(0, None), (None, -5)])
def test_non_positive_limits_are_refused(rpm: float | None, tpm: float | None) -> None:
    with pytest.raises(ConfigError, match="must be positive"):
        RateLimiter(rpm=rpm, tpm=tpm)
