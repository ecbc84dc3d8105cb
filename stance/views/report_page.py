"""The eval report as one HTML page: what ran, how well, and where each article went wrong.

Written by `stance eval --html` while the gold articles and the predictions are in memory:
each article is shown twice, gold spans on the left and predicted spans on the right, coloured
by the same claim pairing the scorer counted (`scoring.match_claims`), so what the page shows
is exactly what the metrics measured.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stance.evaluation.article_scoring import MatchRule, match_claims
from stance.evaluation.gold import GoldArticle
from stance.evaluation.report import ArticleResult, ErrorEntry, EvalReport, Interval, Manifest
from stance.schema import Extraction, OutputRecord
from stance.views.html_page import escape, page
from stance.views.plots import Estimate, interval_chart

__all__ = [
    "ARTICLE_COLUMNS",
    "CSS",
    "LEGEND",
    "SCRIPT",
    "Mark",
    "anchor",
    "article_section",
    "article_table",
    "claim_marks",
    "error_list",
    "estimate",
    "eval_page",
    "fmt",
    "headline",
    "highlight",
    "manifest_table",
]

ARTICLE_COLUMNS = ("claim_f1", "attribution_f1", "denial_f1")

CSS = """
main section { margin: 0 0 28px; }
h2 { font-size:18px; margin:20px 0 8px; }
table.manifest th { width: 12em; background:none; color:var(--muted); font-weight:normal; }
.sides { display:grid; grid-template-columns: 1fr 1fr; gap:16px; }
.side h3 { margin:4px 0; font-size:14px; }
.text { white-space:pre-wrap; background:#fff; border:1px solid var(--line); padding:10px 12px;
  font-size:14px; line-height:1.6; }
mark.hl, span.hl { color:inherit; padding:1px 0; border-radius:2px; }
.hl.match { background:#d4edda; }
.hl.fn { background:#ffe0a3; box-shadow: inset 0 -2px 0 var(--warn); }
.hl.fp { background:#f9d2d6; box-shadow: inset 0 -2px 0 var(--bad); }
.hl.wrong { text-decoration: underline wavy var(--bad); text-decoration-thickness:1.5px; }
.hl.overlap { outline:1px dotted var(--muted); }
mark.focus { outline:2px solid var(--accent); }
.legend span.hl { padding:1px 6px; margin-right:10px; font-size:13px; }
section.article { border-top:2px solid var(--line); padding-top:4px; }
section.article:target { border-top-color: var(--accent); }
ul.errors { margin:6px 0; padding-left:20px; font-size:14px; }
ul.errors .kind { font-weight:600; }
.failed { color:var(--bad); }
"""

# Hovering a span outlines its partner on the other side of the same article.
SCRIPT = """
document.querySelectorAll("section.article").forEach(function (section) {
  function partners(mark) {
    var key = mark.getAttribute("data-pair");
    return key ? section.querySelectorAll('mark[data-key="' + key + '"]') : [];
  }
  section.addEventListener("mouseover", function (e) {
    var mark = e.target.closest("mark[data-pair]");
    if (mark) partners(mark).forEach(function (m) { m.classList.add("focus"); });
  });
  section.addEventListener("mouseout", function (e) {
    var mark = e.target.closest("mark[data-pair]");
    if (mark) partners(mark).forEach(function (m) { m.classList.remove("focus"); });
  });
});
"""


def anchor(prefix: str, key: str) -> str:
    """A stable, URL-safe element id for an article id of any spelling."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "x"
    if slug != key:
        slug += "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}-{slug}"


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def estimate(interval: Interval | None) -> Estimate:
    if interval is None:
        return Estimate(None)
    return Estimate(interval.value, interval.low, interval.high)


@dataclass
class Mark:
    """One claim's span(s) in the text, with how it was scored."""

    parts: list[tuple[int, int]]
    cls: str  # "match", "match wrong", "fn" or "fp"
    title: str
    key: str
    pair: str | None = None

    @property
    def size(self) -> int:
        return sum(e - s for s, e in self.parts)


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """The text with each mark wrapped in <mark>; where marks overlap, the innermost styles
    the characters and every covering claim is named in the tooltip."""
    cuts = {0, len(text)}
    for m in marks:
        for s, e in m.parts:
            cuts.update((max(0, min(s, len(text))), max(0, min(e, len(text)))))
    edges = sorted(cuts)
    out: list[str] = []
    for a, b in itertools.pairwise(edges):
        piece = escape(text[a:b])
        over = [m for m in marks if any(s <= a and b <= e for s, e in m.parts)]
        if not over:
            out.append(piece)
            continue
        top = min(over, key=lambda m: (m.size, m.key))
        cls = f"hl {top.cls}" + (" overlap" if len(over) > 1 else "")
        title = "\n".join(m.title for m in sorted(over, key=lambda m: m.size))
        pair = f' data-pair="{escape(top.pair)}"' if top.pair else ""
        out.append(
            f'<mark class="{cls}" data-key="{escape(top.key)}"{pair} '
            f'title="{escape(title)}">{piece}</mark>'
        )
    return "".join(out)


def claim_marks(
    gold: GoldArticle, extraction: Extraction | None, iou: float, rule: MatchRule = "iou"
) -> tuple[list[Mark], list[Mark]]:
    """Gold and predicted marks, classed by the scorer's own pairing."""
    pairs, right = ({}, {}) if extraction is None else _pairing(extraction, gold, iou, rule)
    gold_to_pred = {j: i for i, j in pairs.items()}
    gold_marks = []
    for j, g in enumerate(gold.claims):
        who = gold.actor(g.claimer)
        name = who.name if who else "unnamed source"
        kind = g.type.value if g.type else "claim"
        found = gold_to_pred.get(j)
        if found is None:
            cls, fate, pair = "fn", "missed: false negative", None
        else:
            cls = "match" if right[found] else "match wrong"
            fate = f"found as predicted {_pred_id(extraction, found)}"
            if not right[found] and extraction is not None:
                said = _actor_name(extraction, extraction.claims[found].claimer)
                fate += f", but attributed to {said}"
            pair = f"p{found}"
        title = f"gold {g.id} · {name} · {kind} · {fate}"
        gold_marks.append(Mark(g.parts or [(g.start, g.end)], cls, title, f"g{j}", pair))
    pred_marks = []
    for i, c in enumerate(extraction.claims if extraction else []):
        assert extraction is not None
        name = _actor_name(extraction, c.claimer)
        paired = pairs.get(i)
        if paired is None:
            cls, fate, pair = "fp", "unmatched: false positive", None
        else:
            cls = "match" if right[i] else "match wrong"
            fate = f"matches gold {gold.claims[paired].id}"
            if not right[i]:
                gold_who = gold.actor(gold.claims[paired].claimer)
                fate += f", but gold says {gold_who.name if gold_who else 'unnamed source'}"
            pair = f"g{paired}"
        title = f"predicted {c.id} · {name} · {c.type.value} · {fate}"
        pred_marks.append(Mark([(c.span.start, c.span.end)], cls, title, f"p{i}", pair))
    return gold_marks, pred_marks


def _rule(name: str) -> MatchRule:
    return "overlap" if name == "overlap" else "iou"


def _pairing(
    extraction: Extraction, gold: GoldArticle, iou: float, rule: MatchRule = "iou"
) -> tuple[dict[int, int], dict[int, bool]]:
    match = match_claims(extraction, gold, iou, rule)
    return match.pairs, match.right_claimer


def _pred_id(extraction: Extraction | None, i: int) -> str:
    return extraction.claims[i].id if extraction else str(i)


def _actor_name(extraction: Extraction, actor_id: str) -> str:
    try:
        return extraction.actor(actor_id).name
    except KeyError:
        return actor_id


def manifest_table(m: Manifest) -> str:
    prompt = f"{m.prompt.name} v{m.prompt.version} · {m.prompt.hash[:12]}" if m.prompt else "–"
    u = m.usage
    replay = " · offline replay of recorded responses" if m.offline else ""
    rows = [
        ("dataset", f"{m.dataset} ({m.articles} articles) · {m.dataset_path}"),
        ("model", m.model + (f" at {m.endpoint}" if m.endpoint else "")),
        ("prompt", prompt),
        ("date", m.created_at.isoformat(timespec="seconds") + replay),
        ("code", f"stance {m.stance_version}, schema {m.schema_version}, git "
                 f"{(m.git_commit or 'unknown')[:12]}{' (dirty)' if m.git_dirty else ''}"),
        ("tokens", f"{u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion "
                   f"({m.tokens_per_article:,.0f} per article); {u.calls} calls, "
                   f"{u.cached_calls} cached"),
        ("model time", f"{u.model_seconds:,.1f} s ({m.model_seconds_per_article:.1f} s per "
                       f"article); wall {m.wall_seconds:,.1f} s"),
        ("cost", "unknown" if m.cost_usd is None else f"${m.cost_usd:.4f}"),
        ("matching", m.conventions),
    ]  # fmt: skip
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="manifest">{body}</table>'


def headline(report: EvalReport) -> str:
    names = list(report.headline)
    chart = interval_chart(
        names, {"micro": [estimate(report.metrics.get(n)) for n in names]}, salt="eval-headline"
    )
    rows = []
    for n in names:
        micro = report.metrics.get(n) or Interval(value=None)
        macro = report.macro.get(n)
        rows.append(
            f'<tr><td>{escape(n)}</td><td class="num">{fmt(micro.value)}</td>'
            f'<td class="num">{fmt(micro.low)} – {fmt(micro.high)}</td>'
            f'<td class="num">{escape(macro.text()) if macro else ""}</td></tr>'
        )
    table = (
        '<table class="headline"><tr><th>metric</th><th class="num">micro</th>'
        '<th class="num">95% CI</th><th class="num">macro [95% CI]</th></tr>'
        + "".join(rows)
        + "</table>"
    )
    return f'<figure class="chart">{chart}</figure>{table}'


def article_table(report: EvalReport) -> str:
    head = "".join(f'<th class="num">{escape(c)}</th>' for c in ARTICLE_COLUMNS)
    rows = []
    for a in report.articles:
        cells = "".join(f'<td class="num">{fmt(a.metrics.get(c))}</td>' for c in ARTICLE_COLUMNS)
        failed = ' <span class="failed">failed</span>' if a.failed else ""
        rows.append(
            f'<tr><td><a href="#{anchor("article", a.id)}">{escape(a.id)}</a>{failed}</td>'
            f'<td class="num">{a.counts.get("claim_gold", 0)}</td>'
            f'<td class="num">{a.counts.get("claim_pred", 0)}</td>{cells}'
            f'<td class="num">{a.usage.model_seconds:.1f}</td>'
            f'<td class="num">{a.usage.total_tokens:,}</td>'
            f'<td class="num">{len(a.errors)}</td></tr>'
        )
    return (
        '<table id="articles"><tr><th>article</th><th class="num">gold</th>'
        f'<th class="num">pred</th>{head}<th class="num">model s</th>'
        '<th class="num">tokens</th><th class="num">errors</th></tr>' + "".join(rows) + "</table>"
    )


def error_list(errors: Sequence[ErrorEntry]) -> str:
    if not errors:
        return '<p class="muted">No errors.</p>'
    items = "".join(
        f'<li><span class="kind">{escape(e.kind)}</span>: “{escape(e.quote)}”'
        + (f' <span class="muted">({escape(e.detail)})</span>' if e.detail else "")
        + "</li>"
        for e in errors
    )
    return f'<ul class="errors">{items}</ul>'


LEGEND = (
    '<p class="legend"><span class="hl match">matched</span>'
    '<span class="hl match wrong">matched, wrong claimer</span>'
    '<span class="hl fn">false negative: gold, not found</span>'
    '<span class="hl fp">false positive: predicted, unmatched</span></p>'
)


def article_section(
    result: ArticleResult,
    gold: GoldArticle,
    record: OutputRecord | None,
    iou: float,
    rule: MatchRule = "iou",
) -> str:
    """Gold and predicted spans side by side over the same text, then the error listing."""
    extraction = record if isinstance(record, Extraction) and result.failed is None else None
    gold_marks, pred_marks = claim_marks(gold, extraction, iou, rule)
    summary = f"{len(gold.claims)} gold claims, {len(pred_marks)} predicted · " + " · ".join(
        f"{c} {fmt(result.metrics.get(c))}" for c in ARTICLE_COLUMNS
    )
    failed = (
        f'<p class="failed">failed: {escape(result.failed)} (scored as an empty prediction)</p>'
        if result.failed
        else ""
    )
    title = f'<p class="muted">{escape(gold.title)}</p>' if gold.title else ""
    return (
        f'<section class="article" id="{anchor("article", result.id)}">'
        f'<h2>{escape(result.id)} <a class="muted" href="#articles">↑</a></h2>{title}'
        f'<p class="muted">{escape(summary)}</p>{failed}{LEGEND}'
        '<div class="sides">'
        f'<div class="side gold"><h3>Gold</h3><div class="text">'
        f"{highlight(gold.text, gold_marks)}</div></div>"
        f'<div class="side pred"><h3>Predicted</h3><div class="text">'
        f"{highlight(gold.text, pred_marks)}</div></div></div>"
        f"<h3>Errors ({len(result.errors)})</h3>{error_list(result.errors)}</section>"
    )


def eval_page(
    report: EvalReport, gold: Sequence[GoldArticle], records: Mapping[str, OutputRecord]
) -> str:
    """The whole report page; `gold` and `records` are what the report was scored from."""
    m = report.manifest
    by_id = {g.id: g for g in gold}
    sections = "".join(
        article_section(a, by_id[a.id], records.get(a.id), m.iou_threshold, _rule(m.match_rule))
        for a in report.articles
        if a.id in by_id
    )
    body = (
        f"<main><section><h2>Run</h2>{manifest_table(m)}</section>"
        f"<section><h2>Headline metrics</h2>{headline(report)}</section>"
        f"<section><h2>Articles</h2>{article_table(report)}</section>"
        f"{sections}</main>"
    )
    meta = escape(
        f"{m.model} · prompt {m.prompt.name if m.prompt else '–'} · "
        f"{m.created_at.isoformat(timespec='seconds')}"
    )
    return page(
        f"stance eval: {m.dataset} ({m.articles} articles)", body, css=CSS, script=SCRIPT, meta=meta
    )
