"""A comparison of eval runs as text: the terminal block and the Markdown tables.

First each run's values with their intervals, then one block per run against the first: the
paired difference with its interval, raw and Holm-adjusted p, d_z with its interval and the
smallest detectable difference (MDD), so a reader sees at once whether "not significant" means
"no effect" or "too few articles".
"""

from __future__ import annotations

import math

from stance.evaluation.compare import WIN_METRIC, Comparison
from stance.evaluation.power import z_total

__all__ = ["POWER", "detectable_sentence", "holm_line", "to_markdown", "to_terminal"]

POWER = 0.8  # the power the MDD is stated at (alpha 0.05, two-sided)


def _num(x: float | None, signed: bool = False, digits: int = 3) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


def _p(p: float, resamples: int) -> str:
    """A p-value no finer than the bootstrap can resolve."""
    if math.isnan(p):
        return "n/a"
    floor = 1.0 / resamples
    return f"<{floor:.3f}" if p < floor else f"{p:.3f}"


def _significant(c: Comparison, key: tuple[int, str]) -> bool:
    p = c.adjusted.get(key, float("nan"))
    return not math.isnan(p) and p < 0.05


def _delta(c: Comparison, key: tuple[int, str]) -> str:
    d = c.differences[key]
    return f"{_num(d.value, True)} [{_num(d.low, True)}, {_num(d.high, True)}]"


def _d_z(c: Comparison, key: tuple[int, str]) -> str:
    e = c.effects[key]
    return f"{_num(e.d_z, True, 2)} [{_num(e.low, True, 2)}, {_num(e.high, True, 2)}]"


def holm_line(c: Comparison) -> str:
    tests = sum(not math.isnan(p) for p in c.adjusted.values())
    return f"p adj: Holm over {tests} tests"


def detectable_sentence(c: Comparison, k: int, metric: str = WIN_METRIC) -> str | None:
    """ "with 12 articles, a difference in attribution_f1 smaller than 0.09 cannot be told
    from noise (80% power)", or None when the metric is not compared."""
    if (k, metric) not in c.effects:
        return None
    mdd, n = c.detectable[(k, metric)], c.effects[(k, metric)].n
    if mdd == 0:
        # no spread to learn from: say what happened instead of "smaller than 0.000"
        return (
            f"{metric} is the same on all {n} articles: these runs give no spread to size a "
            "test with (see stance power)"
        )
    return (
        f"with {n} articles, a difference in {metric} smaller than {_num(mdd)} cannot be told "
        f"from noise ({POWER:.0%} power)"
    )


def _legend(c: Comparison) -> str:
    return (
        f"({len(c.shared)} shared articles; Δ = run − {c.names[0]}, micro, paired bootstrap "
        f"over articles, {c.resamples} resamples; * p adj < 0.05 (p adj counts a p below "
        f"{1 / c.resamples:.3f} as {1 / c.resamples:.3f}); from the per-article differences "
        f"on the n articles where both runs are defined: d_z = mean / SD, and MDD = "
        f"{z_total(0.05, POWER):.2f} × SD / √n, the smallest difference a paired test on them "
        f"detects with {POWER:.0%} power at alpha 0.05)"
    )


def _spread_lines(c: Comparison) -> list[str]:
    lines = []
    for k, repeats in enumerate(c.repeats):
        if repeats >= 2:
            sds = ", ".join(f"{m} {_num(c.spread[(k, m)])}" for m in c.metrics)
            lines.append(f"{c.names[k]}: {repeats} repeats, run-to-run SD: {sds}")
    return lines


def to_terminal(c: Comparison) -> str:
    """Values with intervals per run; per run against the first: Δ, p, p adj, d_z, MDD."""
    width = max(len(m) for m in c.metrics)
    col = 21
    lines = [f"{'metric':<{width}}  " + "  ".join(f"{n[:col]:>{col}}" for n in c.names)]
    for m in c.metrics:
        cells = []
        for k in range(len(c.names)):
            value = c.value(k, m)
            cells.append(f"{value.text(2) if value else 'n/a':>{col}}")
        lines.append(f"{m:<{width}}  " + "  ".join(cells))
    for k in range(1, len(c.names)):
        lines += [
            "",
            f"{c.names[k]} − {c.names[0]}, paired over {len(c.shared)} articles:",
            f"{'metric':<{width}}  {'Δ [95% CI]':>23}  {'p':>6}  {'p adj':>6}   "
            f"{'d_z [95% CI]':>20}  {'MDD':>5}  {'n':>3}",
        ]
        for m in c.metrics:
            key = (k, m)
            star = "*" if _significant(c, key) else " "
            lines.append(
                f"{m:<{width}}  {_delta(c, key):>23}  "
                f"{_p(c.differences[key].p_value, c.resamples):>6}  "
                f"{_num(c.adjusted[key]):>6} {star} {_d_z(c, key):>20}  "
                f"{_num(c.detectable[key]):>5}  {c.effects[key].n:>3}"
            )
        better, worse, tied = c.wins[k]
        lines.append(
            f"per-article {WIN_METRIC}: better on {better}, worse on {worse}, tied on {tied}"
        )
        sentence = detectable_sentence(c, k)
        if sentence:
            lines.append(sentence)
    lines += ["", holm_line(c), *_spread_lines(c)]
    for name, r in zip(c.names, c.reports, strict=True):
        run = r.manifest
        cost = "unknown" if run.cost_usd is None else f"${run.cost_usd:.4f}"
        lines.append(
            f"{name}: {run.tokens_per_article:,.0f} tokens/article, "
            f"{run.model_seconds_per_article:.1f} model-s/article, cost {cost}"
        )
    lines.append(_legend(c))
    return "\n".join(lines)


def to_markdown(c: Comparison) -> str:
    """Values table, one table per run against the first, then the runs' costs."""
    header = ["metric", *c.names]
    lines = [
        f"# stance compare: {len(c.shared)} shared articles",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for metric in c.metrics:
        values = [c.value(k, metric) for k in range(len(c.names))]
        cells = [metric] + [v.text() if v else "n/a" for v in values]
        lines.append("| " + " | ".join(cells) + " |")
    for k in range(1, len(c.names)):
        lines += [
            "",
            f"## {c.names[k]} − {c.names[0]}",
            "",
            "| metric | Δ [95% CI] | p | p adj | d_z [95% CI] | MDD | n |",
            "|---|---|---|---|---|---|---|",
        ]
        for metric in c.metrics:
            key = (k, metric)
            adjusted = _num(c.adjusted[key])
            if _significant(c, key):
                adjusted = f"**{adjusted}**"
            lines.append(
                f"| {metric} | {_delta(c, key)} | "
                f"{_p(c.differences[key].p_value, c.resamples)} | "
                f"{adjusted} | {_d_z(c, key)} | {_num(c.detectable[key])} | "
                f"{c.effects[key].n} |"
            )
        better, worse, tied = c.wins[k]
        lines += [
            "",
            f"- per-article {WIN_METRIC}, {c.names[k]}: better on {better}, worse on {worse}, "
            f"tied on {tied}",
        ]
        sentence = detectable_sentence(c, k)
        if sentence:
            lines.append(f"- {sentence}")
    legend = _legend(c).strip("()").replace("* p adj", "bold p adj")
    lines += ["", holm_line(c), "", legend + "."]
    spread = _spread_lines(c)
    if spread:
        lines += ["", *[f"- {line}" for line in spread]]
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
