"""The tables of a `stance eval` report: ``articles`` (per-article metrics and counters) and
``matches`` (each claim's outcome under the scorer's pairing).

Both come from the report JSON alone, so an old run can be analysed without its gold files or
predictions. Reports written before claim outcomes existed give an empty ``matches``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from stance.analysis.table import Cell, Kind, Table, make_table
from stance.evaluation.report import EvalReport

__all__ = ["MATCH_COLUMNS", "report_tables"]

MATCH_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("status", "str"),  # matched | missed | spurious
    ("gold_index", "int"),
    ("gold_claim_id", "str"),
    ("predicted_claim_id", "str"),
    ("right_claimer", "bool"),
    ("right_type", "bool"),
    ("gold_start", "int"),
    ("gold_end", "int"),
    ("predicted_start", "int"),
    ("predicted_end", "int"),
)


def report_tables(report: EvalReport) -> dict[str, Table]:
    """``articles`` (a row per scored article, failed ones included) and ``matches``."""
    metric_names = _union(a.metrics for a in report.articles)
    count_names = _union(a.counts for a in report.articles)
    columns: list[tuple[str, Kind]] = [
        ("article_id", "str"),
        ("status", "str"),  # ok | failed (scored as an empty prediction)
        ("error", "str"),
        ("dataset", "str"),
        ("model", "str"),
        *((name, "float") for name in metric_names),
        *((name, "int") for name in count_names),
        ("n_errors", "int"),
        ("prompt_tokens", "int"),
        ("completion_tokens", "int"),
        ("calls", "int"),
        ("model_seconds", "float"),
    ]
    m = report.manifest
    articles: list[dict[str, Cell]] = []
    matches: list[dict[str, Cell]] = []
    for a in report.articles:
        row: dict[str, Cell] = {
            "article_id": a.id,
            "status": "failed" if a.failed else "ok",
            "error": a.failed,
            "dataset": m.dataset,
            "model": m.model,
        }
        row.update({name: a.metrics.get(name) for name in metric_names})
        row.update({name: a.counts.get(name) for name in count_names})
        row.update(
            {
                "n_errors": len(a.errors),
                "prompt_tokens": a.usage.prompt_tokens,
                "completion_tokens": a.usage.completion_tokens,
                "calls": a.usage.calls,
                "model_seconds": a.usage.model_seconds,
            }
        )
        articles.append(row)
        for o in a.claim_outcomes:
            matches.append(
                {
                    "article_id": a.id,
                    "status": o.status,
                    "gold_index": o.gold,
                    "gold_claim_id": o.gold_id,
                    "predicted_claim_id": o.predicted,
                    "right_claimer": o.right_claimer,
                    "right_type": o.right_type,
                    "gold_start": o.gold_start,
                    "gold_end": o.gold_end,
                    "predicted_start": o.predicted_start,
                    "predicted_end": o.predicted_end,
                }
            )
    return {
        "articles": make_table("articles", columns, articles),
        "matches": make_table("matches", MATCH_COLUMNS, matches),
    }


def _union(keyed: Iterable[Mapping[str, object]]) -> list[str]:
    """Keys in order of first appearance across the articles."""
    seen: dict[str, None] = {}
    for mapping in keyed:
        seen.update(dict.fromkeys(mapping))
    return list(seen)
