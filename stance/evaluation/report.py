"""The eval report: manifest, metrics with intervals, per-article rows and errors.

One JSON document per run (what `stance compare` and the CI gate read) and its Markdown and
terminal renderings. Per-article counters are stored so a later comparison can resample the
same articles for two runs (paired bootstrap) without re-scoring.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from stance.evaluation.metrics import BESIDE, HEADLINE
from stance.schema import PromptInfo, Usage

__all__ = [
    "CONVENTIONS",
    "PER_ARTICLE",
    "REPORT_VERSION",
    "ArticleResult",
    "ClaimOutcome",
    "ErrorEntry",
    "EvalReport",
    "Interval",
    "Manifest",
    "to_markdown",
    "to_terminal",
]

REPORT_VERSION = "1"
CONVENTIONS = (
    "Claims pair one-to-one by {rule_text} (greedy, best first); actors match by a "
    "{actor_text}; stances by holder, polarity and target similarity >= 60. "
    "F1 = 2TP/(predicted+gold), 1.0 when both are empty. Micro sums counts over articles; macro "
    "averages per-article F1. Intervals: 95% percentile bootstrap over articles, {resamples} "
    "resamples, seed {seed}. A failed article counts as an empty prediction."
)


class Interval(BaseModel):
    value: float | None
    low: float | None = None
    high: float | None = None

    def text(self, digits: int = 3) -> str:
        if self.value is None:
            return "n/a"
        if self.low is None or self.high is None:
            return f"{self.value:.{digits}f}"
        return f"{self.value:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"


class ErrorEntry(BaseModel):
    kind: str
    quote: str
    detail: str = ""


class ClaimOutcome(BaseModel):
    """One claim's fate under the scorer's pairing: a row per gold and per spurious claim.

    Stored so that a report can be analysed claim by claim (``stance export``) without the
    gold files or the predictions at hand. Reports written before this existed load with none.
    """

    status: Literal["matched", "missed", "spurious"]
    gold: int | None = Field(default=None, description="Index of the gold claim in its article")
    gold_id: str | None = None
    predicted: str | None = Field(default=None, description="Id of the predicted claim")
    right_claimer: bool | None = Field(default=None, description="Matched: claimers agree")
    right_type: bool | None = Field(
        default=None, description="Matched and the gold claim has a type: types agree"
    )
    gold_start: int | None = None
    gold_end: int | None = None
    predicted_start: int | None = None
    predicted_end: int | None = None


class ArticleResult(BaseModel):
    id: str
    counts: dict[str, int]
    metrics: dict[str, float | None]
    usage: Usage = Field(default_factory=Usage)
    errors: list[ErrorEntry] = Field(default_factory=list)
    failed: str | None = None
    claim_outcomes: list[ClaimOutcome] = Field(default_factory=list)


class Manifest(BaseModel):
    dataset: str
    dataset_path: str
    articles: int
    model: str
    endpoint: str | None = None
    prompt: PromptInfo | None = None
    schema_version: str
    stance_version: str
    git_commit: str | None = None
    git_dirty: bool | None = None
    created_at: datetime
    offline: bool = False
    temperature: float = 0.0  # sampling of the model calls (0: greedy)
    sampling_seed: int = 0  # the model's seed (a grid's repeat k uses k)
    iou_threshold: float
    match_rule: str = "iou"  # "overlap": the PolNeAR peers' rule (see article_scoring)
    resamples: int
    seed: int
    usage: Usage
    model_seconds_per_article: float
    tokens_per_article: float
    wall_seconds: float
    cost_usd: float | None = None
    conventions: str


class EvalReport(BaseModel):
    report: Literal["stance-eval"] = "stance-eval"
    version: str = REPORT_VERSION
    manifest: Manifest
    headline: list[str] = Field(default_factory=lambda: list(HEADLINE))
    metrics: dict[str, Interval]
    macro: dict[str, Interval] = Field(default_factory=dict)
    articles: list[ArticleResult]
    # what two people labelling the same articles reach on each metric (AGREEMENT.md)
    ceilings: dict[str, float] = Field(default_factory=dict)

    def value(self, name: str) -> float | None:
        interval = self.metrics.get(name)
        return None if interval is None else interval.value


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


PER_ARTICLE = (
    "claim_precision",
    "claim_recall",
    "claim_f1",
    "attribution_f1",
    "denial_f1",
    "denial_link_accuracy",
    "stance_f1",
)


def _beside(report: EvalReport) -> list[str]:
    """The metrics shown after the headline but never gated (``metrics.BESIDE``), where the
    run defines them: relation F1 needs articles labelled with target actors."""
    return [
        name for name in BESIDE if name not in report.headline and report.value(name) is not None
    ]


def to_markdown(report: EvalReport, max_errors: int = 12) -> str:
    """A human-readable report: manifest, headline table, per-article table, error listing."""
    m = report.manifest
    prompt = f"{m.prompt.name} v{m.prompt.version} ({m.prompt.hash[:12]})" if m.prompt else "–"
    lines = [
        f"# stance eval: {m.dataset} ({m.articles} articles)",
        "",
        f"- model: `{m.model}`" + (f" at {m.endpoint}" if m.endpoint else ""),
        f"- prompt: {prompt}; schema {m.schema_version}; stance {m.stance_version}",
        f"- git: {m.git_commit or 'unknown'}{' (dirty)' if m.git_dirty else ''}; "
        f"run {m.created_at.isoformat(timespec='seconds')}"
        + ("; offline replay" if m.offline else ""),
        f"- usage: {m.usage.calls} model calls, {m.usage.cached_calls} cached; "
        f"{m.usage.prompt_tokens:,} prompt + {m.usage.completion_tokens:,} completion tokens; "
        f"{m.tokens_per_article:,.0f} tokens and {m.model_seconds_per_article:.1f} model-seconds "
        f"per article; cost {'unknown' if m.cost_usd is None else f'${m.cost_usd:.4f}'}",
        f"- matching: {m.conventions}",
        "",
        "| metric | micro [95% CI] | macro [95% CI] |",
        "|---|---|---|",
    ]
    for name in [*report.headline, *_beside(report)]:
        micro = report.metrics.get(name)
        macro = report.macro.get(name)
        lines.append(
            f"| {name} | {micro.text() if micro else 'n/a'} | {macro.text() if macro else ''} |"
        )
    columns = [k for k in PER_ARTICLE if k in report.headline or k == "claim_f1"]
    lines += [
        "",
        "| article | gold | pred | " + " | ".join(columns) + " | model s | tokens |",
        "|---|---|---|" + "---|" * (len(columns) + 2),
    ]
    for a in report.articles:
        cells = " | ".join(_fmt(a.metrics.get(k)) for k in columns)
        name = a.id + (" (failed)" if a.failed else "")
        lines.append(
            f"| {name} | {a.counts.get('claim_gold', 0)} | "
            f"{a.counts.get('claim_pred', 0)} | {cells} | "
            f"{a.usage.model_seconds:.1f} | {a.usage.total_tokens:,} |"
        )
    lines += ["", "## Errors", ""]
    for a in report.articles:
        if not a.errors and not a.failed:
            continue
        lines.append(f"### {a.id}")
        if a.failed:
            lines.append(f"- **failed**: {a.failed}")
        for e in a.errors[:max_errors]:
            quote = e.quote if len(e.quote) <= 120 else e.quote[:117] + "..."
            lines.append(f"- {e.kind}: “{quote}”" + (f" ({e.detail})" if e.detail else ""))
        if len(a.errors) > max_errors:
            lines.append(f"- … {len(a.errors) - max_errors} more in the JSON report")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_terminal(report: EvalReport) -> str:
    """The headline block a user reads first: metric, micro value and interval."""
    m = report.manifest
    shown = [*report.headline, *_beside(report)]
    width = max(len(n) for n in shown)
    lines = [
        f"{m.dataset}: {m.articles} articles, model {m.model}, "
        f"prompt {m.prompt.name if m.prompt else '-'}"
    ]
    for name in shown:
        interval = report.metrics.get(name)
        people = report.ceilings.get(name)
        beside = f"  (labellers agree: {people:.2f})" if people is not None else ""
        lines.append(f"  {name:<{width}}  {interval.text() if interval else 'n/a'}{beside}")
    failed = sum(a.failed is not None for a in report.articles)
    lines.append(
        f"  {m.usage.calls} model calls, {m.usage.cached_calls} cached, "
        f"{m.model_seconds_per_article:.1f} model-s/article, "
        f"{m.tokens_per_article:,.0f} tokens/article, {failed} failed"
    )
    return "\n".join(lines)
