"""The human ceiling: one labeller scored against another with the reader's own scorer.

How far two careful people agree bounds what a reader's score against either can mean. The
second labelling is turned into a record, exactly as if a reader had written it, and scored
against the first with ``score_article``: every metric of ``stance eval`` gets its human
counterpart, defined the same way. Both directions are scored (B against A, A against B) and
averaged, since neither labeller is the truth. The figures are written to
``evals/gold/agreement.json``; ``stance eval`` prints each beside its metric.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stance.evaluation.article_scoring import score_article
from stance.evaluation.gold import GoldArticle
from stance.evaluation.metrics import count_matrix, micro
from stance.reading.assemble.relations import derive_relations
from stance.schema import (
    Actor,
    ActorKind,
    AlignmentStatus,
    Attribution,
    Claim,
    ClaimType,
    Extraction,
    PromptInfo,
    Provenance,
    Span,
    Stance,
)

__all__ = ["CEILING_FILE", "CEILING_METRICS", "as_record", "find_ceilings", "human_ceiling"]

CEILING_FILE = "agreement.json"
CEILING_METRICS = (
    "claim_f1",
    "attribution_f1",
    "type_accuracy",
    "hedging_accuracy",
    "denial_f1",
    "denial_link_accuracy",
    "stance_f1",
    "relation_f1",
)


def as_record(article: GoldArticle) -> Extraction:
    """A labelling as the record a reader would have written for the same article."""
    actors = [Actor(id=a.id, name=a.name, kind=a.kind) for a in article.actors]
    fallback = actors[0].id if actors else "unnamed"
    if not actors:
        actors = [Actor(id=fallback, name="unnamed source", kind=ActorKind.OTHER)]
    claims = [
        Claim(
            id=c.id,
            claimer=c.claimer or fallback,
            type=c.type or ClaimType.ASSERTION,
            attribution=c.attribution or Attribution.INDIRECT,
            quote=c.quote,
            span=Span(start=c.start, end=c.end),
            alignment=AlignmentStatus.EXACT,
            alignment_score=100.0,
            cue=c.cue,
            target=c.target,
            topic=c.topic,
            hedged=bool(c.hedged),
            denies=c.denies,
            target_actor=c.target_actor,
            segment=0,
        )
        for c in article.claims
    ]
    stances = [
        Stance(holder=s.holder, target=s.target, polarity=s.polarity, evidence=list(s.evidence))
        for s in article.stances
    ]
    provenance = Provenance(
        model="human",
        prompt=PromptInfo(name="labelling", version="0", hash=""),
        stance_version="labelling",
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    )
    return Extraction(
        article_id=article.id,
        text=article.text,
        actors=actors,
        claims=claims,
        stances=stances,
        relations=derive_relations(claims),
        provenance=provenance,
    )


def human_ceiling(pairs: Sequence[tuple[GoldArticle, GoldArticle]]) -> dict[str, float | None]:
    """Each metric of ``CEILING_METRICS``, B scored against A and A against B, averaged."""

    def both_ways(used: Sequence[tuple[GoldArticle, GoldArticle]]) -> tuple[Any, Any]:
        return (
            count_matrix([score_article(as_record(b), a).counts for a, b in used]),
            count_matrix([score_article(as_record(a), b).counts for a, b in used]),
        )

    # relations count only where both labellings name target actors: an older gold file
    # without them would score the other labeller's relations as all wrong
    every = both_ways(pairs)
    labelled = both_ways([(a, b) for a, b in pairs if _targets(a) and _targets(b)])
    out: dict[str, float | None] = {}
    for name in CEILING_METRICS:
        one_way, other_way = labelled if name.startswith("relation") else every
        values = [v for v in (micro(one_way, name), micro(other_way, name)) if v == v]
        out[name] = round(sum(values) / len(values), 4) if values else None
    return out


def _targets(article: GoldArticle) -> bool:
    return any(c.target_actor is not None for c in article.claims)


def find_ceilings(dataset: Path) -> dict[str, float]:
    """The ceilings of the gold root a dataset folder belongs to (its folder or a parent)."""
    for folder in (dataset, *dataset.parents[:2]):
        path = folder / CEILING_FILE
        if path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                return {}
            ceilings = raw.get("ceiling", {})
            return {k: float(v) for k, v in ceilings.items() if v is not None}
    return {}
