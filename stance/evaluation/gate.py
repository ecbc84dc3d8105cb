"""The CI gate: metric floors (`--fail-under`) and drops against a baseline run."""

from __future__ import annotations

from collections.abc import Mapping

from stance.errors import InputError
from stance.evaluation.metrics import METRICS
from stance.evaluation.report import EvalReport

__all__ = ["baseline_drops", "gate", "parse_thresholds"]


def parse_thresholds(spec: str) -> dict[str, float]:
    """`claim_f1=0.5,denial_f1=0.4` -> {"claim_f1": 0.5, ...}; unknown metrics are an error."""
    thresholds: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in METRICS:
            known = ", ".join(sorted(METRICS))
            raise InputError(f"--fail-under: {part!r} is not METRIC=VALUE with a metric in {known}")
        try:
            thresholds[name] = float(value)
        except ValueError as exc:
            raise InputError(f"--fail-under: {value!r} is not a number") from exc
    return thresholds


def gate(report: EvalReport, thresholds: Mapping[str, float]) -> list[str]:
    """Every metric below its threshold, as a sentence; empty when the gate passes."""
    failures = []
    for name, minimum in thresholds.items():
        value = report.value(name)
        if value is None or value < minimum:
            shown = "undefined" if value is None else f"{value:.3f}"
            failures.append(f"{name} = {shown} is below {minimum:.3f}")
    return failures


def baseline_drops(report: EvalReport, baseline: EvalReport, max_drop: float) -> list[str]:
    """Headline metrics that fell more than `max_drop` below the baseline run."""
    failures = []
    for name in report.headline:
        now, before = report.value(name), baseline.value(name)
        if before is None:
            continue
        if now is None or before - now > max_drop + 1e-9:
            shown = "undefined" if now is None else f"{now:.3f}"
            failures.append(
                f"{name} = {shown} dropped more than {max_drop:.3f} below the baseline {before:.3f}"
            )
    return failures
