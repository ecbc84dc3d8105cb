"""Stances derived from claims: one per holder and issue, polarity by majority.

A holder's claims are grouped by what they are about: two topics are one issue when their
content words overlap (``ISSUE_SIMILARITY``, rapidfuzz's token-set ratio without the small
words: "the stadium" and "the riverside stadium" are one issue, "the loan" and "the stadium"
two). A stance names its issue by the group's most frequent topic, the shortest on a tie:
the common core of what its claims are about.
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz

from stance.reading.base.merge import Draft
from stance.schema import Stance

__all__ = ["ISSUE_SIMILARITY", "derive_stances"]

ISSUE_SIMILARITY = 70
_SMALL_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
    "its", "their", "his", "her", "our", "this", "that", "these", "those", "any", "new",
})  # fmt: skip


def _core(topic: str) -> str:
    words = re.findall(r"[\w’'-]+", topic.lower())
    return " ".join(w for w in words if w not in _SMALL_WORDS)


def _same_issue(a: str, b: str) -> bool:
    core_a, core_b = _core(a), _core(b)
    return bool(core_a and core_b) and fuzz.token_set_ratio(core_a, core_b) >= ISSUE_SIMILARITY


def derive_stances(drafts: list[Draft]) -> list[Stance]:
    """One stance per holder and issue, polarity by majority of its claims."""
    groups: list[tuple[str, list[str], list[Draft]]] = []  # holder, topics, drafts
    for draft in drafts:
        topic = draft.claim.topic.strip() or draft.claim.target.strip()
        if not topic:
            continue
        holder = draft.claim.claimer
        group = next(
            (g for g in groups if g[0] == holder and any(_same_issue(topic, t) for t in g[1])),
            None,
        )
        if group is None:
            groups.append((holder, [topic], [draft]))
        else:
            group[1].append(topic)
            group[2].append(draft)
    stances = []
    for holder, topics, members in groups:
        counts = Counter(topics)
        target = min(counts, key=lambda t: (-counts[t], len(t)))
        polarity = Counter(d.polarity for d in members).most_common(1)[0][0]
        stances.append(
            Stance(
                holder=holder,
                target=target,
                polarity=polarity,
                evidence=[d.claim.id for d in members],
            )
        )
    return stances
