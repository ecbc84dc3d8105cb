"""Readers that start from candidates found by code: ``rules`` (no model), ``pointer`` and
``questions``.

One parse, one candidate pass, then (pointer only) one model call per window of paragraphs
to decide about the candidates by number. A window whose call fails keeps the rules'
reading of its candidates and says so in the record's errors: nothing is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.errors import ExtractionError
from stance.reading.ask.pointer_reader import decide, windows
from stance.reading.ask.prompts import PromptTemplate
from stance.reading.ask.question_reader import ask_one, ask_together, speaker_groups
from stance.reading.base.merge import Draft
from stance.reading.base.model_interface import Ask
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.aims import aimed_at
from stance.reading.find.document import Document, parse
from stance.reading.find.segments import Segment, is_headline
from stance.reading.judge.protocol import Judge
from stance.reading.judge.rules_reader import read_by_rules
from stance.schema import ClaimType, Rejected, SegmentError

__all__ = ["CandidateReading", "read_candidates"]


@dataclass
class CandidateReading:
    drafts: list[Draft] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    errors: list[SegmentError] = field(default_factory=list)


def read_candidates(
    text: str,
    segments: list[Segment],
    registry: ActorRegistry,
    prompt: PromptTemplate,
    ask: Ask | None,
    judge: Judge | None = None,
) -> CandidateReading:
    """The drafts of a rules or pointer reading (``ask`` is None for rules). With a
    ``judge``, it decides types, links and stances of the candidates, and the prompt's own
    questions are not asked."""
    doc = parse(text)
    found = read_by_rules(doc, segments, registry)
    reading = CandidateReading(rejected=found.rejected)
    if judge is not None:
        try:
            judge.judge(doc, found.drafts, registry, ask)
        except ExtractionError as exc:
            reading.errors.append(
                SegmentError(segment=0, message=f"{exc} (the rules' judgement is kept)")
            )
        reading.drafts = _aimed(doc, found.drafts, registry)
        return reading
    if prompt.reader == "rules" or ask is None:
        reading.drafts = _aimed(doc, found.drafts, registry)
        return reading
    if prompt.reader == "questions":
        _ask_each(found.drafts, segments, registry, prompt, ask, reading)
        return reading
    for window in windows(found.drafts, segments, prompt.window):
        try:
            reading.drafts += decide(
                window, reading.drafts, registry, prompt, ask, reading.rejected
            )
        except ExtractionError as exc:
            first = window.segments[0].index
            reading.errors.append(
                SegmentError(
                    segment=first,
                    message=f"{exc} (paragraphs {first}-{window.segments[-1].index}: "
                    "the rules' reading of their candidates is kept)",
                )
            )
            reading.drafts += window.drafts
    return reading


def _ask_each(
    drafts: list[Draft],
    segments: list[Segment],
    registry: ActorRegistry,
    prompt: PromptTemplate,
    ask: Ask,
    reading: CandidateReading,
) -> None:
    """The questions reader: one call per candidate, or (``ask_per: speaker``) one per
    speaker and paragraph. A failed call keeps code's reading of the candidates it asked
    about and says so; the others are still asked. The drafts keep their order."""
    if prompt.ask_per == "speaker":
        asked = [d for d in drafts if not _set_aside(d, segments)]
        for group in speaker_groups(asked):
            try:
                ask_together(group, segments, registry, prompt, ask)
            except ExtractionError as exc:
                reading.errors.append(_kept(group, exc))
        reading.drafts += drafts
        return
    for draft in drafts:
        if not _set_aside(draft, segments):
            try:
                ask_one(draft, segments, registry, prompt, ask, reading.drafts)
            except ExtractionError as exc:
                reading.errors.append(_kept([draft], exc))
        reading.drafts.append(draft)  # in order: what a later denial may answer


_AIMED = frozenset({ClaimType.ACCUSATION, ClaimType.DEMAND})


def _aimed(doc: Document, drafts: list[Draft], registry: ActorRegistry) -> list[Draft]:
    """Every accusation and demand whose judge named no one it is aimed at, aimed by code
    (``aims``): the rules judge's and the model's too, so the actor table names an accused
    who never speaks ("accused Holvik Chemicals of ...") whichever judge typed the claim."""
    for draft in drafts:
        if draft.claim.type in _AIMED and draft.target_key is None:
            sides = frozenset(draft.side)
            draft.target_key = aimed_at(doc, draft, registry, sides=sides)
    return drafts


def _set_aside(draft: Draft, segments: list[Segment]) -> bool:
    """The headline's candidates and bare denials: assembly sets them aside with their
    reason, so no question is spent on them."""
    return is_headline(segments[draft.claim.segment]) or draft.marker


def _kept(group: list[Draft], exc: ExtractionError) -> SegmentError:
    """A failed question: code's reading of the candidates it asked about stays, said so."""
    which = "the candidate" if len(group) == 1 else f"its {len(group)} candidates"
    return SegmentError(
        segment=group[0].claim.segment, message=f"{exc} (the rules' reading of {which} is kept)"
    )
