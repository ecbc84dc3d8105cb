"""Link each denial to the claim it answers, by what the model said is denied.

Candidates are other actors' claims of a deniable type, scored by word overlap with the
denied text plus bonuses for being aimed at the denier; the best above a threshold wins.
"""

from __future__ import annotations

import re

from stance.reading.base.merge import Draft
from stance.reading.find.actors import lexicon
from stance.schema import ClaimType, Span

__all__ = ["DENIAL_LINK_THRESHOLD", "contains", "content_stems", "link_denials"]

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "not",
        "no",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "than",
        "their",
        "there",
        "they",
        "he",
        "she",
        "we",
        "you",
        "our",
        "his",
        "her",
        "them",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "about",
        "over",
        "into",
        "any",
        "some",
        "such",
        "so",
        "very",
        "also",
        "more",
        "most",
        "other",
    ]
)
DENIAL_LINK_THRESHOLD = 0.5


def content_stems(text: str) -> set[str]:
    """Crude content-word stems; demonyms become their country ("Chinese" -> china)."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
    demonyms = lexicon().demonym
    stems = set()
    for word in words:
        if word in _STOPWORDS or len(word) < 2:
            continue
        country = demonyms.get(word)
        stems.add((country or word).lower()[:5])
    return stems


def _containment(needle: str, hay: str) -> float:
    a, b = content_stems(needle), content_stems(hay)
    return len(a & b) / len(a) if a else 0.0


# What a denial can answer, and how likely each type is to be the one answered.
_DENIABLE_BONUS = {
    ClaimType.ACCUSATION: 0.15,
    ClaimType.WARNING: 0.05,
    ClaimType.ASSERTION: 0.0,
    ClaimType.DEMAND: 0.0,
    ClaimType.OPINION: 0.0,
}


def link_denials(drafts: list[Draft]) -> None:
    """Set ``denies`` on each denial to the other actor's claim it best answers.

    Candidates are other actors' accusations, warnings, assertions, demands and
    opinions (a promise or prediction is not what a denial rejects). The score is how
    much of what the model said is denied is found in the candidate, plus bonuses for a
    candidate aimed at the denier, for a denial aimed at the candidate's claimer, for
    accusations, and for coming earlier.
    """
    for denial in drafts:
        claim = denial.claim
        if claim.type is not ClaimType.DENIAL:
            continue
        picked = denial.denied
        if picked is not None and any(picked is d for d in drafts):
            claim.denies = picked.claim.id  # the reader's pick, checked when it was made
            _accused(picked)
            continue
        if denial.denies_nothing:
            continue  # the reader was offered the candidates and said none
        # what the reader said is denied; a reader that writes no words (rules, pointer)
        # is matched on the denial's own quote
        what = f"{denial.denies_text} {claim.proposition}".strip() or claim.quote
        best: tuple[float, Draft | None] = (0.0, None)
        aimed: tuple[float, Draft | None] = (0.0, None)  # best among claims about the denier
        before: tuple[float, Draft | None] = (0.0, None)  # best among earlier claims
        for other in drafts:
            candidate = other.claim
            bonus = _DENIABLE_BONUS.get(candidate.type)
            if other.claimer_key == denial.claimer_key or bonus is None:
                continue
            if contains(candidate.span, claim.span):
                continue  # the words reporting the denial ("He said they ... denied it")
            score = _containment(what, f"{candidate.proposition} {candidate.quote}") + bonus
            about_denier = (
                other.target_key == denial.claimer_key or denial.claimer_key in other.names
            )
            if about_denier:
                score += 0.15  # the candidate is aimed at the denier
            if denial.target_key == other.claimer_key or other.claimer_key in denial.names:
                score += 0.2  # the denial is aimed at the candidate's claimer
            if candidate.span.start < claim.span.start:
                score += 0.05
            if score > best[0]:
                best = (score, other)
            if about_denier and candidate.span.start < claim.span.start and score > aimed[0]:
                aimed = (score, other)
            if candidate.span.start < claim.span.start and score > before[0]:
                before = (score, other)
        if best[1] is not None and best[0] >= DENIAL_LINK_THRESHOLD:
            claim.denies = best[1].claim.id
            _accused(best[1])
        elif aimed[1] is not None:
            # Nothing matched well in words: a denial answers what was said about the denier
            # earlier in the article (the gold set's denials mostly do).
            claim.denies = aimed[1].claim.id
            _accused(aimed[1])
        elif before[1] is not None:
            # Nor about the denier by name: a denial still answers something said before it,
            # by someone else; the closest in words and aim is the best guess (gold dev: links
            # 4/11 -> 6/11).
            claim.denies = before[1].claim.id
            _accused(before[1])


def contains(outer: Span, inner: Span) -> bool:
    """Whether span ``inner`` lies within ``outer``."""
    return outer.start <= inner.start and inner.end <= outer.end


def _accused(answered: Draft) -> None:
    """What another actor denies was said against it: an assertion answered by a denial is
    an accusation (a warning, demand or opinion keeps its type)."""
    if answered.claim.type is ClaimType.ASSERTION:
        answered.claim.type = ClaimType.ACCUSATION
