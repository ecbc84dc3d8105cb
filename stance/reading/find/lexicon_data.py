"""The lexicon (``stance/data/lexicon.yaml``) as frozen sets, read once: the attribution
finder's cues and the actor registry's role words, pronouns and vague speakers alike.

Why a file: the cue words are data that a reviewer tunes and argues about, so they live in one
commented YAML file rather than in the rule code. Why frozen: the rules share one instance
per process and must not change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = ["Lexicon", "lexicon", "lexicon_from_mapping"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lemma sets by role; see the comments in ``lexicon.yaml`` for why each group exists."""

    speech_verbs: frozenset[str]
    argument_verbs: frozenset[str]
    belief_verbs: frozenset[str]
    evidence_verbs: frozenset[str]
    object_verbs: frozenset[str]
    xcomp_verbs: frozenset[str]
    phrasal_verbs: dict[str, frozenset[str]]
    denial_cues: frozenset[str]
    hedges: frozenset[str]
    nominal_cues: frozenset[str]
    according_to: tuple[str, ...]
    evidence_nouns: frozenset[str]
    titles: frozenset[str]
    generic_sources: frozenset[str]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    claim_types: dict[str, str]  # cue lemma -> claim type (assertion when absent)
    institutions: frozenset[str] = frozenset()  # "the company" as the speaker's own body
    role_words: frozenset[str] = frozenset()  # a role phrase before a name ("Secretary of")
    speaker_pronouns: frozenset[str] = frozenset()  # a speaker that is only a pronoun
    unnamed_speakers: frozenset[str] = frozenset()  # too vague to own a claim ("critics")
    organised_nouns: frozenset[str] = frozenset()  # "campaign": a body, not a person
    document_nouns: frozenset[str] = frozenset()  # "statement": a writing, not a person
    spokes_words: frozenset[str] = frozenset()  # "a spokesperson for X" speaks for X
    government_words: frozenset[str] = frozenset()  # "the ministry in Lisbon"
    people_nouns: frozenset[str] = frozenset()  # "family", "staff": people, not things
    quantity_words: frozenset[str] = frozenset()  # "half of the voters": a share of someone
    male_pronouns: frozenset[str] = frozenset()  # "he": not a person the text calls "Ms."
    female_pronouns: frozenset[str] = frozenset()
    male_words: frozenset[str] = frozenset()  # "Mr.", "spokesman"
    female_words: frozenset[str] = frozenset()  # "Ms.", "spokeswoman"

    @property
    def clause_verbs(self) -> frozenset[str]:
        """Every verb that is a cue when it governs a clause or a quote."""
        return self.speech_verbs | self.argument_verbs | self.belief_verbs | self.evidence_verbs

    @property
    def reporting_verbs(self) -> frozenset[str]:
        """Verbs whose clause or object is what someone said or rejected: a report in "X
        said (in a statement) that ...", "X denied that ..."."""
        return self.clause_verbs | self.denial_cues

    @property
    def quote_verbs(self) -> frozenset[str]:
        """Verbs that take a quotation standing next to them ("he said:" + quote)."""
        return self.speech_verbs | self.argument_verbs

    @property
    def speaker_nouns(self) -> frozenset[str]:
        """Every common noun the lexicon knows to name people, a body or a writing that
        speaks for one: what a source's head may be (``speaker_nouns.can_speak``)."""
        return (
            self.titles | self.generic_sources | self.institutions | self.organised_nouns
            | self.document_nouns | self.evidence_nouns | self.spokes_words
            | self.government_words | self.role_words | self.people_nouns
        )  # fmt: skip

    @property
    def pronouns(self) -> frozenset[str]:
        return self.person_pronouns | self.group_pronouns


def _words(value: Any) -> frozenset[str]:
    return frozenset(str(w).lower() for w in value or ())


def lexicon_from_mapping(data: dict[str, Any]) -> Lexicon:
    """A ``Lexicon`` from the parsed YAML mapping (tests may pass their own)."""
    verbs = data.get("clause_verbs") or {}
    pronouns = data.get("pronouns") or {}
    phrasal = data.get("phrasal_verbs") or {}
    gender = data.get("gender") or {}
    return Lexicon(
        speech_verbs=_words(verbs.get("speech")),
        argument_verbs=_words(verbs.get("argument")),
        belief_verbs=_words(verbs.get("belief")),
        evidence_verbs=_words(verbs.get("evidence")),
        object_verbs=_words(data.get("object_verbs")),
        xcomp_verbs=_words(data.get("xcomp_verbs")),
        phrasal_verbs={str(k).lower(): _words(v) for k, v in phrasal.items()},
        denial_cues=_words(data.get("denial_cues")),
        hedges=_words(data.get("hedges")),
        nominal_cues=_words(data.get("nominal_cues")),
        according_to=tuple(str(p).lower() for p in data.get("according_to") or ()),
        evidence_nouns=_words(data.get("evidence_nouns")),
        titles=_words(data.get("titles")),
        generic_sources=_words(data.get("generic_sources")),
        person_pronouns=_words(pronouns.get("person")),
        claim_types={
            str(lemma).lower(): str(kind)
            for kind, lemmas in (data.get("claim_types") or {}).items()
            for lemma in lemmas or ()
        },
        group_pronouns=_words(pronouns.get("group")),
        institutions=_words(data.get("institutions")),
        role_words=_words(data.get("role_words")),
        speaker_pronouns=_words(data.get("speaker_pronouns")),
        unnamed_speakers=_words(data.get("unnamed_speakers")),
        organised_nouns=_words(data.get("organised_nouns")),
        document_nouns=_words(data.get("document_nouns")),
        spokes_words=_words(data.get("spokes_words")),
        government_words=_words(data.get("government_words")),
        people_nouns=_words(data.get("people_nouns")),
        quantity_words=_words(data.get("quantity_words")),
        male_pronouns=_words(gender.get("male_pronouns")),
        female_pronouns=_words(gender.get("female_pronouns")),
        male_words=_words(gender.get("male")),
        female_words=_words(gender.get("female")),
    )


@cache
def lexicon() -> Lexicon:
    """The packaged lexicon, parsed on first use and shared afterwards."""
    text = files("stance").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("stance/data/lexicon.yaml must be a mapping")
    return lexicon_from_mapping(data)
