"""How many articles an eval needs: the power of a paired test on per-article scores.

With a dozen articles most prompt changes come out "not significant", and that alone cannot
tell "no effect" from "too few articles". A paired test on n articles whose per-article
differences have standard deviation SD detects a true difference delta with probability
`power` (two-sided, level alpha) when delta >= (z_{1-alpha/2} + z_{power}) * SD / sqrt(n): that
bound is the smallest detectable difference (MDD) at n, and solving it for n gives the
articles needed. The SD comes from earlier runs on the same articles: measured from the
per-article differences of every pair of runs, or, from one run alone, as SD * sqrt(2(1 - r))
with an assumed correlation r between two runs' scores on the same article.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from stance.errors import ConfigError, InputError
from stance.evaluation.metrics import METRICS, count_matrix
from stance.evaluation.report import EvalReport
from stance.evaluation.significance import paired_differences, per_article

__all__ = [
    "ASSUMED_CORRELATION",
    "PowerPlan",
    "articles_needed",
    "detectable_difference",
    "plan_power",
    "to_terminal",
    "z_total",
]

ASSUMED_CORRELATION = 0.5


def z_total(alpha: float = 0.05, power: float = 0.8) -> float:
    """z_{1-alpha/2} + z_{power}: 1.960 + 0.842 = 2.802 at the defaults."""
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ConfigError(f"alpha and power must lie between 0 and 1, not {alpha} and {power}")
    normal = NormalDist()
    return normal.inv_cdf(1 - alpha / 2) + normal.inv_cdf(power)


def detectable_difference(sd_diff: float, n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest true mean difference a paired test on n articles detects with `power`."""
    if n < 1 or math.isnan(sd_diff):
        return float("nan")
    return z_total(alpha, power) * sd_diff / math.sqrt(n)


def articles_needed(sd_diff: float, delta: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """ceil(((z_{1-alpha/2} + z_{power}) * SD / delta)^2): articles to detect `delta`."""
    if delta <= 0:
        raise ConfigError(f"the difference to detect must be above 0, not {delta}")
    return math.ceil((z_total(alpha, power) * sd_diff / delta) ** 2)


@dataclass(frozen=True)
class PowerPlan:
    """What `stance power` prints: the SD used and where it came from, n needed, MDD now."""

    metric: str
    delta: float
    alpha: float
    power: float
    sd_diff: float
    source: str  # how sd_diff was obtained, in one sentence
    assumed: bool  # True when from one run with the assumed correlation
    n_now: int
    n_needed: int
    mdd: float


def _values(report: EvalReport, metric: str) -> dict[str, float]:
    ids = [a.id for a in report.articles]
    values = per_article(count_matrix([a.counts for a in report.articles]), metric)
    return {i: float(v) for i, v in zip(ids, values, strict=True) if not math.isnan(v)}


def _pooled_sd(runs: list[dict[str, float]], names: list[str]) -> tuple[float, list[str], int]:
    """SD of per-article differences pooled over every pair of runs (each pair's squared
    deviations from its own mean, over the summed degrees of freedom)."""
    squares, freedom, pairs, articles = 0.0, 0, [], set()
    for i, j in itertools.combinations(range(len(runs)), 2):
        shared = sorted(runs[i].keys() & runs[j].keys())
        if len(shared) < 2:
            continue
        a = np.array([runs[i][k] for k in shared])
        b = np.array([runs[j][k] for k in shared])
        d = paired_differences(a, b)
        squares += float(np.sum((d - d.mean()) ** 2))
        freedom += d.size - 1
        pairs.append(f"{names[i]} vs {names[j]}")
        articles.update(shared)
    if not pairs:
        raise InputError("the runs share fewer than 2 scored articles: no paired differences")
    return math.sqrt(squares / freedom), pairs, len(articles)


def plan_power(
    reports: list[EvalReport],
    names: list[str],
    metric: str,
    delta: float,
    n_now: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> PowerPlan:
    """Articles needed to detect `delta` in `metric`, and the MDD at the dataset's `n_now`."""
    if metric not in METRICS:
        raise ConfigError(f"--metric {metric!r}: choose one of {', '.join(sorted(METRICS))}")
    if not reports:
        raise InputError("no eval runs to estimate the per-article spread from")
    runs = [_values(r, metric) for r in reports]
    if len(reports) >= 2:
        sd, pairs, shared = _pooled_sd(runs, names)
        source = (
            f"SD of per-article paired differences {sd:.3f}, pooled over {len(pairs)} "
            f"pair{'s' if len(pairs) > 1 else ''} of runs on {shared} shared articles "
            f"({', '.join(pairs)})"
        )
        assumed = False
    else:
        values = np.array(list(runs[0].values()))
        if values.size < 2:
            raise InputError(f"{names[0]}: {metric} is defined on fewer than 2 articles")
        sd_one = float(np.std(values, ddof=1))
        r = ASSUMED_CORRELATION
        sd = sd_one * math.sqrt(2 * (1 - r))
        source = (
            f"SD of per-article {metric} {sd_one:.3f} in one run ({names[0]}, {values.size} "
            f"articles) x sqrt(2(1 - r)) = {sd:.3f}, assuming a correlation r = {r} between "
            "two runs' scores on the same article (pass two or more reports to measure it)"
        )
        assumed = True
    if sd <= 0:
        raise InputError(
            f"per-article {metric} does not vary between the runs given: no spread to plan "
            "from; pass reports of runs that differ"
        )
    return PowerPlan(
        metric=metric,
        delta=delta,
        alpha=alpha,
        power=power,
        sd_diff=sd,
        source=source,
        assumed=assumed,
        n_now=n_now,
        n_needed=articles_needed(sd, delta, alpha, power),
        mdd=detectable_difference(sd, n_now, alpha, power),
    )


def to_terminal(plan: PowerPlan, dataset: str) -> str:
    """The plan as the lines `stance power` prints, ending in one sentence that says it."""
    p = plan
    more = p.n_needed - p.n_now
    if more > 0:
        verdict = (
            f"With {p.n_now} articles, a true change in {p.metric} smaller than {p.mdd:.3f} "
            f"is missed more than {1 - p.power:.0%} of the time, so a non-significant result "
            f"cannot rule out a change of {p.delta:.3f}; detecting it needs {p.n_needed} "
            f"articles ({more} more)."
        )
    else:
        verdict = (
            f"With {p.n_now} articles a true change of {p.delta:.3f} in {p.metric} is "
            f"detected at least {p.power:.0%} of the time, and so is any change of "
            f"{p.mdd:.3f} or more."
        )
    return "\n".join(
        [
            f"stance power: {p.metric} on {dataset}",
            p.source,
            f"articles needed to detect a difference of {p.delta:.3f} "
            f"(power {p.power:.2f}, alpha {p.alpha:.2f}, two-sided): {p.n_needed}",
            f"articles in the dataset now: {p.n_now}",
            f"smallest detectable difference with {p.n_now} articles: {p.mdd:.3f}",
            verdict,
        ]
    )
