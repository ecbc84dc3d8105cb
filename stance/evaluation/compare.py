"""Compare eval runs: each metric per run with its interval, and paired differences.

Runs are compared on the articles they share. The difference of each run against the first
(the reference) is resampled over the same articles for both runs (paired bootstrap), which
is what makes a small difference on a small set detectable or honestly not. Because a table
of many metrics invites false alarms, the p-values are also Holm-adjusted over every test
shown; each difference carries its effect size (d_z) and the smallest difference these
articles could detect, so "not significant" can be read as "no effect" or "too few articles".
The text renderings are in `compare_tables`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stance.errors import InputError
from stance.evaluation.metrics import (
    Array,
    Difference,
    bootstrap_sums,
    count_matrix,
    estimate,
    micro,
    paired_difference,
    resample_indices,
)
from stance.evaluation.power import detectable_difference
from stance.evaluation.report import EvalReport, Interval
from stance.evaluation.significance import Effect, holm, paired_effect, per_article

__all__ = [
    "WIN_METRIC",
    "Comparison",
    "compare",
    "compare_repeated",
    "load_report",
]

WIN_METRIC = "attribution_f1"


def load_report(path: Path) -> EvalReport:
    try:
        return EvalReport.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a stance eval report ({exc})") from exc


@dataclass
class Comparison:
    names: list[str]
    reports: list[EvalReport]  # the first report of each run (manifest, per-article rows)
    shared: list[str]
    metrics: list[str]
    differences: dict[tuple[int, str], Difference]  # (run index >= 1, metric) -> run - first
    wins: dict[int, tuple[int, int, int]]  # run index -> (better, worse, tied) vs the first
    resamples: int = 1000
    adjusted: dict[tuple[int, str], float] = field(default_factory=dict)  # Holm, same keys
    effects: dict[tuple[int, str], Effect] = field(default_factory=dict)  # d_z, same keys
    detectable: dict[tuple[int, str], float] = field(default_factory=dict)  # MDD, same keys
    repeats: list[int] = field(default_factory=list)  # reports per run
    pooled: dict[tuple[int, str], Interval] = field(default_factory=dict)  # runs with repeats
    spread: dict[tuple[int, str], float] = field(default_factory=dict)  # SD over repeats

    def value(self, run: int, metric: str) -> Interval | None:
        """The run's value shown: pooled over its repeats, else its report's own."""
        return self.pooled.get((run, metric), self.reports[run].metrics.get(metric))


def compare(
    reports: list[EvalReport], names: list[str], *, resamples: int = 1000, seed: int = 0
) -> Comparison:
    """Paired differences of every run against the first, on the articles all runs share."""
    return compare_repeated([[r] for r in reports], names, resamples=resamples, seed=seed)


def _check_repeats(name: str, group: list[EvalReport]) -> None:
    first = group[0].manifest
    for other in group[1:]:
        m = other.manifest
        if m.model != first.model:
            raise InputError(f"run {name}: its repeats used different models: {first.model}, "
                             f"{m.model}")  # fmt: skip
        hashes = [x.prompt.hash if x.prompt else None for x in (first, m)]
        if hashes[0] != hashes[1]:
            raise InputError(f"run {name}: its repeats used different prompts")


def _summed(group: list[EvalReport], shared: list[str]) -> dict[str, Array]:
    """Per-article counters summed over the run's repeats (articles along axis 0)."""
    rows: list[Counter[str]] = [Counter() for _ in shared]
    for report in group:
        by_id = {a.id: a for a in report.articles}
        for row, article in zip(rows, shared, strict=True):
            row.update(by_id[article].counts)
    return count_matrix(rows)


def _spread(group: list[EvalReport], shared: list[str], metric: str) -> float:
    """SD (n - 1) over the repeats of the run-level micro metric on the shared articles."""
    values = [micro(_summed([r], shared), metric) for r in group]
    finite = [v for v in values if not math.isnan(v)]
    return float(np.std(finite, ddof=1)) if len(finite) >= 2 else float("nan")


def compare_repeated(
    runs: list[list[EvalReport]], names: list[str], *, resamples: int = 1000, seed: int = 0
) -> Comparison:
    """Like `compare`, for runs of one or more repeats each (same articles, same setup).

    Per article the counters of a run are summed over its repeats, so each metric is micro
    over articles x repeats; the bootstrap resamples articles (the unit of pairing) and keeps
    all repeats of a drawn article together. Runs with 2 or more repeats also get the SD over
    repeats of each run-level metric (the run-to-run spread).
    """
    if len(runs) < 2:
        raise InputError("compare needs at least two reports")
    if len(names) != len(runs):
        raise InputError(f"{len(names)} names for {len(runs)} runs: give one name per run")
    for name, group in zip(names, runs, strict=True):
        if not group:
            raise InputError(f"run {name} has no reports")
        _check_repeats(name, group)
    reports = [group[0] for group in runs]
    everyone = [{a.id for a in r.articles} for group in runs for r in group]
    shared = [a.id for a in reports[0].articles if all(a.id in ids for ids in everyone)]
    if not shared:
        raise InputError("the reports share no articles: nothing to compare")
    metrics = [
        m for m in reports[0].headline if all(m in r.metrics for group in runs for r in group)
    ]
    counts = [_summed(group, shared) for group in runs]
    idx = resample_indices(len(shared), resamples, seed)
    others = range(1, len(runs))
    differences = {
        (k, m): paired_difference(counts[k], counts[0], m, idx) for k in others for m in metrics
    }
    effects = {
        (k, m): paired_effect(per_article(counts[k], m), per_article(counts[0], m), idx)
        for k in others
        for m in metrics
    }
    floor = 1.0 / resamples  # a bootstrap p of 0 means "below 1/resamples"
    adjusted = holm({key: max(d.p_value, floor) for key, d in differences.items()})
    wins: dict[int, tuple[int, int, int]] = {}
    first = np.round(np.nan_to_num(per_article(counts[0], WIN_METRIC)), 4)
    for k in others:
        other = np.round(np.nan_to_num(per_article(counts[k], WIN_METRIC)), 4)
        better, worse = int(np.sum(other > first + 1e-9)), int(np.sum(other < first - 1e-9))
        wins[k] = (better, worse, len(shared) - better - worse)
    pooled: dict[tuple[int, str], Interval] = {}
    spread: dict[tuple[int, str], float] = {}
    for k, group in enumerate(runs):
        if len(group) < 2:
            continue
        sums = bootstrap_sums(counts[k], idx)
        for m in metrics:
            pooled[(k, m)] = Interval(**estimate(counts[k], m, idx, sums=sums).as_dict())
            spread[(k, m)] = _spread(group, shared, m)
    return Comparison(
        names=names,
        reports=reports,
        shared=shared,
        metrics=metrics,
        differences=differences,
        wins=wins,
        resamples=resamples,
        adjusted=adjusted,
        effects=effects,
        detectable={key: detectable_difference(e.sd_diff, e.n) for key, e in effects.items()},
        repeats=[len(group) for group in runs],
        pooled=pooled,
        spread=spread,
    )
