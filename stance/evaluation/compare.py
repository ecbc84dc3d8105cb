"""Compare eval runs: each metric per run with its interval, and paired differences.

Runs are compared on the articles they share. The difference of each run against the first
(the reference) is resampled over the same articles for both runs (paired bootstrap), which
is what makes a small difference on a small set detectable or honestly not.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from stance.errors import InputError
from stance.evaluation.metrics import Difference, count_matrix, paired_difference, resample_indices
from stance.evaluation.report import EvalReport

__all__ = [
    "WIN_METRIC",
    "Comparison",
    "compare",
    "load_report",
    "to_markdown",
    "to_terminal",
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
    reports: list[EvalReport]
    shared: list[str]
    metrics: list[str]
    differences: dict[tuple[int, str], Difference]  # (run index >= 1, metric) -> run - first
    wins: dict[int, tuple[int, int, int]]  # run index -> (better, worse, tied) vs the first
    resamples: int = 1000


def compare(
    reports: list[EvalReport], names: list[str], *, resamples: int = 1000, seed: int = 0
) -> Comparison:
    """Paired differences of every run against the first, on the articles all runs share."""
    if len(reports) < 2:
        raise InputError("compare needs at least two reports")
    shared = [
        a.id
        for a in reports[0].articles
        if all(any(b.id == a.id for b in r.articles) for r in reports[1:])
    ]
    if not shared:
        raise InputError("the reports share no articles: nothing to compare")
    metrics = [m for m in reports[0].headline if all(m in r.metrics for r in reports)]
    counts = []
    for report in reports:
        by_id = {a.id: a for a in report.articles}
        counts.append(count_matrix([by_id[i].counts for i in shared]))
    idx = resample_indices(len(shared), resamples, seed)
    differences = {
        (k, m): paired_difference(counts[k], counts[0], m, idx)
        for k in range(1, len(reports))
        for m in metrics
    }
    wins: dict[int, tuple[int, int, int]] = {}
    for k in range(1, len(reports)):
        first = {a.id: a.metrics.get(WIN_METRIC) for a in reports[0].articles}
        other = {a.id: a.metrics.get(WIN_METRIC) for a in reports[k].articles}
        better = sum((other[i] or 0) > (first[i] or 0) + 1e-9 for i in shared)
        worse = sum((other[i] or 0) < (first[i] or 0) - 1e-9 for i in shared)
        wins[k] = (better, worse, len(shared) - better - worse)
    return Comparison(names, reports, shared, metrics, differences, wins, resamples)


def _num(x: float | None, signed: bool = False) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return f"{x:+.3f}" if signed else f"{x:.3f}"


def _p(p: float, resamples: int) -> str:
    """A p-value no finer than the bootstrap can resolve."""
    if math.isnan(p):
        return "n/a"
    floor = 1.0 / resamples
    return f"<{floor:.3f}" if p < floor else f"{p:.3f}"


def to_markdown(c: Comparison) -> str:
    """Side-by-side table: per-run values with intervals, then each run minus the first."""
    header = ["metric", *c.names]
    header += [f"{c.names[k]} − {c.names[0]} [95% CI] (p)" for k in range(1, len(c.names))]
    lines = [
        f"# stance compare: {len(c.shared)} shared articles",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for metric in c.metrics:
        cells = [metric] + [r.metrics[metric].text() for r in c.reports]
        for k in range(1, len(c.reports)):
            d = c.differences[(k, metric)]
            cells.append(
                f"{_num(d.value, True)} [{_num(d.low, True)}, {_num(d.high, True)}] "
                f"(p={_p(d.p_value, c.resamples)})"
            )
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Per-article {WIN_METRIC} against {c.names[0]}:", ""]
    for k, (better, worse, tied) in c.wins.items():
        lines.append(f"- {c.names[k]}: better on {better}, worse on {worse}, tied on {tied}")
    lines += [
        "",
        "| run | model | prompt | calls | tokens/article | model-s/article | cost |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in zip(c.names, c.reports, strict=True):
        m = r.manifest
        prompt = f"{m.prompt.name} ({m.prompt.hash[:8]})" if m.prompt else "–"
        cost = "unknown" if m.cost_usd is None else f"${m.cost_usd:.4f}"
        lines.append(
            f"| {name} | {m.model} | {prompt} | {m.usage.calls + m.usage.cached_calls} |"
            f" {m.tokens_per_article:,.0f} | {m.model_seconds_per_article:.1f} | {cost} |"
        )
    return "\n".join(lines) + "\n"


def to_terminal(c: Comparison) -> str:
    """Values with intervals per run, then each run minus the first with its p-value."""
    width = max(len(m) for m in c.metrics)
    col = 21
    head = f"{'metric':<{width}}  " + "  ".join(f"{n[:col]:>{col}}" for n in c.names)
    head += "".join(f"  {('Δ ' + c.names[k])[:24]:>24}" for k in range(1, len(c.names)))
    lines = [head]
    for m in c.metrics:
        row = f"{m:<{width}}  " + "  ".join(f"{r.metrics[m].text(2):>{col}}" for r in c.reports)
        for k in range(1, len(c.reports)):
            d = c.differences[(k, m)]
            star = "*" if d.p_value == d.p_value and d.p_value < 0.05 else " "
            row += f"  {_num(d.value, True):>7} p={_p(d.p_value, c.resamples):<6}{star:>8}"
        lines.append(row)
    for k, (better, worse, tied) in c.wins.items():
        lines.append(
            f"{c.names[k]} vs {c.names[0]}, per-article {WIN_METRIC}: better on "
            f"{better}, worse on {worse}, tied on {tied}"
        )
    for name, r in zip(c.names, c.reports, strict=True):
        run = r.manifest
        cost = "unknown" if run.cost_usd is None else f"${run.cost_usd:.4f}"
        lines.append(
            f"{name}: {run.tokens_per_article:,.0f} tokens/article, "
            f"{run.model_seconds_per_article:.1f} model-s/article, cost {cost}"
        )
    lines.append(
        f"({len(c.shared)} shared articles; Δ = run − {c.names[0]}, paired bootstrap "
        f"over articles, {c.resamples} resamples; * p < 0.05)"
    )
    return "\n".join(lines)
