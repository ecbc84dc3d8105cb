"""Article in, grounded Extraction out: segment, read, ground, re-ask, merge.

The model reads one paragraph at a time; code aligns every quote to the article,
re-asks once for quotes it cannot find, and keeps what still fails out of the claims
as rejected items with the reason. Nothing the model says is kept or dropped silently.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from .actors import ActorRegistry, country_of
from .answers import AnswerClaim, ParagraphAnswer, QuoteFixes
from .attribution import attributed_key, is_attributed, without_attribution
from .errors import ExtractionError
from .grounding import Alignment, align
from .llm import StructuredClient, T
from .merge import Draft, deduplicate, derive_stances, link_denials
from .prompts import PromptTemplate, load_prompt
from .schema import (
    REJECTED_NOT_FOUND,
    AlignmentStatus,
    Article,
    Attribution,
    Claim,
    ClaimType,
    Extraction,
    Polarity,
    Provenance,
    Rejected,
    SegmentError,
    Usage,
)
from .segment import Segment, is_headline, reports_speech, split_segments


def stance_version() -> str:
    try:
        return version("stance")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass
class _Reading:
    """What one article's calls produced, before merging."""

    drafts: list[Draft] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    errors: list[SegmentError] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


class Extractor:
    """Extracts articles with one client and one prompt; reusable across a batch."""

    def __init__(
        self,
        client: StructuredClient,
        prompt: PromptTemplate | None = None,
        *,
        fuzzy_threshold: float = 88.0,
        read_all_segments: bool = False,
    ) -> None:
        self.client = client
        self.prompt = prompt or load_prompt()
        self.fuzzy_threshold = fuzzy_threshold
        self.read_all_segments = read_all_segments

    def extract(self, article: Article | str) -> Extraction:
        if isinstance(article, str):
            article = Article(id="article", text=article)
        started = time.perf_counter()
        text = article.text
        segments = split_segments(text)
        registry = ActorRegistry()
        reading = _Reading()
        for segment in segments:
            if not (segment.worth_reading or self.read_all_segments):
                continue
            try:
                self._read_segment(text, segment, registry, reading)
            except ExtractionError as exc:
                reading.errors.append(SegmentError(segment=segment.index, message=str(exc)))
        extraction = self._assemble(article, registry, reading, segments)
        extraction.segments = len(segments)
        extraction.provenance.latency_s = round(time.perf_counter() - started, 3)
        return extraction

    def _read_segment(
        self,
        text: str,
        segment: Segment,
        registry: ActorRegistry,
        reading: _Reading,
    ) -> None:
        speakers, last_person = registry.context()
        messages = self.prompt.messages(
            paragraph=segment.text, speakers=speakers, last_person=last_person
        )
        answer = self._ask(messages, ParagraphAnswer, reading)
        if not answer.claims and self.prompt.second_look and reports_speech(segment.text):
            # The small model sometimes answers [] for a paragraph full of quotes: one nudge.
            messages = [
                *messages,
                {"role": "assistant", "content": answer.model_dump_json()},
                {"role": "user", "content": self.prompt.second_look},
            ]
            answer = self._ask(messages, ParagraphAnswer, reading)
        alignments = [self._align(c.quote, text, segment) for c in answer.claims]
        unaligned = [i for i, a in enumerate(alignments) if not a.aligned]
        if unaligned:
            alignments = self._reask(
                text, segment, messages, answer, alignments, unaligned, reading
            )
        for item, alignment in zip(answer.claims, alignments, strict=True):
            self._accept(text, item, alignment, segment, registry, reading)

    def _ask(self, messages: list[dict[str, str]], model: type[T], reading: _Reading) -> T:
        result = self.client.ask(messages, model, prompt_hash=self.prompt.sha256)
        reading.usage = reading.usage + Usage(
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            calls=0 if result.cached else 1,
            cached_calls=1 if result.cached else 0,
            model_seconds=result.recorded_latency_s if result.cached else result.latency_s,
        )
        return result.value

    def _align(self, quote: str, text: str, segment: Segment) -> Alignment:
        """Align within the paragraph read; words found only elsewhere do not count."""
        found = align(quote, text, window=segment.span, fuzzy_threshold=self.fuzzy_threshold)
        window = segment.span
        if found.span is not None and not (
            window.start <= found.span.start and found.span.end <= window.end
        ):
            return Alignment(span=None, status=AlignmentStatus.UNALIGNED, score=found.score)
        return found

    def _reask(
        self,
        text: str,
        segment: Segment,
        messages: list[dict[str, str]],
        answer: ParagraphAnswer,
        alignments: list[Alignment],
        unaligned: list[int],
        reading: _Reading,
    ) -> list[Alignment]:
        """Ask once more for exact words for the quotes that could not be found."""
        quotes = [answer.claims[i].quote for i in unaligned]
        followup = [
            *messages,
            {"role": "assistant", "content": answer.model_dump_json()},
            {"role": "user", "content": self.prompt.reask(quotes)},
        ]
        try:
            fixes = self._ask(followup, QuoteFixes, reading)
        except ExtractionError:
            return alignments
        result = list(alignments)
        for index, fixed in zip(unaligned, fixes.quotes, strict=False):
            again = self._align(fixed, text, segment)
            if again.aligned:
                answer.claims[index].quote = fixed
                result[index] = again
        return result

    def _accept(
        self,
        text: str,
        item: AnswerClaim,
        alignment: Alignment,
        segment: Segment,
        registry: ActorRegistry,
        reading: _Reading,
    ) -> None:
        if not alignment.aligned or alignment.span is None:
            reading.rejected.append(
                Rejected(
                    quote=item.quote,
                    speaker=item.speaker,
                    reason=(
                        f"{REJECTED_NOT_FOUND}, after one re-ask "
                        f"(best fuzzy score {alignment.score:.0f})"
                    ),
                    segment=segment.index,
                )
            )
            return
        speaker = speaker_named_first(text[span_of(alignment)]) or item.speaker
        if registry.is_pronoun(speaker):
            speaker = item.speaker
        key = registry.resolve(speaker, item.speaker_kind)
        if key is None:
            reason = (
                "pronoun speaker with no earlier person to resolve it to"
                if registry.is_pronoun(item.speaker)
                else "no named claimer"
            )
            reading.rejected.append(
                Rejected(
                    quote=item.quote, speaker=item.speaker, reason=reason, segment=segment.index
                )
            )
            return
        span = without_attribution(text, alignment.span)
        text_quote = text[span.start : span.end]
        claim = Claim(
            id="",
            claimer=key,
            type=claim_type_of(item, text_quote, about_self=_about_self(registry, key, text_quote)),
            attribution=attribution_of(text, span.start, span.end, segment),
            quote=text_quote,
            span=span,
            alignment=alignment.status,
            alignment_score=round(alignment.score, 1),
            model_quote=None if item.quote == text_quote else item.quote,
            cue=item.cue,
            proposition=item.proposition,
            target=item.target,
            topic=item.topic,
            hedged=item.hedged,
            segment=segment.index,
        )
        target_country = country_of(item.target)
        target_key = f"country:{target_country}" if target_country else None
        reading.drafts.append(
            Draft(
                claim=claim,
                polarity=polarity_of(item, claim.type),
                denies_text=item.denies,
                claimer_key=key,
                target_key=target_key,
                named_in_quote=registry.named_in(key, text_quote),
            )
        )

    def _assemble(
        self,
        article: Article,
        registry: ActorRegistry,
        reading: _Reading,
        segments: list[Segment],
    ) -> Extraction:
        kept = []
        for draft in reading.drafts:
            if is_headline(segments[draft.claim.segment]):
                reading.rejected.append(Rejected(
                    quote=draft.claim.quote, speaker=draft.claimer_key, segment=0,
                    reason="in the headline: the article's summary, attributed in full below",
                ))
                continue
            paragraph = segments[draft.claim.segment].span
            direct = draft.claim.attribution is Attribution.DIRECT
            if not direct and not is_attributed(article.text, draft.claim.span, paragraph):
                reading.rejected.append(Rejected(
                    quote=draft.claim.quote, speaker=draft.claimer_key,
                    segment=draft.claim.segment,
                    reason="no reporting verb in its sentence: the article's narration",
                ))
                continue
            self._check_attribution(article.text, draft, registry, segments)
            about = f"{draft.claim.quote} {draft.claim.target} {draft.denies_text}"
            draft.names = frozenset(
                k for k in registry.actor_keys() if registry.named_in(k, about)
            )
            kept.append(draft)
        drafts = deduplicate(kept)
        actors, ids = registry.build(article.text, [d.claimer_key for d in drafts])
        for number, draft in enumerate(drafts, start=1):
            draft.claim.id = f"c{number}"
            draft.claim.claimer = ids[draft.claimer_key]
        link_denials(drafts)
        return Extraction(
            article_id=article.id,
            title=article.title,
            source=article.source,
            text=article.text,
            actors=actors,
            claims=[d.claim for d in drafts],
            stances=derive_stances(drafts),
            rejected=reading.rejected,
            errors=reading.errors,
            provenance=Provenance(
                model=self.client.model_id,
                endpoint=self.client.endpoint,
                prompt=self.prompt.info,
                stance_version=stance_version(),
                parameters=self.client.parameters,
                usage=reading.usage,
                created_at=datetime.now(timezone.utc),
            ),
        )


    @staticmethod
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
    speaker the model wrote; the words in the article outrank the model's reading.
    """
    match = _SPEAKER_FIRST.match(words)
    return match.group(1) if match else None


_OPENING = "“«„"
_CLOSING = "”»"
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


def _about_self(registry: ActorRegistry, key: str, quote: str) -> bool:
    """Does the claimer speak about itself ("we", "our", its own name)?"""
    return bool(_FIRST_PERSON.search(quote)) or registry.named_in(key, quote)


_FIRST_PERSON = re.compile(r"\b(?:we|our|us|I|my|me)\b", re.IGNORECASE)


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


__all__ = ["Extractor"]
