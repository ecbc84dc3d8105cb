"""Stances derived from claims: one per holder and topic, polarity by majority."""

from __future__ import annotations

from collections import Counter, defaultdict

from rapidfuzz import fuzz

from stance.reading.merge import Draft
from stance.schema import Stance

__all__ = ["derive_stances"]


def derive_stances(drafts: list[Draft]) -> list[Stance]:
    """One stance per holder and topic, polarity by majority of its claims."""
    groups: dict[tuple[str, str], list[Draft]] = defaultdict(list)
    for draft in drafts:
        topic = draft.claim.topic.strip() or draft.claim.target.strip()
        if not topic:
            continue
        holder = draft.claim.claimer
        key = next(
            (k for k in groups if k[0] == holder and fuzz.token_set_ratio(k[1], topic) >= 80),
            (holder, topic),
        )
        groups[key].append(draft)
    stances = []
    for (holder, topic), members in groups.items():
        polarity = Counter(d.polarity for d in members).most_common(1)[0][0]
        stances.append(
            Stance(
                holder=holder,
                target=topic,
                polarity=polarity,
                evidence=[d.claim.id for d in members],
            )
        )
    return stances
