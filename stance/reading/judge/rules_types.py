"""The claim type code reads from a candidate's words, and whose voice those words are in.

Split from the rules reader, which applies it to every candidate: the cue's lemma, the
modal ("will", "must", reported "would"), negation, conditions and the words' first subject
decide between the claim types, in the order ``claim_type`` states. The word patterns live
in ``type_words``; this module holds only the order in which they are asked.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from stance.reading.find.actors import ActorRegistry, country_of
from stance.reading.find.actors import lexicon as places
from stance.reading.find.candidates import Candidate
from stance.reading.find.document import Document
from stance.reading.find.lexicon_data import Lexicon
from stance.reading.find.type_words import (
    BLAME,
    CONDITION,
    DENIES,
    FORECAST,
    HEDGED_DEED,
    JUDGING,
    LET_THEM,
    MUST,
    NEGATED_FUTURE,
    NEGATION,
    NOT_TO,
    PLANS,
    REFUSES,
    WILL,
    WOULD,
)
from stance.schema import ClaimType, Span

__all__ = ["Voice", "claim_type", "voice_of"]


@dataclass(frozen=True)
class Voice:
    """Who the words are about, as far as code can tell."""

    self_talk: bool  # the speaker talks about itself ("we will", "said it would")
    quoted: bool  # direct speech: "would" there is a conditional, not a reported "will"
    other_subject: bool  # another actor is named where the subject stands


def claim_type(cand: Candidate, lemma: str, lex: Lexicon, quote: str, voice: Voice) -> ClaimType:
    """The claim type from the words, for readers that decide it by rule.

    In order: a denial cue or denying words ("groundless"); a refusal to put up with
    something ("we will not accept interference") a warning; a condition with a consequence
    ("if they don't, we will", "unless ...") a warning, unless the cue names a type; a
    negation the speaker says about itself ("said it does not interfere") a denial, or, in
    the future ("we will not raise fees", reported "it would not"), a commitment; then the
    cue's own type (accuse, warn, promise, urge ...; a belief about another's deed is an
    accusation); then the words: "must"/"should" or a clause-opening "let them" make a
    demand; a condition with a consequence a warning; a future ("will", and in reported
    speech "would") a commitment when the speaker speaks of itself or the future itself is
    negated ("no child would lose a meal": an assurance; not "a debt it could not
    control"), else a prediction; a deed of others told with a hedge ("appear to have
    pumped"), blaming words, or another actor as the subject of a deed, an accusation;
    a forecast in the words ("expects ... to reopen") a prediction; judging words an
    opinion.
    """
    future = WILL.search(quote) or (not voice.quoted and WOULD.search(quote))
    if cand.denial or DENIES.search(quote):
        return ClaimType.DENIAL
    if REFUSES.search(quote):
        return ClaimType.WARNING  # "we will not accept interference": a threat, not a promise
    if future and CONDITION.search(quote) and not lex.claim_types.get(lemma):
        return ClaimType.WARNING
    # "a commitment not to interfere" reports a promise; it denies nothing
    if voice.self_talk and NEGATION.search(NOT_TO.sub(" ", quote)):
        # "we will not accept ...": a refusal promised about oneself, not a fact denied
        promised = WILL.search(quote) or (not voice.quoted and NEGATED_FUTURE.search(quote))
        return ClaimType.COMMITMENT if promised else ClaimType.DENIAL
    named = lex.claim_types.get(lemma)
    # "the US believes Chinese support is enabling Russia": a belief about another's deed
    if (
        named == "opinion"
        and not voice.self_talk
        and (BLAME.search(quote) or voice.other_subject or HEDGED_DEED.search(quote))
    ):
        return ClaimType.ACCUSATION
    if named:
        return ClaimType(named)
    if MUST.search(quote) or LET_THEM.search(quote):
        return ClaimType.DEMAND
    if future and CONDITION.search(quote):
        return ClaimType.WARNING
    if future or PLANS.search(quote):
        if NEGATED_FUTURE.search(quote):
            return ClaimType.COMMITMENT  # "the prime minister would not intervene"
        return ClaimType.COMMITMENT if voice.self_talk else ClaimType.PREDICTION
    if FORECAST.search(quote):
        return ClaimType.PREDICTION  # "expects the terminal to reopen within ten days"
    if not voice.self_talk and HEDGED_DEED.search(quote):
        return ClaimType.ACCUSATION  # "operations appear to have pumped beyond their licences"
    if BLAME.search(quote) or (voice.other_subject and not voice.self_talk):
        return ClaimType.ACCUSATION
    if JUDGING.search(quote):
        return ClaimType.OPINION
    return ClaimType.ASSERTION


_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_ACTOR_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_DEFINITE = frozenset({"the", "its", "our", "their", "his", "her"})


def voice_of(
    doc: Document,
    span: Span,
    quoted: bool,
    self_talk: bool,
    side: set[str],
    phrase: str,
    registry: ActorRegistry,
    lex: Lexicon,
) -> Voice:
    """Who the words' first subject is: the speaker's side, or another actor.

    The speaker's side: a first-person pronoun; in reported speech "it"/"they"/"he"/"she",
    an actor of the side, or a definite institution ("the company", "its board"). Another
    actor: a named entity outside the side ("Oslo had set ...").
    """
    subject = next(
        (t for t in doc.tokens_within(span.start, span.end) if t.dep in _SUBJECT_DEPS),
        None,
    )
    if subject is None:
        return Voice(self_talk=self_talk, quoted=quoted, other_subject=False)
    words = doc.text[doc.tokens[subject.left].start : doc.tokens[subject.right].end]
    lowered = words.lower().split()
    pronoun = subject.lower in {"we", "i"} or (not quoted and subject.lower in lex.pronouns)
    institution = (
        not quoted and len(lowered) <= 4 and lowered[0] in _DEFINITE
        and subject.lower in lex.institutions
    )  # fmt: skip
    # what the speaker owns speaks for it: "its systems had not been hacked", "our factories"
    owned = lowered[0] in {"our", "my"} or (not quoted and lowered[0] == "its")
    # "Spanish Fisheries Minister Daniel Robles said Madrid would ask ...": Madrid is his side
    home = {country_of(w) or places().demonym.get(w.lower()) for w in phrase.split()} - {None}
    own = (
        pronoun or institution or owned or any(registry.named_in(k, words) for k in side)
        or country_of(words) in home
    )  # fmt: skip
    subject_end = doc.tokens[subject.right].end
    first = bisect_left(doc.entities, subject.start, key=lambda e: e.start)
    last = bisect_left(doc.entities, subject_end, key=lambda e: e.start)
    named_other = any(e.label in _ACTOR_ENTITIES for e in doc.entities[first:last]) or any(
        k not in side and registry.named_in(k, words) for k in registry.actor_keys()
    )
    return Voice(self_talk=self_talk or own, quoted=quoted, other_subject=named_other and not own)
