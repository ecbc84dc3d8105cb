"""Whether a source's words can name a speaker at all: a person, a body, a place that
governs, a writing that speaks for one, and not a thing.

The parse finds the subject of a cue verb whatever it is. News uses the same verbs of
things: "bills that seem to bear little relation to use", "an organisation has 72 hours to
report it", and parse errors give "crime" or "technology" a cue. A claim needs an actor, so
a source whose head is a common noun must name people, a body or a writing (PolNeAR labels
"the report found" and "one message read" as attributions, and so do we). The test is the
head noun: a word the lexicon lists as a title, an institution, a body, a writing, a
generic source or people (``people_nouns``), a share of one of these ("half of the voters"),
or a word shaped like an agent noun ("farmer", "director", "economist", "resident",
"spokeswoman", "representative"). Names, pronouns and entities always pass: who they are is
the speaker rules' question, not this one's.
"""

from __future__ import annotations

from stance.reading.find.document import Document, TextSpan, Token
from stance.reading.find.lexicon_data import Lexicon

__all__ = ["AGENT_ENDINGS", "can_speak", "source_head"]

# endings of English agent and people nouns; a thing that happens to end so ("water",
# "sector") passes, which costs nothing worse than today's reading
AGENT_ENDINGS = (
    "er", "or", "ist", "ian", "ant", "ent", "man", "men", "woman", "women", "person",
    "people", "ee", "eer", "ive", "crat", "ic", "ary", "ar", "eur", "ess", "ite", "ate", "aire",
)  # fmt: skip


def source_head(doc: Document, span: TextSpan) -> Token | None:
    """The phrase's syntactic head: its one token whose head lies outside it."""
    tokens = doc.tokens_within(span.start, span.end)
    inside = {t.i for t in tokens}
    return next((t for t in tokens if t.head == t.i or t.head not in inside), None)


def can_speak(doc: Document, source: TextSpan, lex: Lexicon) -> bool:
    """False only when the source's head is a common noun that names neither people, nor a
    body, nor a writing: the candidate is then a thing's doing, not a claim."""
    head = source_head(doc, source)
    return head is None or _names_a_speaker(doc, head, lex)


def _names_a_speaker(doc: Document, head: Token, lex: Lexicon) -> bool:
    if head.pos in ("PROPN", "PRON") or head.tag in ("NNP", "NNPS") or _a_name(doc, head):
        return True
    # an entity as the head or as a word on it: "Beijing rejects" in a headline, where the
    # tagger took the verb for a noun the place modifies
    named = {head.i} | {c for c in head.children if c < head.i and doc.tokens[c].dep == "compound"}
    if any(e.first <= i <= e.last for e in doc.entities for i in named):
        return True
    lemma = head.lemma.lower()
    word = head.text.lower()
    known = lex.speaker_nouns  # a union of the lexicon's lists: built once per question
    if lemma in known or word in known:
        return True
    if head.pos == "NUM" or lemma in lex.quantity_words or word in lex.quantity_words:
        # a share of someone ("nearly half of the voters", "one of his aides") is who the
        # share is of; a bare share or count ("four in 10") is of people, in news
        of = next((c for c in head.children if doc.tokens[c].text.lower() == "of"), None)
        whole = next((c for c in doc.tokens[of].children), None) if of is not None else None
        return whole is None or _names_a_speaker(doc, doc.tokens[whole], lex)
    return lemma.endswith(AGENT_ENDINGS) or word.endswith(AGENT_ENDINGS)


def _a_name(doc: Document, head: Token) -> bool:
    """A capitalised word that the tagger took for a common noun ("Hannity", "Trump" at
    times): inside a sentence, or capitalised again inside a sentence elsewhere. A long word
    in capitals is a headline's shouting ("VIOLENCE"), not a name; a short one may be ("NRA")."""
    shouted = head.text.isupper() and len(head.text) > 4
    if not head.text[:1].isupper() or shouted:
        return False
    if not _opens_sentence(doc, head):
        return True
    return any(t.text == head.text and not _opens_sentence(doc, t) for t in doc.tokens)


def _opens_sentence(doc: Document, tok: Token) -> bool:
    return doc.sentences[tok.sentence].first == tok.i
