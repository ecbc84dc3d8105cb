"""What a definite description stands for: "the watchdog said" after "the Consumer Money
Council, the national consumer finance watchdog, ...", "the authority" after "the Fair Markets
Authority", "the minister" after "Health Minister Daniel Ferreira".

Why: news names a body or a person once and then calls it by its kind. Read literally, "the
watchdog" becomes an actor of its own, apart from the council it stands for, and its claims and
stances go to nobody the reader knows. The text itself says what the description means when an
earlier source says more with the same noun ("Kastrel's foreign ministry denied ... the
ministry said"), an earlier name ends in it ("Authority"), or the noun stands beside the name
(an apposition or a title before it). Only then is it resolved; otherwise it stays as written.
"""

from __future__ import annotations

from collections.abc import Sequence

from stance.reading.find.document import Document, Entity, TextSpan, Token
from stance.reading.find.lexicon_data import Lexicon
from stance.reading.find.source_names import SourceMention, name_of

__all__ = ["DESCRIPTION_WINDOW", "resolve_description"]

DESCRIPTION_WINDOW = 20  # sentences back in which a description's antecedent is looked for
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_DEFINITE = frozenset({"the"})
_MAX_WORDS = 4  # "the national consumer watchdog": longer phrases say more than a kind


def resolve_description(
    doc: Document, mention: SourceMention, earlier: Sequence[SourceMention], lex: Lexicon
) -> SourceMention:
    """``mention`` with the earlier name it describes as its antecedent, when it is a short
    definite description ("the watchdog", "the health minister") and the text ties its noun
    to a name before it: an earlier source with the same head and more words ("Kastrel's
    foreign ministry denied the charge. ... the ministry said"), else the nearest name the
    text calls so. Anything else comes back unchanged."""
    if mention.is_pronoun or mention.antecedent is not None:
        return mention
    head = doc.tokens[mention.head]
    words = doc.tokens_within(mention.span.start, mention.span.end)
    if (
        head.pos != "NOUN"
        or not words
        or len(words) > _MAX_WORDS
        or doc.tokens_within(mention.phrase.start, mention.phrase.end)[0].lower not in _DEFINITE
        or any(w.ent_type or w.pos == "PROPN" for w in words)
        or head.lower in lex.generic_sources
        or head.tag == "NNS"  # "the committee chairmen" are not one of them
    ):
        return mention
    noun = head.lemma.lower()
    # every word of the description must describe the name too: "the vice president" is
    # not "President Obama", nor "the former president"
    modifiers = frozenset(w.lemma.lower() for w in words if w.i != head.i)
    window = head.sentence - DESCRIPTION_WINDOW
    for prev in reversed(earlier):
        prev_head = doc.tokens[prev.head]
        if prev.is_pronoun or prev_head.start >= head.start or prev_head.sentence < window:
            continue
        prev_words = doc.tokens_within(prev.span.start, prev.span.end)
        if (
            prev_head.lemma.lower() == noun
            and len(prev_words) > len(words)
            and modifiers <= {w.lemma.lower() for w in prev_words}
        ):  # "Kastrel's foreign ministry" for "the ministry", not for "the environment ministry"
            return _resolved(mention, prev.span, prev.name)
    for entity in reversed(doc.entities):
        if entity.end > head.start or entity.label not in _ACTOR_LABELS:
            continue
        if doc.tokens[entity.first].sentence < window:
            break
        if _described_as(doc, entity, noun, modifiers):
            return _resolved(mention, doc.span(entity.start, entity.end), name_of(entity.text))
    # a lede names by description and the body by name: "the health minister promised ...",
    # later "Health Minister Daniel Ferreira said": forward only with more than a noun
    if not modifiers:
        return mention
    for entity in doc.entities:
        if entity.start < head.start or entity.label not in _ACTOR_LABELS:
            continue
        if doc.tokens[entity.first].sentence > head.sentence + DESCRIPTION_WINDOW:
            break
        if _described_as(doc, entity, noun, modifiers):
            return _resolved(mention, doc.span(entity.start, entity.end), name_of(entity.text))
    return mention


def _resolved(mention: SourceMention, antecedent: TextSpan, name: str) -> SourceMention:
    """``mention`` standing for ``name``, written at ``antecedent``."""
    return SourceMention(mention.head, mention.span, mention.phrase, name, False, antecedent)


def _described_as(doc: Document, entity: Entity, noun: str, modifiers: frozenset[str]) -> bool:
    """Whether the text calls ``entity`` by ``noun`` (and every one of ``modifiers``): a
    body's name ending in it ("Fair Markets Authority"), a title before the name ("Health
    Minister Daniel Ferreira"), or an apposition either way ("X, the national watchdog," /
    "the watchdog, X,")."""
    last = doc.tokens[entity.last]
    if (
        entity.label != "PERSON"
        and last.lemma.lower() == noun
        and entity.first < entity.last
        and modifiers <= {t.lemma.lower() for t in doc.tokens[entity.first : entity.last]}
    ):
        return True
    inside = range(entity.first, entity.last + 1)
    sentence = doc.tokens[entity.first].sentence
    title: list[Token] = []  # the words before the name that hang on it, read leftwards
    attached = set(inside)
    for i in range(entity.first - 1, max(entity.first - 4 - len(modifiers), -1), -1):
        tok = doc.tokens[i]
        if tok.head not in attached or tok.sentence != sentence:
            break
        title.append(tok)
        attached.add(i)
    lemmas = {t.lemma.lower() for t in title}
    if noun in lemmas and modifiers <= lemmas:
        return True  # "Health Minister Daniel Ferreira"
    after = entity.last + 1
    if after < len(doc.tokens) and doc.tokens[after].text == ",":
        steps = range(after + 1, after + 1 + _APPOSITION)
        if _phrase_headed_by(doc, steps, noun, modifiers, sentence):
            return True  # "the Consumer Money Council, the national ... watchdog,"
    before = entity.first - 1
    if before > 0 and doc.tokens[before].text == ",":
        steps = range(before - 1, max(before - _APPOSITION, 0) - 1, -1)
        if _phrase_headed_by(doc, steps, noun, modifiers, sentence):
            return True  # "the national watchdog, the Consumer Money Council,"
    return False


_APPOSITION = 8  # words an apposition may have


def _phrase_headed_by(
    doc: Document, steps: range, noun: str, modifiers: frozenset[str], sentence: int
) -> bool:
    """Whether the words from the first of ``steps`` up to the next punctuation form a
    phrase headed by ``noun``: an apposition beside a name, read outward from the comma."""
    phrase = []
    for i in steps:
        if (
            i >= len(doc.tokens)
            or doc.tokens[i].pos == "PUNCT"
            or doc.tokens[i].sentence != sentence
        ):
            break
        phrase.append(i)
    within = set(phrase)
    if not modifiers <= {doc.tokens[i].lemma.lower() for i in phrase}:
        return False
    return any(
        doc.tokens[i].pos == "NOUN"
        and doc.tokens[i].lemma.lower() == noun
        and doc.tokens[i].head not in within
        for i in phrase
    )
