"""Charts for the HTML reports, drawn by matplotlib and returned as inline SVG text.

Only `matplotlib.figure.Figure` is used (no pyplot, no global backend), imported when a chart
is drawn so that importing stance stays cheap. Output is deterministic: the same input gives
the same bytes (fixed hash salt, no date), so a regenerated report diffs cleanly. Text stays
text (`svg.fonttype: none`): it renders with the browser's fonts, offline, and can be searched.
Each chart gets its own hash salt so the ids of two charts on one page never collide.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stance.views.html_page import escape

__all__ = [
    "COLOURS",
    "Estimate",
    "ScatterPoint",
    "interval_chart",
    "scatter",
    "trend_chart",
]

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Colour-blind-safe series colours (Okabe-Ito), in run order.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


@dataclass(frozen=True)
class Estimate:
    """A value with an optional 95% interval; None values are not drawn."""

    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ScatterPoint:
    label: str
    x: float
    y: float
    annotate: bool = False


def _finite(x: float | None) -> bool:
    return x is not None and not math.isnan(x)


def _svg(fig: Figure, salt: str) -> str:
    """The figure as an <svg> element: no XML prolog, no date, ids salted per chart."""
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buf.getvalue()
    # The RDF metadata only names the matplotlib version: noise in a page, churn in a diff.
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_alpha(0.0)
    return fig


def interval_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[Estimate]],
    *,
    xlabel: str = "score (95% CI)",
    salt: str = "intervals",
) -> str:
    """Dot-and-whisker chart: one row per label, one dot per series, whiskers for the CI.

    `series` maps a run name to one estimate per label, in label order; several series are
    offset within a row and get a legend.
    """
    names = list(series)
    fig = _figure(7.5, 0.45 * len(labels) + 1.1)
    ax = fig.add_subplot()
    step = 0.7 / max(len(names), 1)
    for k, name in enumerate(names):
        offset = (k - (len(names) - 1) / 2) * step if len(names) > 1 else 0.0
        ys, xs, lo, hi = [], [], [], []
        for row, est in enumerate(series[name]):
            if not _finite(est.value):
                continue
            assert est.value is not None
            y = row + offset
            ys.append(y)
            xs.append(est.value)
            low = est.low if _finite(est.low) else est.value
            high = est.high if _finite(est.high) else est.value
            assert low is not None and high is not None
            lo.append(est.value - low)
            hi.append(high - est.value)
        colour = COLOURS[k % len(COLOURS)]
        ax.errorbar(xs, ys, xerr=[lo, hi], fmt="o", color=colour, ecolor=colour,
                    elinewidth=1.6, capsize=3, markersize=5, label=name)  # fmt: skip
    ax.set_yticks(range(len(labels)), labels=list(labels))
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#d9dee2", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(names) > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(names), frameon=False)
    return _svg(fig, salt)


def scatter(
    points: Sequence[ScatterPoint],
    *,
    xlabel: str,
    ylabel: str,
    salt: str = "scatter",
) -> str:
    """Per-item scores of two runs, with the y = x diagonal; hovering a dot shows its label.

    Points marked `annotate` are also labelled in the chart (the ones worth reading first).
    """
    fig = _figure(5.2, 5.0)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#9aa5ad", linewidth=1, linestyle="--", zorder=1)
    for n, p in enumerate(points):
        colour = "#9aa5ad" if abs(p.y - p.x) < 1e-9 else COLOURS[0] if p.y > p.x else COLOURS[1]
        dot = ax.scatter([p.x], [p.y], s=42, color=colour, alpha=0.8, zorder=3,
                         edgecolors="white", linewidths=0.8)  # fmt: skip
        dot.set_gid(f"point-{n}")
        if p.annotate:
            ax.annotate(p.label, (p.x, p.y), xytext=(5, 4), textcoords="offset points",
                        fontsize=8, color="#1d2327")  # fmt: skip
    ax.set_xlim(-0.04, 1.04)
    ax.set_ylim(-0.04, 1.04)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(color="#eef1f4", linewidth=0.8)
    ax.set_axisbelow(True)
    svg = _svg(fig, salt)
    # SVG <title> children are the browser's native tooltips.
    for n, p in enumerate(points):
        tip = f"{p.label}: {p.x:.3f} → {p.y:.3f}"
        group = f'<g id="point-{n}">'
        svg = svg.replace(group, f"{group}<title>{escape(tip)}</title>", 1)
    return svg


def trend_chart(
    labels: Sequence[str], estimates: Sequence[Estimate], *, ylabel: str, salt: str = "trend"
) -> str:
    """One metric across runs in time order: dots with 95% whiskers joined by a line.

    A line, not bars, because the question is "did it move", and whiskers, because a move
    inside the intervals is not yet a move.
    """
    fig = _figure(max(5.0, 0.75 * len(labels) + 1.5), 3.8)
    ax = fig.add_subplot()
    xs = [i for i, e in enumerate(estimates) if _finite(e.value)]
    ys = [float(estimates[i].value or 0.0) for i in xs]
    low = [max(0.0, ys[k] - _or(estimates[i].low, ys[k])) for k, i in enumerate(xs)]
    high = [max(0.0, _or(estimates[i].high, ys[k]) - ys[k]) for k, i in enumerate(xs)]
    ax.plot(xs, ys, color=COLOURS[0], linewidth=1.2, zorder=2)
    ax.errorbar(xs, ys, yerr=[low, high], fmt="o", color=COLOURS[0], ecolor=COLOURS[0],
                elinewidth=1.4, capsize=3, markersize=5, zorder=3)  # fmt: skip
    ax.set_xticks(range(len(labels)), labels=list(labels), fontsize=8)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylim(0.0, 1.0)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#d9dee2", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig, salt)


def _or(value: float | None, default: float) -> float:
    return value if value is not None and _finite(value) else default
