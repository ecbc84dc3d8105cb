"""The tables of a `stance extract` output: articles, actors, claims, stances, denial links,
relations (who accuses, denies and demands of whom: the actor network as an edge list).

One row per item, keyed by article id (and the item's own id), so the tables join the way
the records nest. A failed article (an error record) is a row of ``articles`` with its error,
never left out; quotes, source and cue texts are the article's characters at their offsets.
"""

from __future__ import annotations

from collections.abc import Sequence

from stance.analysis.table import Cell, Kind, Table, make_table
from stance.schema import Claim, ErrorRecord, Extraction, OutputRecord, Span

__all__ = [
    "ACTOR_COLUMNS",
    "ARTICLE_COLUMNS",
    "CLAIM_COLUMNS",
    "DENIAL_LINK_COLUMNS",
    "RELATION_COLUMNS",
    "STANCE_COLUMNS",
    "record_tables",
]

ARTICLE_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("title", "str"),
    ("source", "str"),
    ("status", "str"),  # ok | partial (a segment could not be read) | failed
    ("error_type", "str"),
    ("error", "str"),
    ("n_actors", "int"),
    ("n_claims", "int"),
    ("n_stances", "int"),
    ("n_rejected", "int"),
    ("n_segment_errors", "int"),
    ("model", "str"),
    ("endpoint", "str"),
    ("prompt_name", "str"),
    ("prompt_version", "str"),
    ("prompt_hash", "str"),
    ("prompt_tokens", "int"),
    ("completion_tokens", "int"),
    ("calls", "int"),
    ("cached_calls", "int"),
    ("model_seconds", "float"),
    ("latency_s", "float"),
    ("created_at", "str"),
)
ACTOR_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("actor_id", "str"),
    ("name", "str"),
    ("kind", "str"),
    ("role", "str"),
    ("affiliation", "str"),
    ("n_mentions", "int"),
)
CLAIM_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("claim_id", "str"),
    ("claimer_id", "str"),
    ("claimer_name", "str"),
    ("type", "str"),
    ("attribution", "str"),
    ("hedged", "bool"),
    ("quote", "str"),
    ("start", "int"),
    ("end", "int"),
    ("alignment", "str"),
    ("alignment_score", "float"),
    ("source_text", "str"),
    ("source_start", "int"),
    ("source_end", "int"),
    ("cue", "str"),
    ("cue_start", "int"),
    ("cue_end", "int"),
    ("proposition", "str"),
    ("target", "str"),
    ("topic", "str"),
    ("denies", "str"),
    ("target_actor_id", "str"),  # whom an accusation, denial or demand is aimed at
    ("segment", "int"),
)
STANCE_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("holder_id", "str"),
    ("holder_name", "str"),
    ("target", "str"),
    ("polarity", "str"),
    ("claim_ids", "str"),  # the evidence, space-separated
)
DENIAL_LINK_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("denial_id", "str"),
    ("denial_claimer_id", "str"),
    ("denial_claimer_name", "str"),
    ("denial_quote", "str"),
    ("denied_id", "str"),
    ("denied_claimer_id", "str"),
    ("denied_claimer_name", "str"),
    ("denied_quote", "str"),
)

RELATION_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("article_id", "str"),
    ("source_id", "str"),
    ("source_name", "str"),
    ("relation", "str"),  # accuses | denies | demands
    ("target_id", "str"),
    ("target_name", "str"),
    ("claim_ids", "str"),  # the evidence, space-separated
)


def record_tables(records: Sequence[OutputRecord]) -> dict[str, Table]:
    """The six tables of these records, in the order the records came."""
    articles: list[dict[str, Cell]] = []
    actors: list[dict[str, Cell]] = []
    claims: list[dict[str, Cell]] = []
    stances: list[dict[str, Cell]] = []
    links: list[dict[str, Cell]] = []
    relations: list[dict[str, Cell]] = []
    for record in records:
        if isinstance(record, ErrorRecord):
            articles.append(_failed_row(record))
            continue
        articles.append(_article_row(record))
        names = {a.id: a.name for a in record.actors}
        aid = record.article_id
        for a in record.actors:
            actors.append(
                {
                    "article_id": aid,
                    "actor_id": a.id,
                    "name": a.name,
                    "kind": a.kind.value,
                    "role": a.role,
                    "affiliation": a.affiliation,
                    "n_mentions": len(a.mentions),
                }
            )
        claims.extend(_claim_row(record, c, names.get(c.claimer)) for c in record.claims)
        for s in record.stances:
            stances.append(
                {
                    "article_id": aid,
                    "holder_id": s.holder,
                    "holder_name": names.get(s.holder),
                    "target": s.target,
                    "polarity": s.polarity.value,
                    "claim_ids": " ".join(s.evidence),
                }
            )
        links.extend(_denial_links(record, names))
        relations.extend(
            {
                "article_id": aid,
                "source_id": r.source,
                "source_name": names.get(r.source),
                "relation": r.relation.value,
                "target_id": r.target,
                "target_name": names.get(r.target),
                "claim_ids": " ".join(r.evidence),
            }
            for r in record.relations
        )
    return {
        "articles": make_table("articles", ARTICLE_COLUMNS, articles),
        "actors": make_table("actors", ACTOR_COLUMNS, actors),
        "claims": make_table("claims", CLAIM_COLUMNS, claims),
        "stances": make_table("stances", STANCE_COLUMNS, stances),
        "denial_links": make_table("denial_links", DENIAL_LINK_COLUMNS, links),
        "relations": make_table("relations", RELATION_COLUMNS, relations),
    }


def _article_row(record: Extraction) -> dict[str, Cell]:
    p = record.provenance
    errors = "; ".join(f"segment {e.segment}: {e.message}" for e in record.errors)
    return {
        "article_id": record.article_id,
        "title": record.title,
        "source": record.source,
        "status": "partial" if record.errors else "ok",
        "error_type": "SegmentError" if record.errors else None,
        "error": errors or None,
        "n_actors": len(record.actors),
        "n_claims": len(record.claims),
        "n_stances": len(record.stances),
        "n_rejected": len(record.rejected),
        "n_segment_errors": len(record.errors),
        "model": p.model,
        "endpoint": p.endpoint,
        "prompt_name": p.prompt.name,
        "prompt_version": p.prompt.version,
        "prompt_hash": p.prompt.hash,
        "prompt_tokens": p.usage.prompt_tokens,
        "completion_tokens": p.usage.completion_tokens,
        "calls": p.usage.calls,
        "cached_calls": p.usage.cached_calls,
        "model_seconds": p.usage.model_seconds,
        "latency_s": p.latency_s,
        "created_at": p.created_at.isoformat(),
    }


def _failed_row(record: ErrorRecord) -> dict[str, Cell]:
    row: dict[str, Cell] = dict.fromkeys(name for name, _ in ARTICLE_COLUMNS)
    row.update(
        {
            "article_id": record.article_id,
            "source": record.source,
            "status": "failed",
            "error_type": record.error_type,
            "error": record.message,
            "model": record.model,
            "prompt_name": record.prompt.name if record.prompt else None,
            "prompt_version": record.prompt.version if record.prompt else None,
            "prompt_hash": record.prompt.hash if record.prompt else None,
            "created_at": record.created_at.isoformat(),
        }
    )
    return row


def _cut(text: str, span: Span | None) -> tuple[str | None, int | None, int | None]:
    if span is None:
        return None, None, None
    return text[span.start : span.end], span.start, span.end


def _claim_row(record: Extraction, c: Claim, claimer_name: str | None) -> dict[str, Cell]:
    source_text, source_start, source_end = _cut(record.text, c.source_span)
    cue_text, cue_start, cue_end = _cut(record.text, c.cue_span)
    return {
        "article_id": record.article_id,
        "claim_id": c.id,
        "claimer_id": c.claimer,
        "claimer_name": claimer_name,
        "type": c.type.value,
        "attribution": c.attribution.value,
        "hedged": c.hedged,
        "quote": c.quote,
        "start": c.span.start,
        "end": c.span.end,
        "alignment": c.alignment.value,
        "alignment_score": c.alignment_score,
        "source_text": source_text,
        "source_start": source_start,
        "source_end": source_end,
        "cue": cue_text if cue_text is not None else (c.cue or None),
        "cue_start": cue_start,
        "cue_end": cue_end,
        "proposition": c.proposition or None,
        "target": c.target or None,
        "topic": c.topic or None,
        "denies": c.denies,
        "target_actor_id": c.target_actor,
        "segment": c.segment,
    }


def _denial_links(record: Extraction, names: dict[str, str]) -> list[dict[str, Cell]]:
    """A row per claim that names the claim it rejects; a dangling id keeps its row."""
    by_id = {c.id: c for c in record.claims}
    rows: list[dict[str, Cell]] = []
    for c in record.claims:
        if c.denies is None:
            continue
        denied = by_id.get(c.denies)
        rows.append(
            {
                "article_id": record.article_id,
                "denial_id": c.id,
                "denial_claimer_id": c.claimer,
                "denial_claimer_name": names.get(c.claimer),
                "denial_quote": c.quote,
                "denied_id": c.denies,
                "denied_claimer_id": denied.claimer if denied else None,
                "denied_claimer_name": names.get(denied.claimer) if denied else None,
                "denied_quote": denied.quote if denied else None,
            }
        )
    return rows
