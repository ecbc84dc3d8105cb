"""Stances toward actors, found by code: whom each accusation, denial and demand is aimed at,
and the actor-to-actor table those aims make.

No reader is asked for this. A denial is aimed at the speaker of the claim it denies (the
link is the record's own, so the table and the links never disagree); an accusation or a
demand at the actor its reader found it to be about (``Draft.target_key``, set by code from
the parse for every reader that reads one: ``find.aims``; else the first other speaker its
words name). An aim at the speaker themselves is no relation between two actors and is
dropped.
"""

from __future__ import annotations

from stance.reading.base.merge import Draft
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.aims import named_after_cue
from stance.schema import RELATION_OF, Claim, ClaimType, Relation, RelationType

__all__ = ["derive_relations", "target_keys"]


def target_keys(drafts: list[Draft], registry: ActorRegistry, text: str) -> list[str | None]:
    """The actor key each draft is aimed at (None when it is aimed at no actor), in order.

    Call after denial links are set: a denial's target is the speaker of the claim its
    ``denies`` names; before a link exists (or when it names no kept claim), the claim the
    reader said it answers, then its own ``target_key``. An accusation or demand without
    one is aimed at the first other actor named from its cue to its end ("accused Dashly
    of ...", "called on the regulator to ..."): readers look only among the speakers read
    so far, and the accused often speaks later or not at all. A key outside the registry
    (a country no one in the article speaks for) cannot become an actor.
    """
    by_id = {d.claim.id: d for d in drafts if d.claim.id}
    known = registry.actor_keys()
    keys: list[str | None] = []
    for draft in drafts:
        key: str | None = None
        if draft.claim.type in RELATION_OF:
            key = draft.target_key
            if draft.claim.type is ClaimType.DENIAL:
                denied = by_id.get(draft.claim.denies or "") or draft.denied
                key = denied.claimer_key if denied is not None else key
            elif key is None:
                key = named_after_cue(draft, registry, text)
        keys.append(key if key in known and key != draft.claimer_key else None)
    return keys


def derive_relations(claims: list[Claim]) -> list[Relation]:
    """One row per (source, relation, target), its claims as evidence, in order of each
    row's first claim: a speaker who accuses the same actor three times is one edge."""
    rows: dict[tuple[str, RelationType, str], Relation] = {}
    for claim in sorted(claims, key=lambda c: (c.span.start, c.span.end)):
        relation = RELATION_OF.get(claim.type)
        if relation is None or claim.target_actor is None or claim.target_actor == claim.claimer:
            continue
        key = (claim.claimer, relation, claim.target_actor)
        row = rows.setdefault(
            key,
            Relation(
                source=claim.claimer, relation=relation, target=claim.target_actor, evidence=[]
            ),
        )
        row.evidence.append(claim.id)
    return list(rows.values())
