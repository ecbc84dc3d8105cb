"""The pointer reader: code finds the candidates, the model decides about them by number.

Stages, each reading the previous one's output:
1. the rules reader's drafts (``rules_reader.read_by_rules``): every candidate with its
   source, cue and content spans, its actor, and a claim type from the cue's lemma;
2. windows of ``prompt.window`` paragraphs that hold candidates; each window is one call
   showing its text, the actors so far (A1, A2 ...), the candidates numbered [1], [2] ... and
   the earlier claims (C1, C2 ...) a denial could answer;
3. the model's decisions (``pointer_answers``): per candidate, who speaks, the claim type
   (or none: not a claim), hedged, stance and its target, and for a denial the claim it
   denies. Every pointer is an enum of the ids shown, so it is valid by construction. The
   speaker is taken from the model only where code resolved a pronoun: a name written
   beside the cue is the text's own answer;
4. code checks each decision: a dropped candidate is listed as rejected; a denial's link
   must point at an earlier claim by another actor, else code links it (``denial_links``).

No quote is generated: the model's completion is a few words per candidate, which is what
the time of a small local model follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stance.reading.ask.pointer_answers import (
    NO_CLAIM,
    NO_LINK,
    NO_TARGET,
    PointerDecision,
    pointer_answer_model,
)
from stance.reading.ask.prompts import PromptTemplate
from stance.reading.base.merge import Draft
from stance.reading.base.model_interface import Ask
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.segments import Segment
from stance.schema import ClaimType, Polarity, Rejected

__all__ = ["EARLIER_CLAIMS", "Window", "decide", "windows"]

EARLIER_CLAIMS = 12  # claims a window lists for denials to point at: the most recent ones
_CONTENT_CHARS = 240  # a candidate's words shown in its line; the text above has them all


@dataclass(frozen=True)
class Window:
    """Paragraphs read in one call, and the drafts (candidates) inside them."""

    segments: tuple[Segment, ...]
    drafts: tuple[Draft, ...]


def windows(drafts: Sequence[Draft], segments: Sequence[Segment], size: int) -> list[Window]:
    """Consecutive runs of at most ``size`` paragraphs holding candidates, in text order."""
    by_segment: dict[int, list[Draft]] = {}
    for draft in drafts:
        by_segment.setdefault(draft.claim.segment, []).append(draft)
    found: list[Window] = []
    current: list[Segment] = []
    for segment in segments:
        if segment.index not in by_segment:
            continue
        if current and (len(current) >= size or segment.index - current[-1].index > size):
            found.append(_window(current, by_segment))
            current = []
        current.append(segment)
    if current:
        found.append(_window(current, by_segment))
    return found


def _window(segments: list[Segment], by_segment: dict[int, list[Draft]]) -> Window:
    drafts = [d for s in segments for d in by_segment[s.index]]
    return Window(tuple(segments), tuple(drafts))


def decide(
    window: Window,
    earlier: Sequence[Draft],
    registry: ActorRegistry,
    prompt: PromptTemplate,
    ask: Ask,
    rejected: list[Rejected],
) -> list[Draft]:
    """Ask about one window's candidates; the drafts kept, with the model's decisions."""
    actor_keys = list(dict.fromkeys([*registry.actor_keys()]))
    actor_ids = {key: f"A{n}" for n, key in enumerate(actor_keys, start=1)}
    listed = [d for d in earlier if d.claim.type is not ClaimType.DENIAL][-EARLIER_CLAIMS:]
    claim_ids = {id(d): f"C{n}" for n, d in enumerate(listed, start=1)}
    # a denial may also answer a candidate before it in the same window: "[1]", "[2]" ...
    own_ids = {id(d): f"[{n}]" for n, d in enumerate(window.drafts, start=1)}
    messages = prompt.messages(
        paragraph="\n\n".join(s.text for s in window.segments),
        actors="\n".join(
            f"{actor_ids[k]} {registry.name_of(k)} ({registry.kind_of(k)})" for k in actor_keys
        ),
        candidates="\n".join(
            _candidate_line(n, d, actor_ids, prompt.show_type)
            for n, d in enumerate(window.drafts, start=1)
        ),
        claims="\n".join(
            f"{claim_ids[id(d)]} {actor_ids[d.claimer_key]} {d.claim.type.value}: "
            f"{_short(d.claim.quote)}"
            for d in listed
        ),
    )
    model = pointer_answer_model(
        len(window.drafts),
        tuple(actor_ids.values()),
        (*claim_ids.values(), *own_ids.values()),
        prompt.decision_order,
    )
    answer = ask(messages, model)
    decisions = [
        PointerDecision.model_validate(d.model_dump()) for d in getattr(answer, "decisions", [])
    ]
    by_actor_id = {v: k for k, v in actor_ids.items()}
    by_claim_id = {claim_ids[id(d)]: d for d in listed}
    by_claim_id.update({own_ids[id(d)]: d for d in window.drafts})
    kept: list[Draft] = []
    for draft, decision in zip(window.drafts, decisions, strict=False):
        if decision.type == NO_CLAIM:
            rejected.append(
                Rejected(
                    quote=draft.claim.quote,
                    speaker=registry.name_of(draft.claimer_key),
                    reason="the model read it as no claim of the speaker's (type none)",
                    segment=draft.claim.segment,
                )
            )
            continue
        _apply(draft, decision, by_actor_id, by_claim_id)
        if draft.target_key is not None:
            draft.claim.target = registry.name_of(draft.target_key)
        kept.append(draft)
    return kept


def _apply(
    draft: Draft,
    decision: PointerDecision,
    actors: dict[str, str],
    claims: dict[str, Draft],
) -> None:
    """Take the model's decision where it is a valid pointer; keep code's otherwise."""
    claim = draft.claim
    key = actors.get(decision.speaker)
    if key is not None and not draft.speaker_in_text:
        # Only a pronoun's speaker is the model's call: a name written beside the cue is
        # what the text says, and a small model's guess there was wrong more often than not.
        draft.claimer_key = key
        claim.claimer = key
    claim.type = ClaimType(decision.type)
    claim.hedged = decision.hedged
    draft.polarity = Polarity(decision.stance)
    target = actors.get(decision.target) if decision.target != NO_TARGET else None
    draft.target_key = target
    denied = claims.get(decision.denies) if decision.denies != NO_LINK else None
    if (
        claim.type is ClaimType.DENIAL
        and denied is not None
        and denied.claimer_key != draft.claimer_key
        and denied.claim.span.start < claim.span.start
    ):
        draft.denied = denied


def _candidate_line(number: int, draft: Draft, actor_ids: dict[str, str], show_type: bool) -> str:
    claim = draft.claim
    guess = f"{claim.type.value} | " if show_type else ""
    return (
        f"[{number}] {actor_ids.get(draft.claimer_key, '?')} | {claim.cue} | "
        f"{guess}{_short(claim.quote)}"
    )


def _short(words: str) -> str:
    flat = " ".join(words.split())
    return f"“{flat[:_CONTENT_CHARS]}{'…' if len(flat) > _CONTENT_CHARS else ''}”"
