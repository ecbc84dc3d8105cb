"""Merge per-paragraph readings into one article's claims: drafts and de-duplication.

The same words read twice (overlapping windows, a second look) are one claim. Denial links
are in ``denial_links`` and stances in ``stances``; both work on the drafts kept here.
"""

from __future__ import annotations

from dataclasses import dataclass

from stance.schema import AlignmentStatus, Attribution, Claim, Polarity

__all__ = ["SPAN_OVERLAP", "Draft", "deduplicate"]

_ALIGNMENT_RANK = {
    AlignmentStatus.EXACT: 0,
    AlignmentStatus.NORMALISED: 1,
    AlignmentStatus.FUZZY: 2,
    AlignmentStatus.UNALIGNED: 3,
}
SPAN_OVERLAP = 0.6


@dataclass
class Draft:
    """A grounded claim before ids are given: what merge works on."""

    claim: Claim
    polarity: Polarity
    denies_text: str
    claimer_key: str
    target_key: str | None  # actor key of what the claim is about, when that is an actor
    named_in_quote: bool = False  # the claimer's name is inside the quoted words
    names: frozenset[str] = frozenset()  # actor keys named in the quote, target or denies text
    denied: Draft | None = None  # the claim a reader said this denial answers (checked)
    denies_nothing: bool = False  # a reader was asked and said it answers none of them
    speaker_in_text: bool = False  # code read the speaker's name beside the cue, not a pronoun
    # a denial that only names what it rejects ("rejected the claims"): it tells which claim
    # was answered, and so what that claim was, but has no words of its own to be a claim
    marker: bool = False
    reported_inside: bool = False  # a denial reported inside another speaker's words
    # the actors the speaker speaks for beside itself: those its source phrase names ("a
    # spokesperson for the ministry"): a claim of its own side is not one it denies
    side: frozenset[str] = frozenset()


def _overlap(a: Claim, b: Claim) -> float:
    inter = min(a.span.end, b.span.end) - max(a.span.start, b.span.start)
    shorter = min(a.span.length, b.span.length) or 1
    return max(0, inter) / shorter


def _preference(draft: Draft) -> tuple[int, int, int, int]:
    """Best first: exact words, then the reading whose claimer is named in the words
    ("Lisbon denied ..." belongs to Portugal), then direct quotes, then longer spans."""
    claim = draft.claim
    return (
        _ALIGNMENT_RANK[claim.alignment],
        0 if draft.named_in_quote else 1,
        0 if claim.attribution is Attribution.DIRECT else 1,
        -claim.span.length,
    )


def _reported_inside(a: Draft, b: Draft) -> bool:
    """Whether one of the two is a denial reported inside the other's words ("He said
    Chinese counterparts ... said Moscow's success didn't depend on China"): two
    attributions, not the same words read twice."""
    return a.reported_inside != b.reported_inside and a.claimer_key != b.claimer_key


def deduplicate(drafts: list[Draft]) -> list[Draft]:
    """Keep one claim per overlapping span: the same words read twice (overlapping
    windows, a second look) are one claim.

    Claims at different places are kept even when their wording is alike: a speaker who
    says "the audit should be published" and "the accounts should be published" makes two
    claims (a rule merging look-alike propositions dropped 1 in 10 claims of a long
    article; without it gold claim_f1 rose from 0.677 to 0.683).
    """
    kept: list[Draft] = []
    for draft in sorted(drafts, key=_preference):
        if not any(
            _overlap(draft.claim, other.claim) >= SPAN_OVERLAP
            and not _reported_inside(draft, other)
            for other in kept
        ):
            kept.append(draft)
    return sorted(kept, key=lambda d: (d.claim.span.start, d.claim.span.end))
