"""Article in, grounded Extraction out: segment, read, ground, re-ask, merge.

The model reads one paragraph at a time; code aligns every quote to the article,
re-asks once for quotes it cannot find, and keeps what still fails out of the claims
as rejected items with the reason. Nothing the model says is kept or dropped silently.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from stance.errors import ExtractionError
from stance.reading.ask.answers import AnswerClaim, ParagraphAnswer, QuoteFixes
from stance.reading.ask.prompts import PromptTemplate, load_prompt
from stance.reading.assemble.assembly import assemble
from stance.reading.assemble.claim_rules import (
    about_self,
    attribution_of,
    claim_type_of,
    polarity_of,
    span_of,
    speaker_named_first,
)
from stance.reading.base.alignment import Alignment, align
from stance.reading.base.merge import Draft
from stance.reading.base.model_interface import StructuredModel, T
from stance.reading.find.actors import ActorRegistry, country_of
from stance.reading.find.segments import Segment, reports_speech, split_segments
from stance.reading.find.speakers import without_attribution
from stance.reading.judge.choice import make_judge
from stance.reading.judge.protocol import Judge
from stance.schema import (
    REJECTED_NOT_FOUND,
    AlignmentStatus,
    Article,
    Claim,
    Extraction,
    Provenance,
    Rejected,
    SegmentError,
    Usage,
)


@functools.cache
def stance_version() -> str:
    """Read once: package metadata parsing cost 1.7 ms on every article."""
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
        client: StructuredModel,
        prompt: PromptTemplate | None = None,
        *,
        fuzzy_threshold: float = 88.0,
        read_all_segments: bool = False,
        judge: str = "learned",
    ) -> None:
        self.client = client
        self.prompt = prompt or load_prompt()
        self.fuzzy_threshold = fuzzy_threshold
        self.read_all_segments = read_all_segments
        self.judge_name = judge
        self._judge: Judge | None = None
        # One article's CPU work (parse, rules, heads, assembly) at a time per extractor;
        # a batch's threads overlap only their waits on the model (``_ask`` lets go of it).
        # Thirty-two threads parsing at once under the GIL spent more time switching than
        # parsing: 1,000 one-paragraph articles took 22.4 s (16.8 s of it system time)
        # against 10.0 s one at a time.
        self._cpu = threading.Lock()

    def judge(self) -> Judge | None:
        """The judge of candidates found by code (None: the rules' decisions stand)."""
        if self._judge is None and self.judge_name != "rules":
            self._judge = make_judge(self.judge_name, self.client)
        return self._judge

    def extract(self, article: Article | str) -> Extraction:
        """Read one article; safe to call from many threads at once (see ``_cpu``)."""
        with self._cpu:
            return self._extract(article)

    def _extract(self, article: Article | str) -> Extraction:
        if isinstance(article, str):
            article = Article(id="article", text=article)
        started = time.perf_counter()
        text = article.text
        segments = split_segments(text)
        registry = ActorRegistry()
        reading = _Reading()
        if self.prompt.reader in ("rules", "pointer", "questions"):
            from stance.reading.candidate_pipeline import read_candidates

            def ask(messages: list[dict[str, str]], model: type[T]) -> T:
                return self._ask(messages, model, reading)

            found = read_candidates(text, segments, registry, self.prompt, ask, self.judge())
            reading.drafts, reading.rejected, reading.errors = (
                found.drafts, found.rejected, found.errors
            )  # fmt: skip
            extraction = self._assemble(article, registry, reading, segments, checks=False)
            extraction.segments = len(segments)
            extraction.provenance.latency_s = round(time.perf_counter() - started, 3)
            return extraction
        for segment in segments:
            if not self.reads(segment):
                continue
            try:
                self._read_segment(text, segment, registry, reading)
            except ExtractionError as exc:
                reading.errors.append(SegmentError(segment=segment.index, message=str(exc)))
        extraction = self._assemble(article, registry, reading, segments)
        extraction.segments = len(segments)
        extraction.provenance.latency_s = round(time.perf_counter() - started, 3)
        return extraction

    def reads(self, segment: Segment) -> bool:
        """Is this paragraph sent to the model? (Narration and headings are not.)"""
        return segment.worth_reading or self.read_all_segments

    def messages_for(
        self, segment: Segment, registry: ActorRegistry | None = None
    ) -> list[dict[str, str]]:
        """The chat messages for one paragraph, naming the speakers in ``registry`` (the
        model's earlier answers live, the text's own "X said" in a batch file)."""
        speakers, last_person = (registry or ActorRegistry()).context()
        return self.prompt.messages(
            paragraph=segment.text, speakers=speakers, last_person=last_person
        )

    def assemble_answers(
        self,
        article: Article,
        answers: Mapping[int, ParagraphAnswer | str],
        usage: Usage,
        *,
        not_found: str,
    ) -> Extraction:
        """Ground, merge and assemble answers obtained elsewhere (a batch results file).

        ``answers`` maps a segment index to the model's answer, or to the message saying
        why there is none (a SegmentError). No re-ask is possible: an unaligned quote is
        rejected with ``not_found`` in its reason.
        """
        segments = split_segments(article.text)
        registry = ActorRegistry()
        reading = _Reading(usage=usage)
        for index in sorted(answers):
            answer, segment = answers[index], segments[index]
            if isinstance(answer, str):
                reading.errors.append(SegmentError(segment=index, message=answer))
                continue
            for item in answer.claims:
                alignment = self._align(item.quote, article.text, segment)
                self._accept(article.text, item, alignment, segment, registry, reading, not_found)
        extraction = self._assemble(article, registry, reading, segments)
        extraction.segments = len(segments)
        return extraction

    def _read_segment(
        self,
        text: str,
        segment: Segment,
        registry: ActorRegistry,
        reading: _Reading,
    ) -> None:
        messages = self.messages_for(segment, registry)
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
        self._cpu.release()  # the wait on the model is where other articles' work goes
        try:
            result = self.client.ask(messages, model, prompt_hash=self.prompt.sha256)
        finally:
            self._cpu.acquire()
        reading.usage = reading.usage + Usage(
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            calls=0 if result.cached else 1,
            cached_calls=1 if result.cached else 0,
            model_seconds=result.recorded_latency_s if result.cached else result.latency_s,
            cached_prompt_tokens=result.prompt_tokens if result.cached else 0,
            cached_completion_tokens=result.completion_tokens if result.cached else 0,
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
        not_found: str = "after one re-ask",
    ) -> None:
        if not alignment.aligned or alignment.span is None:
            reading.rejected.append(
                Rejected(
                    quote=item.quote,
                    speaker=item.speaker,
                    reason=(
                        f"{REJECTED_NOT_FOUND}, {not_found} "
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
            type=claim_type_of(item, text_quote, about_self=about_self(registry, key, text_quote)),
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

    def _judge_identity(self) -> dict[str, str]:
        if self.prompt.reader not in ("rules", "pointer", "questions"):
            return {}
        judge = self.judge()
        return {"judge": "rules"} if judge is None else judge.identity

    def _assemble(
        self,
        article: Article,
        registry: ActorRegistry,
        reading: _Reading,
        segments: list[Segment],
        *,
        checks: bool = True,
    ) -> Extraction:
        provenance = Provenance(
            model=self.client.model_id,
            endpoint=self.client.endpoint,
            prompt=self.prompt.info,
            stance_version=stance_version(),
            parameters=dict(self.client.parameters),
            judge=self._judge_identity(),
            usage=reading.usage,
            created_at=datetime.now(timezone.utc),
        )
        return assemble(
            article,
            registry,
            reading.drafts,
            segments,
            rejected=reading.rejected,
            errors=reading.errors,
            provenance=provenance,
            checks=checks,
        )


__all__ = ["Extractor"]
