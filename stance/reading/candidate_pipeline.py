"""Readers that start from candidates found by code: ``rules`` (no model), ``pointer`` and
``questions``.

One parse, one candidate pass, then (pointer only) one model call per window of paragraphs
to decide about the candidates by number. A window whose call fails keeps the rules'
reading of its candidates and says so in the record's errors: nothing is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.errors import ExtractionError
from stance.reading.actors import ActorRegistry
from stance.reading.document import parse
from stance.reading.merge import Draft
from stance.reading.pointer_reader import Ask, decide, windows
from stance.reading.prompts import PromptTemplate
from stance.reading.question_reader import ask_one
from stance.reading.rules_reader import read_by_rules
from stance.reading.segments import Segment, is_headline
from stance.schema import Rejected, SegmentError

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
) -> CandidateReading:
    """The drafts of a rules or pointer reading (``ask`` is None for rules)."""
    found = read_by_rules(parse(text), segments, registry)
    reading = CandidateReading(rejected=found.rejected)
    if prompt.reader == "rules" or ask is None:
        reading.drafts = found.drafts
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
    """The questions reader: one call per candidate. A failed call keeps code's reading of
    that candidate and says so; the others are still asked."""
    for draft in drafts:
        if is_headline(segments[draft.claim.segment]) or draft.marker:
            reading.drafts.append(draft)  # set aside by assembly with its reason: not asked
            continue
        try:
            reading.drafts.append(ask_one(draft, segments, registry, prompt, ask, reading.drafts))
        except ExtractionError as exc:
            reading.errors.append(
                SegmentError(
                    segment=draft.claim.segment,
                    message=f"{exc} (the rules' reading of the candidate is kept)",
                )
            )
            reading.drafts.append(draft)
