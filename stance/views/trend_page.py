"""`stance runs trend --html`: one metric across stored runs, as a chart and a table.

The chart answers "did this metric move across commits and prompt versions"; the table
under it holds the exact numbers and what each run was, so the page stands alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stance.views.html_page import escape, page
from stance.views.plots import Estimate, trend_chart

__all__ = ["TrendPoint", "trend_page"]


@dataclass(frozen=True)
class TrendPoint:
    """One stored run's value of the metric, and what identifies the run."""

    run_id: int
    created_at: str
    commit: str
    prompt: str
    model: str
    dataset: str
    value: float | None
    low: float | None = None
    high: float | None = None


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def trend_page(metric: str, points: Sequence[TrendPoint]) -> str:
    chart = trend_chart(
        [f"#{p.run_id}\n{p.commit}\n{p.prompt}" for p in points],
        [Estimate(p.value, p.low, p.high) for p in points],
        ylabel=f"{metric} (95% CI)",
    )
    rows = "".join(
        f"<tr><td class=num>{p.run_id}</td><td>{escape(p.created_at)}</td>"
        f"<td>{escape(p.dataset)}</td><td>{escape(p.model)}</td><td>{escape(p.prompt)}</td>"
        f"<td class=mono>{escape(p.commit)}</td><td class=num>{_num(p.value)}</td>"
        f"<td class=num>{_num(p.low)}</td><td class=num>{_num(p.high)}</td></tr>"
        for p in points
    )
    table = (
        "<table><thead><tr><th class=num>run</th><th>created</th><th>dataset</th>"
        "<th>model</th><th>prompt</th><th>commit</th><th class=num>value</th>"
        "<th class=num>low</th><th class=num>high</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    body = f"<main><figure>{chart}</figure>{table}</main>"
    meta = f"{len(points)} stored runs, oldest first; whiskers are 95% bootstrap intervals"
    return page(f"{metric} across runs", body, meta=escape(meta))
