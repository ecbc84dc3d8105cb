"""How code reads a grounded quote: who says it, direct or reported, and what kind of claim.

Rules applied to the article's own words after grounding; they outrank the model's
reading where the text is unambiguous. Shared by the live and the batch-file paths.
"""

from __future__ import annotations

import re

from stance.reading.ask.answers import AnswerClaim
from stance.reading.base.alignment import Alignment
from stance.reading.find.actors import ActorRegistry, lexicon
from stance.reading.find.segments import Segment
from stance.schema import Attribution, ClaimType, Polarity

__all__ = [
    "AGAINST_TYPES",
    "about_self",
    "attribution_of",
    "claim_type_of",
    "polarity_of",
    "span_of",
    "speaker_named_first",
]

_SPEAKER_FIRST = re.compile(
    r"^(?:[Tt]he\s+)?([A-Z][\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*){0,5})\s+"
    r"(?:has\s+|have\s+|had\s+)?(?:(?:also|long|again|later|earlier|\w+ly)\s+)?"
    r"(?:said|says|denied|denies|contended|contends|slammed|accused|accuses|warned|warns|"
    r"insisted|argued|claimed|rejected|dismissed|believes|believed|told|stressed|pledged|"
    r"promised|vowed|added|maintains|maintained)\b"
)


def span_of(alignment: Alignment) -> slice:
    assert alignment.span is not None
    return slice(alignment.span.start, alignment.span.end)


def speaker_named_first(words: str) -> str | None:
    """The speaker when the quoted words open with their own attribution.

    "Beijing has repeatedly said it does not interfere" is Beijing's claim whatever
    speaker the model wrote; the words in the article outrank the model's reading. A
    pronoun ("I warned the company") names no one: the speaker is found around the quote.
    """
    match = _SPEAKER_FIRST.match(words)
    if not match or match.group(1).lower() in lexicon().pronouns:
        return None
    return match.group(1)


_OPENING = "“«„「『"
_CLOSING = "”»」』"
AGAINST_TYPES = frozenset({"accusation", "denial", "warning", "demand"})


def attribution_of(text: str, start: int, end: int, segment: Segment) -> Attribution:
    """Direct when the quoted words sit inside quotation marks in the article."""
    if text[start : start + 1] in _OPENING or text[start : start + 1] == '"':
        return Attribution.DIRECT
    before = text[segment.span.start : start] if segment.span.start <= start else ""
    opened = sum(before.count(c) for c in _OPENING) > sum(before.count(c) for c in _CLOSING)
    straight_open = before.count('"') % 2 == 1
    return Attribution.DIRECT if opened or straight_open else Attribution.INDIRECT


_DENIAL_WORDS = re.compile(
    r"\b(den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut(?:e|es|ed|ing)|"
    r"rebuff(?:s|ed)?|groundless|baseless|unfounded|untrue|not true|false accusations?)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not|never|no)\b|n[’']t\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|won[’']t|shall|would|going to)\b", re.IGNORECASE)


def about_self(registry: ActorRegistry, key: str, quote: str) -> bool:
    """Does the claimer speak about itself ("we", "our", its own name)?

    Phrases that only frame an opinion ("in my view", "let me be clear", "I think") do not
    make the claim about the speaker: "In my view the vote was never held" is no denial.
    """
    words = _FRAMING.sub(" ", quote)
    return bool(_FIRST_PERSON.search(words)) or registry.named_in(key, quote)


_FIRST_PERSON = re.compile(r"\b(?:we|our|us|I|my|me)\b", re.IGNORECASE)
_FRAMING = re.compile(
    r"\b(?:in my (?:view|opinion|judgement|judgment|experience)|let me (?:be clear|say)|"
    r"(?:it seems|seems) to me|to my mind|as far as I can (?:see|tell)|"
    r"I (?:think|believe|suspect|fear|feel|am sure|am afraid|would say|must say))\b",
    re.IGNORECASE,
)


def claim_type_of(item: AnswerClaim, quote: str, about_self: bool = True) -> ClaimType:
    """The model's type, corrected to denial when the words plainly deny.

    A small model rarely says "denial"; a claim cued by "denied"/"groundless", or an
    assertion that negates a fact about the claimer itself ("said it does not interfere",
    "we have not sold"), is one, by the prompt's own definition. A negation about someone
    else ("the burden is not evenly shared") is not: the gold set showed that rule, applied
    to every negation, made most predicted denials wrong. Commitments, warnings, demands and
    predictions keep their type.
    """
    claimed = ClaimType(item.type)
    if claimed in (ClaimType.ASSERTION, ClaimType.OPINION, ClaimType.ACCUSATION) and (
        _DENIAL_WORDS.search(item.cue) or _DENIAL_WORDS.search(quote)
    ):
        return ClaimType.DENIAL
    negated_fact = _NEGATION.search(quote) and not _FUTURE.search(quote)
    if claimed in (ClaimType.ASSERTION, ClaimType.OPINION) and negated_fact and about_self:
        return ClaimType.DENIAL
    return claimed


def polarity_of(item: AnswerClaim, claim_type: ClaimType) -> Polarity:
    """Accusations, denials, warnings and demands oppose their target by definition;
    ``claim_type`` is the corrected type, not the model's."""
    return Polarity.AGAINST if claim_type.value in AGAINST_TYPES else Polarity(item.stance)
