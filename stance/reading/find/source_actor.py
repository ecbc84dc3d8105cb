"""Which actor a candidate's source is: the name to resolve, and the kind of actor it names.

The parse gives the source's words (``source_names``); this decides what a reader reports of
them. A name inside an entity reads as the whole entity; the entity's label gives the kind,
unless the text says otherwise ("Ana Pacheco, who heads the cooperative": "who" is said of
people); a spokesperson speaks for the body named ("a spokesperson for the European
Commission" is the Commission); a government office named by its place speaks for that
country's government; a source no entity names takes its kind from its head noun.
"""

from __future__ import annotations

from bisect import bisect_right

from stance.reading.find.actors import country_of
from stance.reading.find.candidates import Candidate
from stance.reading.find.document import Document, TextSpan
from stance.reading.find.lexicon_data import Lexicon
from stance.reading.find.source_names import full_name, name_of, persons_named
from stance.reading.find.speaker_nouns import source_head

__all__ = ["source_actor"]

_ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "country", "NORP": "group"}


def source_actor(doc: Document, cand: Candidate, lex: Lexicon) -> tuple[str | None, str]:
    """The name to resolve and the kind of actor it is; no name when the source is missing
    or is a parse that cut a phrase in two. An all-capital name is never a pronoun ("US" is
    not "us")."""
    if cand.source is None or not cand.source_name:
        return None, "other"
    name = cand.source_name
    if not any(ch.isalpha() for ch in name) or name.count("(") != name.count(")"):
        return None, "other"
    where = cand.source_antecedent or cand.source
    entity = next((e for e in doc.entities if e.start <= where.start and where.end <= e.end), None)
    if entity is not None and entity.label == "PERSON" and len(name_of(entity.text)) > len(name):
        name = name_of(entity.text)  # the model's entity may hold a possessive: "Rubio's"
    elif cand.source_antecedent is None and name == cand.source.text:
        name = _with_given_names(doc, cand.source.start, name, lex)
        if " " not in name:  # "Brandt said" after "Tomasz Brandt" was named
            name = full_name(doc, name, cand.source.start)
    phrase = cand.source_phrase if cand.source_antecedent is None else None
    if entity is None and phrase is not None:
        spoken_for = _spoken_for(doc, where, lex)
        if spoken_for is not None:
            return spoken_for
        if lex.government_words & set(name.lower().split()):
            places = [
                e for e in doc.entities
                if e.label == "GPE" and phrase.start <= e.start and e.end <= phrase.end
            ]  # fmt: skip
            if len(places) == 1 and country_of(places[0].text):
                return places[0].text, "government"
    if name.isupper() and country_of(name):
        return country_of(name), "country"
    if entity is None:
        return name, _common_kind(doc, where, lex)
    if entity.label == "ORG" and (
        _a_person_named_elsewhere(doc, entity.text, lex)
        or (phrase is not None and _with_a_title(doc, phrase, lex))
    ):
        return name, "person"
    if entity.label != "PERSON" and phrase is not None and _said_of_a_person(doc, phrase):
        return name, "person"
    return name, _ENTITY_KINDS.get(entity.label, "other")


def _spoken_for(doc: Document, where: TextSpan, lex: Lexicon) -> tuple[str, str] | None:
    """ "A spokesperson for the European Commission" or "a Commission spokesperson": the
    body, which is who speaks. An organisation, a country's government, or a group, by the
    entity's label."""
    head = source_head(doc, where)
    if head is None or head.lower not in lex.spokes_words:
        return None
    for entity in doc.entities:  # after the word, or before it: "a Commission spokesperson"
        if (
            where.start <= entity.start
            and entity.end <= where.end
            and entity.label in _ENTITY_KINDS
        ):
            if entity.label == "GPE" and country_of(entity.text):
                return entity.text, "government"
            if entity.label in ("ORG", "NORP"):
                return entity.text, _ENTITY_KINDS[entity.label]
    return None


def _said_of_a_person(doc: Document, phrase: TextSpan) -> bool:
    """Whether the phrase's head has a relative clause opened by "who": "Ana Pacheco, who
    heads the fishing cooperative" is a person, whatever label the entity got."""
    head = source_head(doc, phrase)
    if head is None:
        return False
    for child in head.children:
        clause = doc.tokens[child]
        if clause.dep == "relcl" and doc.tokens[clause.left].lower in ("who", "whom"):
            return True
    return False


def _a_person_named_elsewhere(doc: Document, text: str, lex: Lexicon) -> bool:
    """Whether a name spaCy read as an organisation here is a person's elsewhere: the small
    model often labels the surname of "Tomasz Brandt" an organisation on its second
    mention. A name with an institution's word in it ("Brandt Bank") stays one."""
    words = text.split()
    if len(words) > 3 or any(w.lower() in lex.institutions for w in words):
        return False
    return bool(persons_named(doc, name_of(words[-1])))


def _with_a_title(doc: Document, phrase: TextSpan, lex: Lexicon) -> bool:
    """Whether the phrase's head has an apposition headed by a person's title: "Marcus
    Hale, a senior trade adviser," is a person, whatever label the entity got."""
    head = source_head(doc, phrase)
    if head is None:
        return False
    return any(
        doc.tokens[c].dep == "appos" and doc.tokens[c].lower in lex.titles for c in head.children
    )


def _with_given_names(doc: Document, start: int, name: str, lex: Lexicon) -> str:
    """ "Ana Pacheco" where the parse named only "Pacheco": the proper nouns right before
    the name, up to a title or anything else ("minister Ana Pacheco" keeps "Ana"). Proper
    nouns by the parse, not by capitals: "While" and "When" open sentences too."""
    at = bisect_right(doc.tokens, start, key=lambda t: t.start) - 1  # no list per candidate
    given: list[str] = []
    for token in reversed(doc.tokens[max(0, at - 3) : at]):
        word = token.text
        if token.pos != "PROPN" or not word.isalpha() or word.lower() in lex.titles:
            break
        if doc.text[token.end : start].strip(" "):
            break  # not right before on the same line: "Russia\n\nBlinken said" is two
        given.insert(0, word)
        start = token.start
    return " ".join([*given, name])


def _common_kind(doc: Document, where: TextSpan, lex: Lexicon) -> str:
    """The kind of a source no entity names, from its head noun: a plural ("voters", "the
    groups") a group; an institution ("the company", "O'Malley's campaign") an
    organisation; a poll or a report other; a name or a singular noun ("the judge") a
    person."""
    head = source_head(doc, where)
    if head is None:
        return "person"
    lemma = head.lemma.lower()
    if head.tag == "NNS":
        return "group"  # "voters", "the groups who wrote": several, whoever they are
    if lemma in lex.institutions or lemma in lex.organised_nouns:
        return "organisation"  # "The Ostravian agriculture ministry", whatever its tag
    if head.pos == "PROPN":
        return "person"
    return "other" if lemma in lex.evidence_nouns | lex.document_nouns else "person"
