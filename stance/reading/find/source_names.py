"""Who a cue's source is: the subject's noun phrase, the name inside it, and what a pronoun
refers to.

Why rules of thumb instead of a coreference model: news writing names a speaker fully on first
mention and then uses a surname or "he"/"she", and titles and roles stand in apposition to the
name ("Anna Holt, the farm minister," or "the farm minister, Anna Holt,"). Following those
habits gets the name right most of the time at no cost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from stance.reading.find.document import Document, TextSpan, Token
from stance.reading.find.gender import gender_of, pronoun_gender
from stance.reading.find.lexicon_data import Lexicon

__all__ = [
    "SourceMention",
    "full_name",
    "mention_at",
    "name_of",
    "persons_named",
    "resolve_pronoun",
    "subject_of",
]

_SUBJECTS = frozenset({"nsubj", "csubj"})
_NAMED_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_INHERITS = frozenset({"conj", "advcl", "xcomp", "dep", "acl"})  # "..., saying that ..."
_TRAILERS = frozenset({"appos", "relcl", "acl", "punct", "parataxis", "cc", "conj", "advmod"})
_RELATIVES = frozenset({"who", "that", "which", "whom"})
_PERSON_LIKE = frozenset({"PERSON"})
_GROUP_LIKE = frozenset({"ORG", "GPE", "NORP"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
_OPENERS = frozenset({"PUNCT", "CCONJ", "SCONJ"})


@dataclass(frozen=True, slots=True)
class SourceMention:
    """A source as written: ``phrase`` is the subject's whole noun phrase (with appositions and
    relative clauses), ``span`` the words that name it (the name of an apposition), ``head``
    its head token and ``name`` the name to report; ``antecedent`` is set for a pronoun."""

    head: int
    span: TextSpan
    phrase: TextSpan
    name: str
    is_pronoun: bool
    antecedent: TextSpan | None = None


def subject_of(doc: Document, verb: int) -> int | None:
    """The token heading ``verb``'s source: its subject, the agent of a passive, the subject of
    the verb it is coordinated with or subordinate to, or the noun a relative clause
    modifies ("Smith, who said ...")."""
    seen = 0
    while seen < 4:
        tok = doc.tokens[verb]
        for c in tok.children:
            if doc.tokens[c].dep in _SUBJECTS:
                if tok.dep == "relcl" and doc.tokens[c].lower in _RELATIVES:
                    person = doc.tokens[c].lower in ("who", "whom")
                    return _named_for(doc, tok.head, person)  # "Smith, who said ...": Smith
                return c
        for c in tok.children:
            if doc.tokens[c].dep == "agent":
                objs = [g for g in doc.tokens[c].children if doc.tokens[g].dep == "pobj"]
                if objs:
                    return objs[0]
        if any(doc.tokens[c].dep == "nsubjpass" for c in tok.children):
            return None  # "was asked": the subject is the addressee, not the source
        if tok.dep == "relcl" and doc.tokens[tok.head].pos in ("NOUN", "PROPN"):
            return _named_for(doc, tok.head)
        if tok.dep not in _INHERITS or tok.head == verb:
            return _participle_subject(doc, verb)
        if tok.dep == "acl" and doc.tokens[tok.head].pos not in ("VERB", "AUX"):
            return None  # "a statement saying ...": a document, not a person
        verb = tok.head
        seen += 1
    return None


def _named_for(doc: Document, head: int, person: bool = False) -> int:
    """The name a description stands beside: "Amara Osei, an independent security
    researcher, who said ..." hangs the clause on "researcher", which describes Osei.

    "who" is said of a person, while the parse may hang its clause on the nearest noun: in
    "Owen Trask, a former supervisor at the company, who said ...", on "company". With
    ``person``, a clause on the object of a preposition that names no person climbs to the
    noun the phrase modifies ("supervisor"), and from there to the name beside it."""
    tok = doc.tokens[head]
    while (
        person
        and tok.dep == "pobj"
        and tok.ent_type != "PERSON"
        and doc.tokens[tok.head].dep == "prep"
        and doc.tokens[doc.tokens[tok.head].head].pos in ("NOUN", "PROPN")
    ):
        head = doc.tokens[tok.head].head
        tok = doc.tokens[head]
    if tok.dep == "appos" and not _is_named(doc, head) and _is_named(doc, tok.head):
        return tok.head
    return head


def _participle_subject(doc: Document, verb: int) -> int | None:
    """A participle with no subject of its own ("..., by accusing him of ...", "...
    after calling for ...") takes the subject of the nearest verb above it."""
    if doc.tokens[verb].tag not in ("VBG", "VBN"):
        return None
    for n, up in enumerate(doc.ancestors(verb)):
        if n >= 3:
            break
        if doc.tokens[up].pos in ("VERB", "AUX"):
            subjects = [c for c in doc.tokens[up].children if doc.tokens[c].dep in _SUBJECTS]
            if subjects:
                return subjects[0]
    return None


def _trimmed_phrase(doc: Document, head: int) -> tuple[int, int]:
    """The first and last token of ``head``'s phrase without trailing appositions, relative
    clauses and commas.

    A trailer is cut from the left edge of its own phrase, not from its head word: the
    relative pronoun of "the groups who wrote to her" and the "to" of "the last man to
    mount a race" sit before the clause's verb and are not part of the name.
    """
    tok = doc.tokens[head]
    last = tok.right
    for c in sorted(tok.children):
        if c > head and doc.tokens[c].dep in _TRAILERS:
            last = min(c, doc.tokens[c].left) - 1
            break
    # a comma ends a name: "Crews on the ferries, which cross the Gulf ..." (the relative
    # clause hangs on "ferries", below the head), "Hairdressers in the capital, Carrow"
    comma = next((i for i in range(head + 1, last + 1) if doc.tokens[i].text == ","), None)
    if comma is not None:
        last = comma - 1
    while last > tok.left and doc.tokens[last].pos == "PUNCT":
        last -= 1
    first = tok.left
    # a clause's opening word the parse hung on the subject: "While civil rights groups ..."
    while first < last and doc.tokens[first].pos in _OPENERS:
        first += 1
    return first, max(first, last)


def _is_named(doc: Document, i: int) -> bool:
    tok = doc.tokens[i]
    return tok.pos == "PROPN" or tok.ent_type in _PERSON_LIKE


def _name_span(doc: Document, head: int) -> tuple[int, int]:
    """The name a head token belongs to: its entity, else its phrase without trailers."""
    ent = doc.entity_at(head)
    if ent is not None and ent.label in _PERSON_LIKE | _GROUP_LIKE:
        return ent.first, ent.last
    return _trimmed_phrase(doc, head)


def mention_at(doc: Document, head: int, lex: Lexicon) -> SourceMention:
    """The source mention headed by token ``head`` (a pronoun is left unresolved here).

    A writing owned by a named actor or a pronoun speaks for its owner: "Her records suggest ..."
    is the person "her" stands for, "Rubio's press release said ..." is Rubio. A writing
    owned by a common noun ("the company's statement") stays the writing.
    """
    tok = doc.tokens[head]
    if tok.lemma.lower() in lex.document_nouns | lex.evidence_nouns:
        owner = next((c for c in tok.children if doc.tokens[c].dep == "poss"), None)
        if owner is not None and (
            doc.tokens[owner].ent_type in _PERSON_LIKE | _GROUP_LIKE
            or doc.tokens[owner].lower in lex.speaker_pronouns
        ):  # an entity, not "Monday's memo"
            return mention_at(doc, owner, lex)
    phrase_first, phrase_last = tok.left, tok.right
    while phrase_last > phrase_first and doc.tokens[phrase_last].pos == "PUNCT":
        phrase_last -= 1
    phrase = doc.token_span(phrase_first, phrase_last)
    shouted = tok.text.isupper() and len(tok.text) > 1  # "US" is a country, not "us"
    if not shouted and (tok.lower in lex.pronouns or tok.pos == "PRON"):
        span = doc.token_span(head, head)
        return SourceMention(head, span, phrase, tok.text, True)
    named = head
    appos = [c for c in tok.children if doc.tokens[c].dep == "appos"]
    if appos and not _is_named(doc, head) and _is_named(doc, appos[0]):
        named = appos[0]  # "the farm minister, Anna Holt," names Anna Holt
    elif not _is_named(doc, head) and tok.lower in lex.titles:
        # "The mayor of Hochfalk, Anton Breuer," where the parse hangs the name on Hochfalk
        deeper = [
            i for i in range(tok.left, tok.right + 1)
            if doc.tokens[i].dep == "appos" and doc.tokens[i].ent_type in _PERSON_LIKE
        ]  # fmt: skip
        named = deeper[0] if deeper else head
    first, last = _name_span(doc, named)
    if named != head and doc.entity_at(named) is None:
        first, last = _trimmed_phrase(doc, named)
    while first < last and doc.tokens[first].lower in _DETERMINERS:
        first += 1
    span = doc.token_span(first, last)
    return SourceMention(head, span, phrase, name_of(span.text), False)


def name_of(text: str) -> str:
    """A name as reported: no possessive ending, no surrounding punctuation."""
    text = text.strip(" ,;:\"“”'’")
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def resolve_pronoun(
    doc: Document,
    mention: SourceMention,
    earlier: Sequence[SourceMention],
    lex: Lexicon,
) -> SourceMention:
    """``mention`` with its antecedent when it is a pronoun: the latest earlier named source,
    or named subject of a sentence, of a compatible kind (a person for he/she/I, a group for
    they/it), else the nearest earlier entity of that kind. Unresolvable pronouns come back
    unchanged.

    A named subject counts as well as a source because news introduces a speaker before
    quoting: "Okafor was emphatic when asked about the plant. “...,” he said."
    """
    if not mention.is_pronoun:
        return mention
    word = doc.tokens[mention.head].lower
    person = word in lex.person_pronouns and word not in ("we", "us")
    labels = _PERSON_LIKE if person else _GROUP_LIKE
    start = doc.tokens[mention.head].start
    window = doc.tokens[mention.head].sentence - 12
    named = [m for m in earlier if not m.is_pronoun and m.span.start < start]
    titled = _titled_names(doc, lex)
    named += _named_subjects(doc, window, start, lex, titled)
    said = pronoun_gender(word, lex)
    for prev in sorted(named, key=lambda m: doc.tokens[m.head].start, reverse=True):
        if doc.tokens[prev.head].sentence < window:
            break
        if _mention_kind(doc, prev, lex, titled) & labels:
            name = full_name(doc, prev.name, start)
            if said is not None and gender_of(doc, name, prev.phrase, lex) not in (None, said):
                continue  # "she" is not the man the text calls "Mr. Okafor"
            return _with_antecedent(mention, prev.span, name)
    for ent in reversed(doc.entities):
        label = "PERSON" if _is_titled(ent.text, titled, lex) else ent.label
        if ent.end <= start and label in labels:
            name = name_of(ent.text)
            if said is not None and gender_of(doc, name, None, lex) not in (None, said):
                continue
            return _with_antecedent(mention, doc.span(ent.start, ent.end), name)
    return mention


def _named_subjects(
    doc: Document, window: int, before: int, lex: Lexicon, titled: frozenset[str] = frozenset()
) -> list[SourceMention]:
    """Proper-noun subjects of main clauses from sentence ``window`` on, before character
    ``before``: a name, or a title standing for one ("Kessler's managing director, Paul
    Everts, went further")."""
    out = []
    for sent in doc.sentences[max(window, 0) :]:
        if sent.start >= before:
            break
        for i in range(sent.first, sent.last + 1):
            tok = doc.tokens[i]
            if tok.start >= before or tok.dep not in _NAMED_SUBJECTS:
                continue
            if not _main_clause(doc, tok.head) or _turn_label(doc, tok):
                continue
            mention = mention_at(doc, i, lex)
            # "Another superdelegate, Michael Brown of Washington, explained ...": the name
            words = doc.tokens_within(mention.span.start, mention.span.end)
            if (
                tok.pos == "PROPN"
                or any(w.ent_type in _PERSON_LIKE for w in words)
                or _is_titled(mention.name, titled, lex)
            ):
                out.append(mention)
    return out


_TURN_LABELS = frozenset({"q", "question", "a", "answer"})


def _turn_label(doc: Document, tok: Token) -> bool:
    """Whether ``tok`` is the "Q:" or "A:" that opens a turn of an interview laid out as
    questions and answers: the parse may read it as the sentence's subject, but it names
    no one ("Q: He also says ..." is not Q's)."""
    after = tok.i + 1
    return (
        tok.lower in _TURN_LABELS
        and after < len(doc.tokens)
        and doc.tokens[after].text in (":", ".")
        and any(p.start == tok.start for p in doc.paragraphs)
    )


def full_name(doc: Document, name: str, before: int) -> str:
    """A surname alone as the person's full name, when an earlier entity gives it ("Tomas
    Brenner runs the port. Brenner looked calm. “...,” he said": Tomas Brenner)."""
    if " " in name:
        return name
    return next((n for n in persons_named(doc, name, before) if " " in n), name)


def persons_named(doc: Document, surname: str, before: int | None = None) -> list[str]:
    """The names of the document's PERSON entities (before character ``before``) whose last
    word is ``surname``: the evidence that a word spaCy labelled otherwise names a person."""
    return [
        name_of(e.text)
        for e in doc.entities
        if e.label == "PERSON"
        and (before is None or e.start < before)
        and name_of(e.text.split()[-1]) == surname
    ]


def _main_clause(doc: Document, verb: int) -> bool:
    """Whether ``verb`` is its sentence's root or coordinated with it: the subject of "X said
    Clinton should be ready" is X, not Clinton."""
    tok = doc.tokens[verb]
    return tok.head == verb or (tok.dep == "conj" and doc.tokens[tok.head].head == tok.head)


def _mention_kind(
    doc: Document, mention: SourceMention, lex: Lexicon, titled: frozenset[str] = frozenset()
) -> frozenset[str]:
    """What a mention names: its head's kind, or, when the head is a common noun that says
    nothing ("The judge, Mrs Justice Harriet Olawale", "Its spokeswoman, Carys Pemberton"),
    a person when a person's name stands in the mention. A name the article writes beside a
    person's title (``titled``) is a person's, whatever label the parse gave it."""
    if _is_titled(mention.name, titled, lex):
        return _PERSON_LIKE
    kind = _kind(doc, mention.head, lex)
    if kind:
        return kind
    words = doc.tokens_within(mention.span.start, mention.span.end)
    return _PERSON_LIKE if any(w.ent_type in _PERSON_LIKE for w in words) else kind


def _titled_names(doc: Document, lex: Lexicon) -> frozenset[str]:
    """The words of the names the article writes beside a person's title, in apposition
    either way: "Veltro's chief executive, Amara Lindqvist," and "Marcus Hale, a senior trade
    adviser,". The small parser often labels such a name an organisation; the title says it
    is a person's."""
    out: set[str] = set()
    for tok in doc.tokens:
        if tok.dep != "appos" or tok.head == tok.i:
            continue
        head = doc.tokens[tok.head]
        if tok.pos == "PROPN" and head.lower in lex.titles:
            name = tok
        elif head.pos == "PROPN" and tok.lower in lex.titles:
            name = head
        else:
            continue
        entity = doc.entity_at(name.i)
        out.update(name_of(w) for w in (entity.text.split() if entity else [name.text]))
    return frozenset(out)


def _is_titled(name: str, titled: frozenset[str], lex: Lexicon) -> bool:
    """Whether every word of ``name`` is a titled name's (and none an institution's)."""
    words = [name_of(w) for w in name.split()]
    return bool(words) and all(w in titled and w.lower() not in lex.institutions for w in words)


def _kind(doc: Document, head: int, lex: Lexicon) -> frozenset[str]:
    """What a source's head names, by its entity label; a word that other entities label more
    often as a person is one ("Kellerman said ..." read as an organisation once)."""
    ent = doc.entity_at(head)
    if ent is not None:
        return frozenset({_usual_label(doc, doc.tokens[head].text, ent.label)})
    tok: Token = doc.tokens[head]
    if tok.lemma.lower() in lex.institutions:
        return _GROUP_LIKE  # "The Ostravian agriculture ministry said ... It said ..."
    if tok.pos == "PROPN":
        return _PERSON_LIKE
    return _GROUP_LIKE if tok.tag in ("NNS", "NNPS") else frozenset()


def _usual_label(doc: Document, word: str, label: str) -> str:
    """The label a name containing ``word`` has across the document: a person's when a full
    personal name has it after the given name ("Dorothy Woods" makes a later "Woods" a
    person, whatever spaCy read there, and "Julian Ferro KC" a later "Ferro"), else the most
    frequent."""
    if any(" " in n for n in persons_named(doc, word)) or any(
        e.label == "PERSON" and word in [name_of(w) for w in e.text.split()[1:]]
        for e in doc.entities
    ):
        return "PERSON"
    votes = Counter(e.label for e in doc.entities if word in e.text.split())
    return max(votes, key=lambda k: (votes[k], k == label)) if votes else label


def _with_antecedent(mention: SourceMention, span: TextSpan, name: str) -> SourceMention:
    return SourceMention(mention.head, mention.span, mention.phrase, name, True, span)
