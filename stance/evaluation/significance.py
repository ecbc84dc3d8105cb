"""How much to trust a paired difference: Holm-adjusted p-values and a standardized effect size.

A comparison tests every metric of every run against the first, so a raw p below 0.05 turns up
by chance alone; Holm's step-down adjustment keeps the chance of any false alarm in the whole
table under alpha. A difference in points means little without the spread of the per-article
differences, so Cohen's d_z (mean over SD of the per-article differences) is given with a
bootstrap interval over the same resampled articles as the difference itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from stance.evaluation.metrics import METRICS, Array, Counts

__all__ = ["Effect", "holm", "paired_differences", "paired_effect", "per_article"]

Key = TypeVar("Key")

# Below this the per-article differences are taken as all equal (an SD of rounding noise).
_FLAT = 1e-9


def holm(p_values: Mapping[Key, float]) -> dict[Key, float]:
    """Holm–Bonferroni adjusted p-values over the family of the finite p-values given.

    Sorted ascending, the i-th smallest of m becomes max over j <= i of min(1, (m - j + 1) p_j)
    (1-based j); an undefined (NaN) p stays NaN and is not counted in the family.
    """
    finite = sorted((p, i) for i, (k, p) in enumerate(p_values.items()) if not math.isnan(p))
    keys = list(p_values)
    adjusted = {k: float("nan") for k in keys}
    running = 0.0
    m = len(finite)
    for rank, (p, i) in enumerate(finite):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[keys[i]] = running
    return adjusted


def per_article(counts: Counts, name: str) -> Array:
    """The metric on each article (rows of the count matrix); NaN where undefined."""
    return METRICS[name](counts)


def paired_differences(a: Array, b: Array) -> Array:
    """a - b on the articles where both are defined."""
    both = ~np.isnan(a) & ~np.isnan(b)
    return a[both] - b[both]


@dataclass(frozen=True)
class Effect:
    """Cohen's d_z of run A minus run B, its 95% bootstrap interval, and what it came from:
    the SD of the per-article differences and the number of articles they are defined on."""

    d_z: float
    low: float
    high: float
    sd_diff: float
    n: int


def _d_z(mean: Array, sd: Array) -> Array:
    """mean / sd; when every difference is the same: 0 if they are all 0, else ±inf."""
    flat = sd <= _FLAT
    same = np.where(np.abs(mean) <= _FLAT, 0.0, np.copysign(np.inf, mean))
    return np.where(flat, same, mean / np.where(flat, 1.0, sd))


def paired_effect(a: Array, b: Array, weights: Array) -> Effect:
    """d_z = mean / SD (n - 1) of the per-article differences a - b, and its interval.

    `weights` (resamples x articles, from `resample_indices`) are the resampled articles of the
    paired difference, so both intervals come from the same draws. Articles where either run
    is undefined are left out. Differences that are all equal give d_z 0 (all zero) or ±inf;
    those resamples are kept (dropping them would push the interval away from 0), so the
    interval takes the nearest resampled values rather than interpolating.
    """
    both = ~np.isnan(a) & ~np.isnan(b)
    d = a[both] - b[both]
    n = int(d.size)
    if n < 2:
        return Effect(float("nan"), float("nan"), float("nan"), float("nan"), n)
    sd = float(np.std(d, ddof=1))
    value = float(_d_z(np.array(np.mean(d)), np.array(sd)))
    w = weights[:, both]
    drawn = w.sum(axis=1)
    mean = (w @ d) / drawn
    var = (w @ (d * d) - drawn * mean * mean) / np.maximum(drawn - 1, 1)
    resampled = _d_z(mean, np.sqrt(np.maximum(var, 0.0)))
    resampled = resampled[(drawn >= 2) & ~np.isnan(resampled)]
    if resampled.size == 0:
        return Effect(value, float("nan"), float("nan"), sd, n)
    low, high = np.percentile(resampled, [2.5, 97.5], method="nearest")
    return Effect(value, float(low), float(high), sd, n)
