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

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from stance.reading.base.merge import Draft
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.candidates import Candidate, CandidateKind, find_candidates
from stance.reading.find.document import Document, TextSpan, Token
from stance.reading.find.lexicon_data import Lexicon, lexicon
from stance.reading.find.segments import Segment
from stance.reading.find.source_actor import source_actor
from stance.reading.find.speaker_nouns import can_speak
from stance.reading.judge.denial_links import contains, content_stems
from stance.reading.judge.rules_types import claim_type, voice_of
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

_DENIABLE = {
    ClaimType.ACCUSATION, ClaimType.ASSERTION, ClaimType.WARNING, ClaimType.OPINION,
    ClaimType.DEMAND,
}  # fmt: skip
_AGAINST = {ClaimType.ACCUSATION, ClaimType.DENIAL, ClaimType.WARNING, ClaimType.DEMAND}
_QUOTE_EDGES = "\"'“”‘’„«» \n"
_TRAILING = ",;: "  # punctuation the quotation mark closed over: "We will not sign," she said


# why a candidate is set aside: each reason says what a reader of the record should know
_NO_VERB = (
    "a thing named, not words said: the cue's object has no verb "
    '("welcomed the deal", "discussed talks")'
)
_ASKED = (
    'a question put to the interviewee ("Do you expect ...?"): the interviewer\'s words, '
    "not a claim"
)
_NOT_A_SPEAKER = (
    "a thing, not a speaker: the source's head noun names neither people nor a body "
    '("bills that seem to ...", "72 hours to report")'
)
_THING_QUOTED = (
    "quoted words of a thing, not a speaker (a sign, a post, a headline, a comment): no one "
    "named says them"
)
_NO_SOURCE = (
    "no named source: the text says no one, or only a pronoun or a generic word that no "
    "earlier speaker resolves"
)


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
    grounds: dict[int, int] = {}  # draft -> offset of the denial cue it gives grounds for
    for cand in _one_per_part(find_candidates(doc, lex)):
        segment = max(0, bisect_right(starts, cand.content.start) - 1)
        span = _quote_span(doc.text, cand)
        quote = doc.text[span.start : span.end]
        quoted = (
            cand.kind in (CandidateKind.DIRECT_QUOTE, CandidateKind.ANSWER)  # words as spoken
            or cand.content.text[:1] in '"“‘«„'
        )
        bare = not quoted and (_bare_object(doc, span, any_length=cand.denial) or cand.names_only)
        if bare and not cand.denial:
            rejected.append(_rejected(cand, quote, segment, _NO_VERB))
            continue
        if cand.asked:
            rejected.append(_rejected(cand, quote, segment, _ASKED))
            continue
        thing = (
            cand.source is not None
            and cand.source_antecedent is None
            and not can_speak(doc, cand.source, lex)
        ) or (quoted and cand.source is None and _inverted_thing(doc, cand, lex))
        if thing and (not quoted or _indefinite(doc, cand)):
            # "a sign read", "a comment posted anonymously said": a thing new to the text said
            # it, so no one named did; never given to the last person quoted (an injected
            # "confession" in an anonymous comment would be put in a named official's mouth)
            rejected.append(
                _rejected(cand, quote, segment, _THING_QUOTED if quoted else _NOT_A_SPEAKER)
            )
            continue
        # a quotation whose subject is some other thing ("the statement said", or a misparse)
        # reads like one with no subject (below)
        name, kind = (None, "other") if thing else source_actor(doc, cand, lex)
        key = registry.resolve(name, kind) if name else None
        if key is not None:
            registry.complete_role(key, doc.text)
        surface = cand.source.text if cand.source and cand.source_antecedent else ""
        if key is not None and surface and not registry.is_pronoun(surface):
            registry.described_as(key, surface)  # "the watchdog" said it: a mention of its own
        guessed = key is None and quoted and cand.kind is not CandidateKind.ANSWER
        if guessed:
            # a quotation whose cue has no readable subject: the last person quoted, the
            # one a reader would assume, when they spoke in this paragraph or the two before
            # (the pointer reader asks the model to check it); else no one's. An interview's
            # answer with no interviewee named is no one's: the layout names no speaker.
            key = _speaking_nearby(doc, drafts, registry.last_person, cand.content.start)
        if key is None:
            rejected.append(_rejected(cand, quote, segment, _NO_SOURCE))
            continue
        # the speaker talks about itself: "we", its own name, or reported speech whose
        # clause opens with a pronoun ("Beijing said it does not interfere")
        self_talk = (
            bool(_FIRST_PERSON.search(quote))
            or registry.named_in(key, quote)
            or (not quoted and bool(_PRONOUN_SUBJECT.match(quote)))
        )
        phrase = cand.source_phrase.text if cand.source_phrase else ""
        side = {key} | {k for k in registry.actor_keys() if phrase and registry.named_in(k, phrase)}
        voice = voice_of(doc, span, quoted, self_talk, side, phrase, registry, lex)
        kind_of_claim = claim_type(cand, lemma_at.get(cand.cue.start, ""), lex, quote, voice)
        claim = Claim(
            id="",
            claimer=key,
            type=kind_of_claim,
            attribution=Attribution.DIRECT if quoted else Attribution.INDIRECT,
            quote=quote,
            span=span,
            alignment=AlignmentStatus.EXACT,
            alignment_score=100.0,
            cue=cand.cue.text,
            source_span=None if guessed else _span(cand.source),
            cue_span=_span(cand.cue),
            hedged=cand.hedged,
            segment=segment,
        )
        target = next(
            (k for k in registry.actor_keys() if k != key and registry.named_in(k, quote)), None
        )  # the first other actor the words name: what the claim is about, by rule
        if target is not None:
            claim.target = registry.name_of(target)
        drafts.append(
            Draft(
                claim=claim,
                polarity=Polarity.AGAINST if kind_of_claim in _AGAINST else Polarity.NEUTRAL,
                denies_text="",
                claimer_key=key,
                target_key=target,
                named_in_quote=registry.named_in(key, quote),
                speaker_in_text=cand.source_antecedent is None and not guessed,
                marker=bare,
                reported_inside=cand.reported_inside,
                side=frozenset(side - {key}),
            )
        )
        if cand.grounds_of is not None:
            grounds[id(drafts[-1])] = cand.grounds_of
    _words_after_a_rejection(doc, drafts, grounds)
    _link_denials(drafts, registry)
    _grounds_answer_what_was_named(drafts, grounds)
    return RulesReading(drafts, rejected)


def _inverted_thing(doc: Document, cand: Candidate, lex: Lexicon) -> bool:
    """ "“...,” read a comment posted under the video": the noun after the cue, which the
    parse often takes for its object, is the quotation's source, and a thing."""
    cue = doc.tokens_within(cand.cue.start, cand.cue.end)
    for token in cue:
        for child in token.children:
            noun = doc.tokens[child]
            if child > token.i and noun.dep in _INVERTED and noun.pos == "NOUN":
                return not can_speak(doc, doc.span(noun.start, noun.end), lex) or (
                    _unowned_writing(doc, noun, lex)
                )
    return False


def _unowned_writing(doc: Document, noun: Token, lex: Lexicon) -> bool:
    """A writing that the text gives no owner: not a person or body, no possessive, and
    indefinite ("a comment posted anonymously"). "The statement said" refers back to a
    statement already given to someone; "his letter" and "the ministry's note" have one."""
    lemma = noun.lemma.lower()
    if lemma in lex.people_nouns | lex.institutions | lex.titles | lex.spokes_words:
        return False
    kids = [doc.tokens[c] for c in noun.children if c < noun.i]
    if any(k.dep == "poss" for k in kids):
        return False
    return not any(k.dep == "det" and k.lower in _DEFINITE for k in kids)


_DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "his", "her", "their"})


_INVERTED = frozenset({"dobj", "nsubj", "nsubjpass", "attr"})
NEARBY = 2


def _indefinite(doc: Document, cand: Candidate) -> bool:
    """Whether the quotation's thing is new to the text: "a comment", "one placard", or the
    noun after the cue that the parse took for its object."""
    if cand.source is None:
        return True  # _inverted_thing found an unowned writing after the cue
    phrase = cand.source_phrase or cand.source
    tokens = doc.tokens_within(phrase.start, phrase.end)
    kids = [doc.tokens[c] for t in tokens for c in t.children]
    return any(
        t.dep in ("det", "nummod") and t.lower in ("a", "an", "one", "another")
        for t in (*tokens, *kids)
    )


def _speaking_nearby(
    doc: Document, drafts: list[Draft], key: str | None, offset: int
) -> str | None:
    """``key`` when its last claim is in the paragraph at ``offset`` or one of the ``NEARBY``
    before it (a paragraph of narration often stands between two quotations of one person)."""
    if key is None:
        return None
    here = _paragraph(doc, offset)
    for draft in reversed(drafts):
        if draft.claimer_key == key:
            return key if here - _paragraph(doc, draft.claim.span.start) <= NEARBY else None
    return None


def _paragraph(doc: Document, offset: int) -> int:
    tokens = doc.tokens_within(offset, offset + 1)
    return doc.sentences[tokens[0].sentence].paragraph if tokens else 0


def _rejected(cand: Candidate, quote: str, segment: int, reason: str) -> Rejected:
    return Rejected(
        quote=quote,
        speaker=cand.source.text if cand.source else "",
        reason=reason,
        segment=segment,
    )


def _link_denials(drafts: list[Draft], registry: ActorRegistry) -> None:
    """Point each denial at the earlier claim it most plausibly answers, by rule.

    A denier speaks for its side: itself and the actors its source phrase or its words name
    ("a spokesman for the Russian foreign ministry", "Russia does not interfere"). The claim
    denied is an earlier one by someone outside that side, preferring one whose words or
    target name the side, then accusations, then one by an actor the denial names, then a
    statement of fact over an opinion, warning or demand (a denial says something is not
    so), then one sharing more content words with the denial ("does not interfere" answers
    "attempts to ... interfere"), then the nearest. A report that quotes part of its
    speaker's fuller quotation is that statement: the quotation is the claim answered. A
    denial that only names what it rejects ("disputed the researcher's account") answers
    the actor it names before any other.
    """
    for index, denial in enumerate(drafts):
        if denial.claim.type is not ClaimType.DENIAL:
            continue
        side = {denial.claimer_key, *denial.side}
        best: tuple[int, int, int, int, int, int] | None = None
        chosen: Draft | None = None
        for position, other in enumerate(drafts[:index]):
            if other.claimer_key in side or other.claim.type not in _DENIABLE:
                continue
            if contains(other.claim.span, denial.claim.span):
                continue  # the words that report the denial do not make the claim it answers
            aimed = other.target_key in side or any(
                registry.named_in(k, other.claim.quote) for k in side
            )
            shared = len(content_stems(denial.claim.quote) & content_stems(other.claim.quote))
            accusation = int(other.claim.type is ClaimType.ACCUSATION)
            # "slammed the US as making groundless accusations" answers the US's claim
            named_claimer = int(registry.named_in(other.claimer_key, denial.claim.quote))
            factual = int(other.claim.type in _FACTUAL)
            score = (int(aimed), accusation, named_claimer, factual, shared, position)
            if best is None or score > best:
                best, chosen = score, other
        if chosen is not None and best is not None and any(best[:2]):
            denial.denied = _full_quotation(chosen, drafts[:index])


_EXPLAINS = frozenset(
    {ClaimType.ASSERTION, ClaimType.ACCUSATION, ClaimType.OPINION, ClaimType.DENIAL}
)


def _words_after_a_rejection(doc: Document, drafts: list[Draft], grounds: dict[int, int]) -> None:
    """ "Veloride rejected the findings. “Our fares are set by our own algorithm ...,” a
    spokesman said": a rejection that only names what it rejects is explained by its
    speaker's next words, in the same sentence or the next, and those words are the denial.
    A rejection whose grounds follow a participle ("..., saying ...") has them already; a
    promise or a warning next is not an explanation. The words are linked on their own, not
    through what the rejection named (gold: links 0.545 that way, 0.636 this way).
    """
    given = set(grounds.values())

    def sentence(offset: int) -> int:
        return doc.tokens_within(offset, offset + 1)[0].sentence

    for marker in drafts:
        cue = marker.claim.cue_span
        if not marker.marker or marker.claim.type is not ClaimType.DENIAL or cue is None:
            continue
        if cue.start in given:
            continue
        after = next(
            (
                d for d in drafts
                if not d.marker
                and d.claimer_key == marker.claimer_key
                and d.claim.span.start > cue.start
            ),
            None,
        )  # fmt: skip
        if after is None or after.claim.type not in _EXPLAINS:
            continue
        if sentence(after.claim.span.start) <= sentence(cue.start) + 1:
            after.claim.type = ClaimType.DENIAL
            after.polarity = Polarity.AGAINST


def _grounds_answer_what_was_named(drafts: list[Draft], grounds: dict[int, int]) -> None:
    """ "Disputed the researcher's account, saying the server held only encrypted backups":
    the denial is the words after "saying", and it answers what the object named, so it
    takes the link the object's words found (the account is the researcher's claim)."""
    named = {d.claim.cue_span.start: d for d in drafts if d.marker and d.claim.cue_span}
    for draft in drafts:
        marker = named.get(grounds.get(id(draft), -1))
        if marker is not None and marker.denied is not None:
            draft.denied = marker.denied


_FACTUAL = frozenset({ClaimType.ACCUSATION, ClaimType.ASSERTION})
_QUOTED_FRAGMENT = re.compile(r"[“\"]([^”\"]{8,}?)[”\"]")


def _full_quotation(chosen: Draft, earlier: list[Draft]) -> Draft:
    """The direct quotation a reported claim quotes from, if the speaker's is in ``earlier``:
    "the US has seen evidence of Chinese attempts to “influence and arguably interfere”"
    reports Blinken's "We have seen ... evidence of attempts to influence and arguably
    interfere, ...". Otherwise the claim itself."""
    if chosen.claim.attribution is Attribution.DIRECT:
        return chosen
    fragments = [" ".join(m.group(1).split()).lower() for m in _QUOTED_FRAGMENT.finditer(
        chosen.claim.quote
    )]  # fmt: skip
    for other in earlier:
        if other is chosen or other.claimer_key != chosen.claimer_key:
            continue
        words = " ".join(other.claim.quote.split()).lower()
        if other.claim.attribution is Attribution.DIRECT and any(
            len(f.split()) >= 3 and f in words for f in fragments
        ):
            return other
    return chosen


def _one_per_part(candidates: list[Candidate]) -> list[Candidate]:
    """“A,” she said, “B.” and a quotation carried on into the next paragraph are one
    attribution with several pieces (PolNeAR labels them so), but each piece is a claim of
    its own: a claim's span must not hold the "she said" between two pieces. On the gold set
    this raised attribution F1 0.760 → 0.802; on 200 PolNeAR train articles it cost F1
    0.740 → 0.714 (the second piece has no PolNeAR content of its own to pair with)."""
    out: list[Candidate] = []
    for cand in candidates:
        if len(cand.content_parts) < 2:
            out.append(cand)
            continue
        out.extend(replace(cand, content=p, content_parts=(p,)) for p in cand.content_parts)
    return out


_BARE_WORDS = (
    2  # a verbless object this short names a thing ("the deal"); 3-4 words cost PolNeAR recall
)


def _bare_object(doc: Document, span: Span, any_length: bool = False) -> bool:
    """Reported words that are a short noun phrase with no verb: what the speaker spoke
    about or acted on, not what they said. What a denial rejects is named, not said, at any
    length ("dismissed the minister's figures on the river")."""
    tokens = [t for t in doc.tokens_within(span.start, span.end) if t.pos != "PUNCT"]
    short = any_length or len(tokens) <= _BARE_WORDS
    return short and not any(t.pos in {"VERB", "AUX"} for t in tokens)


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


_FIRST_PERSON = re.compile(r"\b(?:we|our|us|I|my|me)\b")
# "it"/"they" opening reported speech is the organisation or country that speaks; "he"
# and "she" open too many reported messages of others to count
_PRONOUN_SUBJECT = re.compile(r"(?:that\s+)?(?:it|they)\b", re.IGNORECASE)
