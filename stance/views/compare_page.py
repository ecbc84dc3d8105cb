"""The comparison of eval runs as one HTML page: did the change help, and where?

Built from the report JSONs alone (`stance compare --html`): each metric per run with its
interval, the paired differences from `compare()` with raw and Holm-adjusted p, d_z and the
smallest detectable difference, a per-article scatter of the first run
against each other run, and the articles that moved most, with both runs' error listings side
by side so a reviewer can read what was fixed and what broke.
"""

from __future__ import annotations

import math

from stance.evaluation.compare import WIN_METRIC, Comparison
from stance.evaluation.compare_tables import detectable_sentence, holm_line
from stance.evaluation.report import ArticleResult, ErrorEntry
from stance.views.html_page import escape, page
from stance.views.plots import ScatterPoint, interval_chart, scatter
from stance.views.report_page import anchor, estimate, fmt

__all__ = [
    "ARTICLE_ROWS",
    "CSS",
    "MOST_CHANGED",
    "changed_section",
    "changed_table",
    "compare_page",
    "differences_table",
    "most_changed",
    "runs_table",
    "scatters",
]

MOST_CHANGED = 10
ARTICLE_ROWS = ("claim_f1", "attribution_f1", "denial_f1", "stance_f1", "claim_precision",
                "claim_recall")  # fmt: skip

CSS = """
main section { margin:0 0 28px; }
h2 { font-size:18px; margin:20px 0 8px; }
.plots { display:flex; flex-wrap:wrap; gap:16px; align-items:flex-start; }
.plots figure svg { max-width:520px; }
.runs { display:grid; gap:16px; }
.run h3 { margin:4px 0; font-size:14px; }
section.changed { border-top:2px solid var(--line); padding-top:4px; }
section.changed:target { border-top-color:var(--accent); }
td.up { color:var(--good); } td.down { color:var(--bad); }
ul.errors { margin:6px 0; padding-left:20px; font-size:14px; }
ul.errors li.only { background:#fff4d6; }
ul.errors .kind { font-weight:600; }
.sig { font-weight:600; }
"""


def _signed(x: float | None) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:+.3f}"


def _p(p: float, resamples: int) -> str:
    if math.isnan(p):
        return "n/a"
    floor = 1.0 / resamples
    return f"<{floor:.3f}" if p < floor else f"{p:.3f}"


def _direction(delta: float | None) -> str:
    if delta is None or abs(delta) < 1e-9:
        return ""
    return "up" if delta > 0 else "down"


def runs_table(c: Comparison) -> str:
    rows = []
    for name, r in zip(c.names, c.reports, strict=True):
        m = r.manifest
        prompt = f"{m.prompt.name} v{m.prompt.version} · {m.prompt.hash[:8]}" if m.prompt else "–"
        cost = "unknown" if m.cost_usd is None else f"${m.cost_usd:.4f}"
        rows.append(
            f"<tr><td>{escape(name)}</td><td>{escape(m.model)}</td><td>{escape(prompt)}</td>"
            f"<td>{escape(m.created_at.date().isoformat())}</td>"
            f'<td class="num">{m.tokens_per_article:,.0f}</td>'
            f'<td class="num">{m.model_seconds_per_article:.1f}</td>'
            f'<td class="num">{escape(cost)}</td></tr>'
        )
    return (
        "<table><tr><th>run</th><th>model</th><th>prompt</th><th>date</th>"
        '<th class="num">tokens/article</th><th class="num">model-s/article</th>'
        '<th class="num">cost</th></tr>' + "".join(rows) + "</table>"
    )


def _effect(c: Comparison, key: tuple[int, str]) -> str:
    e = c.effects[key]
    if math.isnan(e.d_z):
        return "–"
    low, high = ("–" if math.isnan(x) else f"{x:+.2f}" for x in (e.low, e.high))
    return f"{e.d_z:+.2f} [{low}, {high}]"


def _spread(c: Comparison) -> str:
    """Run-to-run SD of each metric, for the runs given as 2 or more repeats."""
    runs = [k for k, n in enumerate(c.repeats) if n >= 2]
    if not runs:
        return ""
    head = "".join(f'<th class="num">{escape(c.names[k])} ({c.repeats[k]} repeats)</th>'
                   for k in runs)  # fmt: skip
    rows = "".join(
        f"<tr><td>{escape(m)}</td>"
        + "".join(f'<td class="num">{fmt(c.spread[(k, m)], 3)}</td>' for k in runs)
        + "</tr>"
        for m in c.metrics
    )
    return (
        f'<table id="spread"><tr><th>run-to-run SD</th>{head}</tr>{rows}</table>'
        '<p class="muted">SD over the repeats of each run-level metric; the values above are '
        "micro over articles × repeats.</p>"
    )


def differences_table(c: Comparison) -> str:
    head = "".join(f'<th class="num">{escape(n)} [95% CI]</th>' for n in c.names)
    head += "".join(
        f'<th class="num">{escape(c.names[k])} − {escape(c.names[0])} [95% CI]</th>'
        '<th class="num">p</th><th class="num">p adj</th><th class="num">d_z [95% CI]</th>'
        '<th class="num">MDD</th><th class="num">n</th>'
        for k in range(1, len(c.names))
    )
    rows = []
    for metric in c.metrics:
        cells = "".join(
            f'<td class="num">{escape(v.text() if v else "n/a")}</td>'
            for v in (c.value(k, metric) for k in range(len(c.names)))
        )
        for k in range(1, len(c.reports)):
            key = (k, metric)
            d, adjusted = c.differences[key], c.adjusted[key]
            sig = ' class="num sig"' if adjusted == adjusted and adjusted < 0.05 else ' class="num"'
            cells += (
                f'<td class="num {_direction(d.value)}">{_signed(d.value)} '
                f"[{_signed(d.low)}, {_signed(d.high)}]</td>"
                f'<td class="num">{_p(d.p_value, c.resamples)}</td>'
                f"<td{sig}>{fmt(adjusted, 3)}</td>"
                f'<td class="num">{_effect(c, key)}</td>'
                f'<td class="num">{fmt(c.detectable[key], 3)}</td>'
                f'<td class="num">{c.effects[key].n}</td>'
            )
        rows.append(f"<tr><td>{escape(metric)}</td>{cells}</tr>")
    wins = "".join(
        f"<li>{escape(c.names[k])}: better on {b}, worse on {w}, tied on {t}"
        + (f"; {escape(s)}" if (s := detectable_sentence(c, k)) else "")
        + "</li>"
        for k, (b, w, t) in c.wins.items()
    )
    return (
        f'<table id="differences"><tr><th>metric</th>{head}</tr>{"".join(rows)}</table>'
        f"<p>{escape(holm_line(c))}</p>"
        f'<p class="muted">Δ = run − {escape(c.names[0])} (micro); paired bootstrap over the '
        f"{len(c.shared)} shared articles, {c.resamples} resamples; bold: p adj &lt; 0.05. "
        "d_z = mean / SD of the per-article differences on the n articles where both runs "
        "are defined; MDD = the smallest difference a paired test on those n articles "
        "detects with 80% power at alpha 0.05.</p>"
        f"<p>Per-article {escape(WIN_METRIC)} against {escape(c.names[0])}:</p><ul>{wins}</ul>"
        f"{_spread(c)}"
    )


def _per_article(c: Comparison) -> list[dict[str, ArticleResult]]:
    return [{a.id: a for a in r.articles} for r in c.reports]


def _value(a: ArticleResult, metric: str) -> float:
    """A per-article score; an undefined one counts as 0, as compare()'s win count does."""
    return a.metrics.get(metric) or 0.0


def most_changed(c: Comparison, metric: str = WIN_METRIC) -> list[tuple[str, float]]:
    """Shared articles whose score moved, largest |Δ| against the first run first."""
    runs = _per_article(c)
    moved = []
    for article in c.shared:
        first = _value(runs[0][article], metric)
        delta = max((_value(r[article], metric) - first for r in runs[1:]), key=abs, default=0.0)
        if abs(delta) > 1e-9:
            moved.append((article, delta))
    moved.sort(key=lambda x: (-abs(x[1]), x[0]))
    return moved[:MOST_CHANGED]


def scatters(c: Comparison, metric: str, changed: set[str]) -> str:
    runs = _per_article(c)
    figures = []
    for k in range(1, len(c.reports)):
        points = []
        for a in c.shared:
            x, y = _value(runs[0][a], metric), _value(runs[k][a], metric)
            points.append(ScatterPoint(a, x, y, a in changed and abs(y - x) > 1e-9))
        svg = scatter(points, xlabel=f"{c.names[0]} {metric}",
                      ylabel=f"{c.names[k]} {metric}", salt=f"compare-scatter-{k}")  # fmt: skip
        figures.append(
            f'<figure class="chart">{svg}<figcaption class="muted">Each dot is an article '
            f"(hover for its name); above the diagonal {escape(c.names[k])} did better."
            "</figcaption></figure>"
        )
    return f'<div class="plots">{"".join(figures)}</div>'


def changed_table(c: Comparison, moved: list[tuple[str, float]], metric: str) -> str:
    runs = _per_article(c)
    head = "".join(f'<th class="num">{escape(n)}</th>' for n in c.names)
    head += "".join(f'<th class="num">Δ {escape(n)}</th>' for n in c.names[1:])
    rows = []
    for article, _ in moved:
        first = _value(runs[0][article], metric)
        cells = "".join(f'<td class="num">{fmt(r[article].metrics.get(metric))}</td>' for r in runs)
        for r in runs[1:]:
            delta = _value(r[article], metric) - first
            cells += f'<td class="num {_direction(delta)}">{_signed(delta)}</td>'
        link = f'<a href="#{anchor("changed", article)}">{escape(article)}</a>'
        rows.append(f"<tr><td>{link}</td>{cells}</tr>")
    if not rows:
        return f'<p class="muted">No article changed its {escape(metric)}.</p>'
    return (
        f'<table id="most-changed"><tr><th>article</th>{head}</tr>{"".join(rows)}</table>'
        f'<p class="muted">Largest |Δ| against {escape(c.names[0])} first; an undefined '
        "score counts as 0.</p>"
    )


def _errors(errors: list[ErrorEntry], others: list[set[tuple[str, str]]]) -> str:
    """Errors of one run; those no other run made are marked (fixed or new elsewhere)."""
    if not errors:
        return '<p class="muted">No errors.</p>'
    items = []
    for e in sorted(errors, key=lambda e: e.kind):
        only = ' class="only"' if all((e.kind, e.quote) not in o for o in others) else ""
        items.append(
            f'<li{only}><span class="kind">{escape(e.kind)}</span>: '
            f"“{escape(e.quote)}”"
            + (f' <span class="muted">({escape(e.detail)})</span>' if e.detail else "")
            + "</li>"
        )
    return f'<ul class="errors">{"".join(items)}</ul>'


def changed_section(c: Comparison, article: str) -> str:
    results = [{a.id: a for a in r.articles}[article] for r in c.reports]
    keys = [{(e.kind, e.quote) for e in a.errors} for a in results]
    columns = []
    for k, (name, a) in enumerate(zip(c.names, results, strict=True)):
        rows = "".join(
            f'<tr><td>{escape(m)}</td><td class="num">{fmt(a.metrics.get(m))}</td></tr>'
            for m in ARTICLE_ROWS
        )
        counts = f"{a.counts.get('claim_gold', 0)} gold, {a.counts.get('claim_pred', 0)} predicted"
        failed = f'<p class="failed">failed: {escape(a.failed)}</p>' if a.failed else ""
        columns.append(
            f'<div class="run"><h3>{escape(name)}</h3><p class="muted">{counts} claims</p>'
            f"{failed}<table>{rows}</table>"
            f"<h3>Errors ({len(a.errors)})</h3>"
            f"{_errors(a.errors, keys[:k] + keys[k + 1 :])}</div>"
        )
    return (
        f'<section class="changed" id="{anchor("changed", article)}">'
        f'<h2>{escape(article)} <a class="muted" href="#most-changed">↑</a></h2>'
        '<p class="muted">Highlighted errors were made by this run only.</p>'
        f'<div class="runs" style="grid-template-columns: repeat({len(columns)}, 1fr)">'
        f"{''.join(columns)}</div></section>"
    )


def compare_page(c: Comparison, metric: str = WIN_METRIC) -> str:
    """The whole comparison page; the first run is the reference every Δ is taken against."""
    chart = interval_chart(
        c.metrics,
        {n: [estimate(c.value(k, m)) for m in c.metrics] for k, n in enumerate(c.names)},
        salt="compare-metrics",
    )
    moved = most_changed(c, metric)
    body = (
        f"<main><section><h2>Runs</h2>{runs_table(c)}</section>"
        f'<section><h2>Metrics</h2><figure class="chart">{chart}</figure>'
        f"{differences_table(c)}</section>"
        f'<section id="per-article"><h2>Per article: {escape(metric)}</h2>'
        f"{scatters(c, metric, {a for a, _ in moved})}</section>"
        f"<section><h2>Most changed articles ({escape(metric)})</h2>"
        f"{changed_table(c, moved, metric)}</section>"
        + "".join(changed_section(c, a) for a, _ in moved)
        + "</main>"
    )
    meta = escape(f"{' vs '.join(c.names)} · {len(c.shared)} shared articles")
    return page(f"stance compare: {' vs '.join(c.names)}", body, css=CSS, meta=meta)
