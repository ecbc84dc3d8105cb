"""Metrics from article counters, with seeded bootstrap intervals over articles.

Conventions (stated in every report): F1 = 2·TP / (predicted + gold), and 1.0 when both are
empty (an article with nothing to find, where nothing was found, is perfect); precision with no
predictions is 1.0 only if there is no gold either, recall likewise. Accuracies with nothing to
judge are undefined (NaN) and left out. Micro averages sum counters over articles; macro
averages take the mean of per-article F1. Intervals resample articles with replacement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stance.evaluation.article_scoring import ACCURACIES, FAMILIES
from stance.schema import ClaimType

__all__ = [
    "BESIDE",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "HEADLINE",
    "MACRO",
    "METRICS",
    "Array",
    "Counts",
    "Difference",
    "Estimate",
    "MetricFn",
    "bootstrap_sums",
    "count_matrix",
    "estimate",
    "macro",
    "micro",
    "paired_difference",
    "resample_indices",
    "resampled",
]

Array = NDArray[np.float64]
Counts = Mapping[str, Array]
MetricFn = Callable[[Counts], Array]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0


def _ratio(num: Array, den: Array, empty: Array | float) -> Array:
    safe = np.where(den > 0, den, 1.0)
    return np.where(den > 0, num / safe, empty)


def _precision(name: str) -> MetricFn:
    def fn(c: Counts) -> Array:
        empty = np.where(c[f"{name}_gold"] > 0, 0.0, 1.0)
        return _ratio(c[f"{name}_tp"], c[f"{name}_pred"], empty)

    return fn


def _recall(name: str) -> MetricFn:
    def fn(c: Counts) -> Array:
        empty = np.where(c[f"{name}_pred"] > 0, 0.0, 1.0)
        return _ratio(c[f"{name}_tp"], c[f"{name}_gold"], empty)

    return fn


def _f1(name: str) -> MetricFn:
    def fn(c: Counts) -> Array:
        return _ratio(2 * c[f"{name}_tp"], c[f"{name}_pred"] + c[f"{name}_gold"], 1.0)

    return fn


def _accuracy(name: str) -> MetricFn:
    def fn(c: Counts) -> Array:
        return _ratio(c[f"{name}_ok"], c[f"{name}_n"], np.nan)

    return fn


def _type_macro_f1(c: Counts) -> Array:
    """Mean F1 over the claim types that occur (in gold or prediction) among matched pairs."""
    f1s, present = [], []
    for kind in ClaimType:
        tp, pred, gold = (c[f"typecls_{kind.value}_{p}"] for p in ("tp", "pred", "gold"))
        f1s.append(_ratio(2 * tp, pred + gold, 0.0))
        present.append((pred + gold) > 0)
    f1 = np.stack(f1s)
    mask = np.stack(present)
    n = mask.sum(axis=0)
    return _ratio((f1 * mask).sum(axis=0), n.astype(np.float64), np.nan)


def _labelled_only(fn: MetricFn) -> MetricFn:
    """Undefined (NaN) where no article was labelled for it: relations are scored only on
    articles whose gold carries target actors, and a set without any says nothing."""

    def scoped(c: Counts) -> Array:
        scope = c.get("relation_labelled")
        if scope is None:  # counters of a report written before relations were scored
            return np.full(np.shape(next(iter(c.values()), np.nan)), np.nan)
        return np.where(scope > 0, fn(c), np.nan)

    return scoped


METRICS: dict[str, MetricFn] = {}
for _name in FAMILIES:
    METRICS[f"{_name}_precision"] = _precision(_name)
    METRICS[f"{_name}_recall"] = _recall(_name)
    METRICS[f"{_name}_f1"] = _f1(_name)
METRICS["actor_kind_accuracy"] = _accuracy("actor_kind")
METRICS["type_accuracy"] = _accuracy("type")
METRICS["type_macro_f1"] = _type_macro_f1
METRICS["hedging_accuracy"] = _accuracy("hedging")
METRICS["denial_link_accuracy"] = _accuracy("link")
METRICS["grounding_rate"] = _accuracy("grounding")
for _part, _fn in (("precision", _precision), ("recall", _recall), ("f1", _f1)):
    METRICS[f"relation_{_part}"] = _labelled_only(_fn("relation"))
for _name in ACCURACIES:
    if _name.startswith("source_"):
        METRICS[f"{_name}_accuracy"] = _accuracy(_name)

HEADLINE = (
    "actor_f1",
    "actor_kind_accuracy",
    "claim_f1",
    "attribution_f1",
    "type_accuracy",
    "type_macro_f1",
    "hedging_accuracy",
    "denial_f1",
    "denial_link_accuracy",
    "stance_f1",
    "grounding_rate",
    "source_pronoun_accuracy",
)
# Reported beside the headline (report tables, `stance eval`'s summary) but not gated:
# scored on the articles labelled with target actors only, too few yet to hold a build to.
BESIDE = ("relation_f1",)
MACRO = (*(f"{name}_f1" for name in FAMILIES), "relation_f1")


@dataclass(frozen=True)
class Estimate:
    """A metric's value with its 95% bootstrap interval (NaN when undefined)."""

    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float | None]:
        return {
            k: (None if np.isnan(v) else round(float(v), 4))
            for k, v in (("value", self.value), ("low", self.low), ("high", self.high))
        }


def count_matrix(rows: Sequence[Mapping[str, int]]) -> dict[str, Array]:
    """Counters of many articles as one column per counter (articles along axis 0)."""
    keys = sorted({k for row in rows for k in row})
    return {k: np.array([row.get(k, 0) for row in rows], dtype=np.float64) for k in keys}


def micro(counts: Counts, name: str) -> float:
    summed = {k: np.array(v.sum()) for k, v in counts.items()}
    return float(METRICS[name](summed))


def macro(counts: Counts, name: str) -> float:
    values = METRICS[name](counts)
    return float(np.nanmean(values)) if np.any(~np.isnan(values)) else float("nan")


def resample_indices(n: int, resamples: int, seed: int) -> Array:
    """How often each article is drawn in each resample (resamples x n weights).

    Shared by paired comparisons so both runs see the same resampled articles.
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(resamples, n))
    weights = np.zeros((resamples, n), dtype=np.float64)
    np.add.at(weights, (np.arange(resamples)[:, None], draws), 1.0)
    return weights


def bootstrap_sums(counts: Counts, weights: Array) -> dict[str, Array]:
    """Every counter summed over every resample at once: one matrix product."""
    keys = sorted(counts)
    matrix = np.stack([counts[k] for k in keys], axis=1)
    sums = weights @ matrix
    return {k: sums[:, i] for i, k in enumerate(keys)}


def resampled(
    counts: Counts, name: str, weights: Array, kind: str = "micro", sums: Counts | None = None
) -> Array:
    """The metric on every resample: one value per row of `weights`."""
    if kind == "macro":
        per_article = METRICS[name](counts)
        defined = ~np.isnan(per_article)
        total = weights @ np.where(defined, per_article, 0.0)
        return _ratio(total, weights @ defined.astype(np.float64), np.nan)
    return METRICS[name](sums if sums is not None else bootstrap_sums(counts, weights))


def _interval(values: Array) -> tuple[float, float]:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def estimate(
    counts: Counts, name: str, weights: Array, kind: str = "micro", sums: Counts | None = None
) -> Estimate:
    """Value on all articles and its 95% interval; pass `sums` to reuse one bootstrap."""
    value = micro(counts, name) if kind == "micro" else macro(counts, name)
    return Estimate(value, *_interval(resampled(counts, name, weights, kind, sums)))


@dataclass(frozen=True)
class Difference:
    """Run A minus run B on the same articles: paired-bootstrap interval and two-sided p."""

    value: float
    low: float
    high: float
    p_value: float


def paired_difference(a: Counts, b: Counts, name: str, weights: Array) -> Difference:
    """Resample the same articles for both runs; p is twice the share of resampled
    differences on the other side of zero (capped at 1)."""
    observed = micro(a, name) - micro(b, name)
    diffs = resampled(a, name, weights) - resampled(b, name, weights)
    diffs = diffs[~np.isnan(diffs)]
    if np.isnan(observed) or diffs.size == 0:
        return Difference(float("nan"), float("nan"), float("nan"), float("nan"))
    low, high = np.percentile(diffs, [2.5, 97.5])
    if observed == 0:
        p = 1.0
    else:
        other_side = np.mean(diffs <= 0) if observed > 0 else np.mean(diffs >= 0)
        p = min(1.0, 2 * float(other_side))
    return Difference(observed, float(low), float(high), p)
