"""The rules reader (``--reader rules``): attribution candidates found by code become claims.

No model is asked. The article is parsed once (``document.parse``), the candidates are found
with their source, cue and content spans (``candidates.find_candidates``), and each becomes a
draft claim: the content span is the quote, the source names the claimer (a pronoun's
antecedent when it was resolved), the cue lemma gives the claim type (``lexicon.yaml``,
``claim_types``), and the quote marks decide direct or reported speech. The drafts then go
through the same merge as every reader: actors, de-duplication, denial links, stances.

Nothing is dropped silently: a candidate with no named source is listed as rejected, with
the reason. Deterministic: the same text gives the same record on every machine.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from stance.reading.actors import ActorRegistry
from stance.reading.candidates import Candidate, CandidateKind, find_candidates
from stance.reading.document import Document, TextSpan
from stance.reading.lexicon_data import Lexicon, lexicon
from stance.reading.merge import Draft
from stance.reading.segments import Segment
from stance.schema import (
    AlignmentStatus,
    Attribution,
    Claim,
    ClaimType,
    Polarity,
    Rejected,
    Span,
)

__all__ = ["RulesReading", "read_by_rules"]

_ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "country", "NORP": "group"}
_AGAINST = {ClaimType.ACCUSATION, ClaimType.DENIAL, ClaimType.WARNING, ClaimType.DEMAND}
_QUOTE_EDGES = "\"'“”‘’„«» \n"
_TRAILING = ",;: "  # punctuation the quotation mark closed over: "We will not sign," she said


@dataclass
class RulesReading:
    """What the rules found in one article, before merging."""

    drafts: list[Draft]
    rejected: list[Rejected]


def read_by_rules(
    doc: Document, segments: list[Segment], registry: ActorRegistry, lex: Lexicon | None = None
) -> RulesReading:
    """Drafts for every candidate with a named source; the others, rejected with a reason."""
    lex = lexicon() if lex is None else lex
    starts = [s.span.start for s in segments]
    lemma_at = {t.start: t.lemma.lower() for t in doc.tokens}
    drafts: list[Draft] = []
    rejected: list[Rejected] = []
    for cand in find_candidates(doc, lex):
        segment = max(0, bisect_right(starts, cand.content.start) - 1)
        span = _quote_span(doc.text, cand)
        quote = doc.text[span.start : span.end]
        name, kind = _source(doc, cand)
        key = registry.resolve(name, kind) if name else None
        if key is None:
            rejected.append(
                Rejected(
                    quote=quote,
                    speaker=cand.source.text if cand.source else "",
                    reason=(
                        "no named source: the text says no one, or only a pronoun or a "
                        "generic word that no earlier speaker resolves"
                    ),
                    segment=segment,
                )
            )
            continue
        kind_of_claim = _claim_type(cand, lemma_at.get(cand.cue.start, ""), lex)
        claim = Claim(
            id="",
            claimer=key,
            type=kind_of_claim,
            attribution=(
                Attribution.DIRECT
                if cand.kind is CandidateKind.DIRECT_QUOTE
                else Attribution.INDIRECT
            ),
            quote=quote,
            span=span,
            alignment=AlignmentStatus.EXACT,
            alignment_score=100.0,
            cue=cand.cue.text,
            source_span=_span(cand.source),
            cue_span=_span(cand.cue),
            hedged=cand.hedged,
            segment=segment,
        )
        drafts.append(
            Draft(
                claim=claim,
                polarity=Polarity.AGAINST if kind_of_claim in _AGAINST else Polarity.NEUTRAL,
                denies_text="",
                claimer_key=key,
                target_key=None,
                named_in_quote=registry.named_in(key, quote),
            )
        )
    return RulesReading(drafts, rejected)


def _span(span: TextSpan | None) -> Span | None:
    return None if span is None else Span(start=span.start, end=span.end)


def _quote_span(text: str, cand: Candidate) -> Span:
    """The content without its outer quotation marks: a claim is the words said."""
    start, end = cand.content.start, cand.content.end
    while start < end and text[start] in _QUOTE_EDGES:
        start += 1
    while end > start and text[end - 1] in _QUOTE_EDGES + _TRAILING:
        end -= 1
    if start == end:
        start, end = cand.content.start, cand.content.end
    return Span(start=start, end=end)


def _source(doc: Document, cand: Candidate) -> tuple[str | None, str]:
    """The name to resolve and the kind of actor it is, from the entity the parse found."""
    if cand.source is None or not cand.source_name:
        return None, "other"
    where = cand.source_antecedent or cand.source
    label = next(
        (e.label for e in doc.entities if e.start <= where.start and where.end <= e.end), ""
    )
    return cand.source_name, _ENTITY_KINDS.get(label, "person" if label == "" else "other")


def _claim_type(cand: Candidate, lemma: str, lex: Lexicon) -> ClaimType:
    if cand.denial:
        return ClaimType.DENIAL
    named = lex.claim_types.get(lemma)
    return ClaimType(named) if named else ClaimType.ASSERTION
