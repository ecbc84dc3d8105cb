"""Whom a claim's words are aimed at, found by code: the first other actor they name.

An accusation accuses someone, a demand asks someone: "accused Dashly of ...", "called on
the regulator to ...", "said that GridNorth had changed the requirements". The one aimed at
is named between the cue and the claim's end, and often speaks later or not at all, so it is
looked for three ways, and the earliest in the words wins:

- an actor already read (a speaker), by any of its names;
- a name the parse marks as a person or an organisation (a country by the places list), who
  becomes an actor of the record;
- a short definite description the text ties to such a name ("the company" after "Holvik
  Chemicals, the company that ..."; "the trust" after "Marden Health Trust"), by the same
  rule that resolves a speaker's description (``descriptions``).

The learned judge sets the claim's aim from ``aimed_at`` (its stance is toward that actor),
and the candidate pipeline aims the rules and model judges' claims the same way; assembly's
actor-to-actor table reads that aim, so table and stance never disagree. For the paragraph
readers, which read no parse, assembly falls back to ``named_after_cue`` (the first speaker
named). The speaker, those its source phrase names and the country its title names (its
side: "US Secretary of State Antony Blinken" speaks for the United States) are never aimed
at.
"""

from __future__ import annotations

from stance.reading.base.merge import Draft
from stance.reading.find.actors import ActorRegistry, country_of
from stance.reading.find.descriptions import resolve_description
from stance.reading.find.document import Document, Entity
from stance.reading.find.lexicon_data import Lexicon, lexicon
from stance.reading.find.source_names import mention_at, name_of

__all__ = ["aimed_at", "named_after_cue"]

_KIND_OF_LABEL = {"PERSON": "person", "ORG": "organisation"}


def _window(draft: Draft) -> tuple[int, int]:
    claim = draft.claim
    start = min(claim.cue_span.start, claim.span.start) if claim.cue_span else claim.span.start
    return start, claim.span.end


def named_after_cue(draft: Draft, registry: ActorRegistry, text: str) -> str | None:
    """The first actor already read, other than the speaker, named between the cue and the
    claim's end."""
    start, end = _window(draft)
    words = text[start:end]
    return next(
        (
            k
            for k in registry.actor_keys()
            if k != draft.claimer_key and registry.named_in(k, words)
        ),
        None,
    )


def aimed_at(
    doc: Document,
    draft: Draft,
    registry: ActorRegistry,
    lex: Lexicon | None = None,
    sides: frozenset[str] = frozenset(),
) -> str | None:
    """The key of the first actor, other than the speaker's side, that the words from the
    cue to the claim's end name or describe (see the module doc); None when none. An actor
    named only by the parse becomes one of the registry's."""
    lex = lexicon() if lex is None else lex
    start, end = _window(draft)
    words = doc.text[start:end]
    excluded = {draft.claimer_key, *sides, registry.country_served(draft.claimer_key)}
    found: list[tuple[int, str, str]] = []  # where, key or name, kind ("" for a key)
    for known in registry.actor_keys():
        at = registry.first_named_at(known, words)
        if at is not None:
            found.append((start + at, known, ""))
    for entity in doc.entities:
        named = _entity_actor(entity) if start <= entity.start and entity.end <= end else None
        if named is not None:
            found.append((entity.start, *named))
    found += _descriptions(doc, start, end, lex)
    for _, name, kind in sorted(found, key=lambda f: f[0]):
        key = registry.known(name) or registry.resolve(name, kind) if kind else name
        if key is not None and key not in excluded:
            return key
    return None


def _descriptions(doc: Document, start: int, end: int, lex: Lexicon) -> list[tuple[int, str, str]]:
    """Where, whom and what kind of actor each definite description in the words stands
    for, when the text ties it to a person's or an organisation's name."""
    found = []
    for token in doc.tokens_within(start, end):
        if token.pos != "NOUN" or token.i == 0 or doc.tokens[token.i - 1].lower != "the":
            continue
        mention = resolve_description(doc, mention_at(doc, token.i, lex), [], lex)
        if mention.antecedent is None:
            continue
        at = mention.antecedent.start
        entity = next((e for e in doc.entities if e.start == at), None)
        kind = _KIND_OF_LABEL.get(entity.label, "") if entity is not None else ""
        if kind:
            found.append((mention.span.start, mention.name, kind))
    return found


def _entity_actor(entity: Entity) -> tuple[str, str] | None:
    """The name and kind of actor an entity of the parse may be: a person, an organisation,
    or a country the places list knows; a town or a people is no one to accuse."""
    name = name_of(entity.text)
    if entity.label in _KIND_OF_LABEL and any(ch.isupper() for ch in name):
        return name, _KIND_OF_LABEL[entity.label]
    if entity.label == "GPE" and country_of(name) is not None:
        return name, "country"
    return None
