"""Drafts to record: the checks a model's reading needs, then merge, ids, links, stances.

Every reader ends here. The checks (``checks=True``) repair what a model copying claims
out of a paragraph gets wrong: claims read from the headline, narration with no reporting
verb, a speaker the text names beside the quote, a claimer the article never names. Each
item they set aside is listed as rejected with its reason. Candidates found by code carry
their own cue and source, so the rules and pointer readers skip them.
"""

from __future__ import annotations

from stance.reading.assemble.claim_rules import speaker_named_first
from stance.reading.assemble.relations import derive_relations, target_keys
from stance.reading.base.merge import Draft, deduplicate
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.segments import Segment, is_headline
from stance.reading.find.speakers import attributed_key, is_attributed
from stance.reading.judge.denial_links import link_denials
from stance.reading.judge.stances import derive_stances
from stance.schema import (
    Article,
    Attribution,
    Extraction,
    Provenance,
    Rejected,
    SegmentError,
)

__all__ = ["assemble"]


def assemble(
    article: Article,
    registry: ActorRegistry,
    drafts: list[Draft],
    segments: list[Segment],
    *,
    rejected: list[Rejected],
    errors: list[SegmentError],
    provenance: Provenance,
    checks: bool = True,
) -> Extraction:
    """Merge the drafts into the record. A claim read from the headline is set aside for
    every reader. ``checks`` are the repairs a model's reading needs (narration, the
    speaker the text names beside a quote); candidates found by code already carry their
    cue and source, so the readers that start from them skip these."""
    kept = []
    named: dict[str, bool] = {}  # actor key -> named somewhere in the article
    for draft in drafts:
        if is_headline(segments[draft.claim.segment]):
            rejected.append(
                Rejected(
                    quote=draft.claim.quote,
                    speaker=registry.name_of(draft.claimer_key),
                    segment=0,
                    reason="in the headline: the article's summary, attributed in full below",
                )
            )
            continue
        if not checks:
            kept.append(_with_names(draft, registry))
            continue
        paragraph = segments[draft.claim.segment].span
        direct = draft.claim.attribution is Attribution.DIRECT
        if not direct and not is_attributed(article.text, draft.claim.span, paragraph):
            rejected.append(
                Rejected(
                    quote=draft.claim.quote,
                    speaker=registry.name_of(draft.claimer_key),
                    segment=draft.claim.segment,
                    reason="no reporting verb in its sentence: the article's narration",
                )
            )
            continue
        _check_attribution(article.text, draft, registry, segments)
        key = draft.claimer_key
        if key not in named:
            named[key] = registry.named_in(key, article.text)
        if not named[key]:
            # Grounding covers who as well as what: a speaker the article never names
            # (an injected "the mayor said", a guess) is not an actor of this article.
            rejected.append(
                Rejected(
                    quote=draft.claim.quote,
                    speaker=registry.name_of(key),
                    segment=draft.claim.segment,
                    reason="claimer not named anywhere in the article",
                )
            )
            continue
        kept.append(_with_names(draft, registry))
    merged = deduplicate([d for d in kept if not d.marker])
    markers = [d for d in kept if d.marker and not _overlaps_any(d, merged)]
    for number, draft in enumerate(merged, start=1):
        draft.claim.id = f"c{number}"
    link_denials(merged + markers)
    # whom each accusation, denial and demand is aimed at: an actor of the record too, after
    # the speakers (so their ids stay a1.. in order of first claim)
    targets = target_keys(merged, registry, article.text)
    keys = [d.claimer_key for d in merged] + [k for k in targets if k is not None]
    actors, ids = registry.build(article.text, keys)
    for draft, target in zip(merged, targets, strict=True):
        draft.claim.claimer = ids[draft.claimer_key]
        draft.claim.target_actor = ids[target] if target is not None else None
    rejected += [_set_aside(marker, registry) for marker in markers]
    return Extraction(
        article_id=article.id,
        title=article.title,
        source=article.source,
        text=article.text,
        actors=actors,
        claims=[d.claim for d in merged],
        stances=derive_stances(merged),
        relations=derive_relations([d.claim for d in merged]),
        rejected=rejected,
        errors=errors,
        provenance=provenance,
    )


def _overlaps_any(draft: Draft, others: list[Draft]) -> bool:
    span = draft.claim.span
    return any(o.claim.span.start < span.end and span.start < o.claim.span.end for o in others)


def _set_aside(marker: Draft, registry: ActorRegistry) -> Rejected:
    """A denial that only names what it rejects ("rejected the claims") is not a claim: the
    gold set's labellers, like PolNeAR's, mark the words a denial says, not the act. It has
    done its work by now: linked to the claim it answers, that claim is typed an accusation.
    """
    answered = marker.claim.denies
    return Rejected(
        quote=marker.claim.quote,
        speaker=registry.name_of(marker.claimer_key),
        segment=marker.claim.segment,
        reason="a denial that names what it rejects and says nothing of its own "
        f'("rejected the claims"); it answers {answered or "no claim found"}',
    )


def _with_names(draft: Draft, registry: ActorRegistry) -> Draft:
    """The actors a claim names (in its words, target or denied text): denial links
    prefer claims aimed at the denier."""
    about = f"{draft.claim.quote} {draft.claim.target} {draft.denies_text}"
    draft.names = frozenset(k for k in registry.actor_keys() if registry.named_in(k, about))
    return draft


def _check_attribution(
    text: str, draft: Draft, registry: ActorRegistry, segments: list[Segment]
) -> None:
    """Give the claim to the speaker the text names beside it, when that differs."""
    claim = draft.claim
    if speaker_named_first(claim.quote):
        return
    key = attributed_key(registry, text, claim.span, segments[claim.segment].span)
    if key is not None and key != draft.claimer_key:
        draft.claimer_key = key
        draft.named_in_quote = registry.named_in(key, claim.quote)
