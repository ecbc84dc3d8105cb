"""Score the actor-to-actor table (who accuses, denies and demands of whom) against the
labelled target actors.

Gold relations come from gold claims that carry a ``target_actor`` label: an accusation,
denial or demand whose label names an actor gives the row (claimer, relation, target); rows
are unique per triple, as in the record's table. Only articles whose labellers wrote that
field count (``LABELLING.md``: on every accusation, denial and demand, null allowed): an
article labelled before the field existed says nothing about relations, so its counters
stay zero and ``relation_labelled`` marks it out of scope (the metric is undefined on a set
with no such article, never a perfect 1.0 for want of labels).

A predicted relation matches a gold one when the relation is the same and both its source
and its target are the gold ones under the scorer's own actor rule (``same_actor``); pairs
are one-to-one, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from stance.evaluation.gold import GoldArticle
from stance.schema import RELATION_OF, Extraction, Relation, RelationType

__all__ = ["RelationScore", "gold_relations", "labelled", "score_relations"]

SameActor = Callable[[str, str | None], bool]
Triple = tuple[str, RelationType, str]  # source actor id, relation, target actor id


@dataclass
class RelationScore:
    """Counters (``relation_tp``, ``_pred``, ``_gold``, ``relation_labelled``) and the
    missed and spurious rows as (kind, quote, detail) for the error listing."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)


def labelled(gold: GoldArticle) -> bool:
    """Whether the article's labellers wrote target actors: a claim carries the field,
    even as null (an unlabelled article leaves it out everywhere)."""
    return any("target_actor" in c.model_fields_set for c in gold.claims)


def gold_relations(gold: GoldArticle) -> dict[Triple, str]:
    """Each (claimer, relation, target) of a labelled accusation, denial or demand aimed at
    another actor, once, in text order, with the words of its first claim."""
    rows: dict[Triple, str] = {}
    for claim in sorted(gold.claims, key=lambda c: c.start):
        relation = RELATION_OF.get(claim.type) if claim.type is not None else None
        source, target = claim.claimer, claim.target_actor
        if relation is None or source is None or target is None or target == source:
            continue
        rows.setdefault((source, relation, target), claim.quote)
    return rows


def score_relations(extraction: Extraction, gold: GoldArticle, same: SameActor) -> RelationScore:
    """Count matched, predicted and gold relations of one article (all zero when its gold
    has no target-actor labels)."""
    score = RelationScore(
        {"relation_tp": 0, "relation_pred": 0, "relation_gold": 0, "relation_labelled": 0}
    )
    if not labelled(gold):
        return score
    expected = gold_relations(gold)
    triples = list(expected)
    taken: set[int] = set()
    for row in extraction.relations:
        j = next(
            (
                j
                for j, (source, relation, target) in enumerate(triples)
                if j not in taken
                and row.relation is relation
                and same(row.source, source)
                and same(row.target, target)
            ),
            None,
        )
        if j is None:
            score.errors.append(
                ("spurious relation", _quote(extraction, row), _said(extraction, row))
            )
        else:
            taken.add(j)
    for j, triple in enumerate(triples):
        if j not in taken:
            score.errors.append(("missed relation", expected[triple], _gold_said(gold, triple)))
    score.counts.update(
        relation_tp=len(taken),
        relation_pred=len(extraction.relations),
        relation_gold=len(triples),
        relation_labelled=1,
    )
    return score


def _quote(extraction: Extraction, row: Relation) -> str:
    """The words of the row's first claim: what the error listing quotes."""
    claim = next((c for c in extraction.claims if c.id in row.evidence), None)
    return claim.quote if claim is not None else ""


def _said(extraction: Extraction, row: Relation) -> str:
    names = {a.id: a.name for a in extraction.actors}
    source, target = names.get(row.source, row.source), names.get(row.target, row.target)
    return f"{source} {row.relation.value} {target}"


def _gold_said(gold: GoldArticle, triple: Triple) -> str:
    source, relation, target = triple
    names = {a.id: a.name for a in gold.actors}
    return f"gold: {names.get(source, source)} {relation.value} {names.get(target, target)}"
