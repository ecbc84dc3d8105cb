"""What the article itself says of a person's gender, so that "she" does not go to a man.

spaCy's small model knows no gender, and a list of first names would know only some
cultures' names. News says it in words instead: an honorific before the surname ("Mr.
Okafor", "Ms. Rahman": NYT style gives one to nearly everyone) or a gendered role in the
phrase that names the person ("a spokeswoman", "the chairman"). Words for both, or none,
tell nothing, and the pronoun rules then go on as before.
"""

from __future__ import annotations

from typing import Literal

from stance.reading.find.document import Document, TextSpan, Token
from stance.reading.find.lexicon_data import Lexicon

__all__ = ["Gender", "gender_of", "pronoun_gender"]

Gender = Literal["male", "female"]


def pronoun_gender(word: str, lex: Lexicon) -> Gender | None:
    """The gender a pronoun says: "he", "him", "his" male; "she", "her" female."""
    lowered = word.lower()
    if lowered in lex.male_pronouns:
        return "male"
    if lowered in lex.female_pronouns:
        return "female"
    return None


def gender_of(doc: Document, name: str, phrase: TextSpan | None, lex: Lexicon) -> Gender | None:
    """The gender the text gives the person ``name``: honorifics before its last word
    anywhere in the article, and gendered words in ``phrase`` (the subject phrase that named
    it, appositions included); None when it gives none or both."""
    words = name.split()
    if not words:
        return None
    surname = words[-1].lower()
    said: set[Gender] = set()
    tokens = doc.tokens
    # "Mr. Trump" says nothing of Ivanka Trump: an honorific speaks of a surname only when
    # one person in the article bears it (one given name before it, whatever spaCy labels)
    not_given = lex.male_words | lex.female_words | lex.titles | lex.role_words
    given = {
        tokens[i - 1].lower
        for i in range(1, len(tokens))
        if tokens[i].lower == surname
        and tokens[i - 1].pos == "PROPN"
        and tokens[i - 1].lower.rstrip(".") not in not_given
    }
    given |= {
        e.text.lower().split()[0]
        for e in doc.entities
        if e.label == "PERSON" and " " in e.text and _surname(e.text) == surname
    }
    for i in range(1, len(tokens) if len(given) <= 1 else 0):
        if tokens[i].lower == surname or (
            i + 1 < len(tokens) and tokens[i + 1].lower == surname and tokens[i].pos == "PROPN"
        ):
            honorific = tokens[i - 1].lower.rstrip(".")
            if honorific in lex.male_words:
                said.add("male")
            elif honorific in lex.female_words:
                said.add("female")
    if phrase is not None:
        for tok in _naming_words(doc, phrase):
            lemma = tok.lower.rstrip(".")
            if lemma in lex.male_words:
                said.add("male")
            elif lemma in lex.female_words:
                said.add("female")
    return next(iter(said)) if len(said) == 1 else None


def _surname(name: str) -> str:
    return name.lower().split()[-1].removesuffix("'s").removesuffix("’s")


_NAMING = frozenset({"appos", "compound", "amod", "det", "nmod"})


def _naming_words(doc: Document, phrase: TextSpan) -> list[Token]:
    """The words of a phrase that say what its head is: the head, its appositions, and the
    words compounded with them ("Federal Reserve chairwoman, Janet Yellen"), not a clause or
    a possessor inside ("Ivanka Trump, who works at her father's company")."""
    tokens = doc.tokens_within(phrase.start, phrase.end)
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head == t.i or t.head not in inside]
    out: list[Token] = []
    while heads:
        tok = heads.pop()
        out.append(tok)
        heads.extend(
            doc.tokens[c] for c in tok.children if c in inside and doc.tokens[c].dep in _NAMING
        )
    return out
