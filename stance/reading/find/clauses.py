"""Cue words and their complements in the dependency parse: the syntactic half of the finder.

Why the dependency parse: a reporting verb's clausal complement (``ccomp``) is exactly what
was reported, wherever the speaker stands ("X said the plan failed", "The plan failed, X
said", "The plan, X said, failed"); the same holds for a verb's object ("accused X of Y"),
its infinitive ("vowed to repeal"), a cue noun's clause ("her claim that ..."), and the
clause around "according to X". The parse does the bracketing; the lexicon decides which
words are cues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.reading.find.document import Document, Token
from stance.reading.find.lexicon_data import Lexicon
from stance.reading.find.quote_marks import QUOTE_MARKS
from stance.reading.find.source_names import subject_of

__all__ = ["RawCandidate", "clause_candidates", "trim"]

_OBJECT_PARTS = frozenset({"dobj", "prep", "oprd", "advcl", "xcomp", "ccomp", "acomp", "dative"})
_KEEP_PUNCT = frozenset({"?", "!"})


@dataclass
class RawCandidate:
    """A candidate before its source is resolved: token and character offsets only."""

    kind: str
    cue: tuple[int, int]
    cue_token: int
    lemma: str
    source: int | None
    sentence: int
    content: list[tuple[int, int]] = field(default_factory=list)
    hedged: bool = False
    loose: bool = False  # a verb outside the lexicon: it may only take a quote next to it
    said_after: bool = False  # an object whose words follow in a participle: ", saying ..."


def _is_quote_mark(tok: Token) -> bool:
    return QUOTE_MARKS.fullmatch(tok.text) is not None


def trim(doc: Document, first: int, last: int) -> tuple[int, int] | None:
    """Tokens ``first``..``last`` as characters, without edge punctuation other than quote
    marks and a final ?/! (PolNeAR leaves a sentence's period and commas out)."""
    toks = doc.tokens
    while first <= last and toks[first].pos == "PUNCT" and not _is_quote_mark(toks[first]):
        first += 1
    while first <= last and toks[last].pos == "PUNCT":
        t = toks[last]
        if _is_quote_mark(t) or t.text in _KEEP_PUNCT:
            break
        last -= 1
    while first <= last and toks[first].dep == "cc" and toks[first].lower in ("and", "but"):
        first += 1
    if first > last:
        return None
    return toks[first].start, toks[last].end


def _minus(doc: Document, outer: range, inner: range) -> list[tuple[int, int]]:
    """Token range ``outer`` without ``inner``, as up to two trimmed character spans."""
    parts = []
    if inner.start > outer.start:
        parts.append(trim(doc, outer.start, inner.start - 1))
    if inner.stop < outer.stop:
        parts.append(trim(doc, inner.stop, outer.stop - 1))
    return [p for p in parts if p is not None]


def _children(doc: Document, tok: Token, *deps: str) -> list[Token]:
    return [doc.tokens[c] for c in tok.children if doc.tokens[c].dep in deps]


def _hedged(doc: Document, tok: Token, lex: Lexicon) -> bool:
    return any(doc.tokens[c].lemma.lower() in lex.hedges for c in tok.children) or (
        tok.lemma.lower() in lex.hedges
    )


def _new(
    doc: Document, kind: str, tok: Token, lex: Lexicon, end: int | None = None
) -> RawCandidate:
    return RawCandidate(
        kind=kind,
        cue=(tok.start, tok.end if end is None else end),
        cue_token=tok.i,
        lemma=tok.lemma.lower(),
        source=subject_of(doc, tok.i),
        sentence=tok.sentence,
        hedged=_hedged(doc, tok, lex),
    )


def _clause_end(doc: Document, tok: Token) -> int:
    """The last token of ``tok``'s own clause: its subtree, up to a coordinated clause or a
    comma-separated modifier after it."""
    for c in sorted(tok.children):
        if (c > tok.i and doc.tokens[c].dep in ("cc", "conj", "parataxis")) or (
            c > tok.i and doc.tokens[c].text in (",", ";", "--", "—")
        ):
            return c - 1
    return tok.right


def _verb_candidate(doc: Document, tok: Token, lex: Lexicon) -> RawCandidate | None:
    """The candidate a cue verb makes, if it is one (content may be empty: a bare cue)."""
    lemma = tok.lemma.lower()
    clause = lemma in lex.clause_verbs
    ccomps = _children(doc, tok, "ccomp") if clause else []
    if ccomps:
        raw = _new(doc, "reported_speech", tok, lex)
        for c in ccomps:
            span = trim(doc, c.left, c.right)
            if span:
                raw.content.append(span)
        return raw
    if clause and tok.dep == "parataxis" and subject_of(doc, tok.i) is not None:
        head = doc.tokens[tok.head]
        raw = _new(doc, "reported_speech", tok, lex)
        raw.content = _minus(doc, doc.subtree(head.i), doc.subtree(tok.i))
        return raw
    particles = lex.phrasal_verbs.get(lemma, frozenset())
    for c in _children(doc, tok, "prt", "prep"):
        if c.lower in particles and c.i == tok.i + 1:
            raw = _new(doc, "object", tok, lex, end=c.end)
            objs = _children(doc, c, "pobj", "pcomp") or _children(doc, tok, "dobj", "ccomp")
            if objs:
                span = trim(doc, objs[0].left, max(o.right for o in objs))
            else:  # "called for X to go": the parse hangs X elsewhere; take what follows
                span = trim(doc, c.i + 1, _clause_end(doc, tok))
            raw.content = [span] if span else []
            return raw
    if lemma in lex.xcomp_verbs:
        xcomps = [c for c in _children(doc, tok, "xcomp") if c.i > tok.i]
        if xcomps:
            raw = _new(doc, "intention", tok, lex)
            span = trim(doc, xcomps[0].left, xcomps[0].right)
            raw.content = [span] if span else []
            return raw
    if lemma in lex.object_verbs:
        objs = _children(doc, tok, "dobj")
        if objs and objs[0].i > tok.i:
            parts = [c for c in _children(doc, tok, *_OBJECT_PARTS) if c.i > tok.i]
            right = [c for c in parts if not _reporting_participle(doc, c, lex)]
            raw = _new(doc, "object", tok, lex)
            raw.said_after = len(right) < len(parts)
            span = trim(doc, objs[0].left, max(c.right for c in right))
            raw.content = [span] if span else []
            return raw
    if lemma in lex.quote_verbs:
        return _new(doc, "reported_speech", tok, lex)  # bare: a quote may attach later
    if tok.pos == "VERB":  # "“...,” he quipped": any verb right next to a quotation
        loose = _new(doc, "reported_speech", tok, lex)
        loose.loose = True
        return loose
    return None


def _reporting_participle(doc: Document, tok: Token, lex: Lexicon) -> bool:
    """ "..., saying that ...": a participle reporting speech of its own, a candidate apart
    from the object before it ("rejected the charge, saying its boats had stayed within the
    limits" is the charge named, then what was said)."""
    return (
        tok.dep == "advcl"
        and tok.tag == "VBG"
        and tok.lemma.lower() in lex.clause_verbs
        and bool(_children(doc, tok, "ccomp"))
    )


def _according_to(doc: Document, tok: Token) -> RawCandidate | None:
    """ "according to X": X is the source, the clause the phrase modifies the content."""
    if tok.lower != "according":
        return None
    to = [c for c in _children(doc, tok, "prep") if c.lower == "to"]
    if not to:
        return None
    objs = _children(doc, to[0], "pobj")
    head = tok.head
    while doc.tokens[head].pos not in ("VERB", "AUX") and doc.tokens[head].head != head:
        head = doc.tokens[head].head
    outer = doc.sentence_tokens(tok.sentence) if head == tok.i else doc.subtree(head)
    raw = RawCandidate(
        kind="according_to",
        cue=(tok.start, to[0].end),
        cue_token=tok.i,
        lemma="according to",
        source=objs[0].i if objs else None,
        sentence=tok.sentence,
    )
    raw.content = _minus(doc, outer, doc.subtree(tok.i))
    return raw


def _in_poll(doc: Document, tok: Token, lex: Lexicon) -> RawCandidate | None:
    """ "Smith leads by five points in a new poll": the poll is the source of its clause."""
    if tok.lower != "in" or tok.dep != "prep":
        return None
    objs = _children(doc, tok, "pobj")
    if not objs or objs[0].lemma.lower() not in lex.evidence_nouns:
        return None
    head = doc.tokens[tok.head]
    if head.pos not in ("VERB", "AUX"):
        return None
    raw = RawCandidate(
        kind="according_to",
        cue=(tok.start, tok.end),
        cue_token=tok.i,
        lemma="in",
        source=objs[0].i,
        sentence=tok.sentence,
    )
    raw.content = _minus(doc, doc.subtree(head.i), doc.subtree(tok.i))
    return raw


def _colon_headline(doc: Document, first: int, last: int) -> RawCandidate | None:
    """A headline or lead-in "Name: what they said" (tokens ``first``..``last`` of one
    sentence): a short run of proper names, a colon, then the words."""
    toks = doc.tokens
    colon = next((i for i in range(first, min(last, first + 7)) if toks[i].text == ":"), None)
    if colon is None or colon == first or colon >= last:
        return None
    names = [toks[i] for i in range(first, colon)]
    if not all(t.pos == "PROPN" or t.text in (".", "-", "'s", "’s") for t in names):
        return None
    if len(names) == 1 and len(names[0].text) <= 2:
        return None  # "Q:" and "A:" of an interview
    span = trim(doc, colon + 1, last)
    if span is None:
        return None
    heads = [t for t in names if not (first <= t.head < colon)] or names
    return RawCandidate(
        kind="reported_speech",
        cue=(toks[colon].start, toks[colon].end),
        cue_token=colon,
        lemma=":",
        source=heads[-1].i,
        sentence=toks[first].sentence,
        content=[span],
    )


def _nominal(doc: Document, tok: Token, lex: Lexicon) -> RawCandidate | None:
    """A cue noun with a "that" clause: "her claim that the vote was rigged"."""
    if tok.pos != "NOUN" or tok.lemma.lower() not in lex.nominal_cues:
        return None
    clauses = [
        c
        for c in _children(doc, tok, "acl", "ccomp", "appos")
        if c.i > tok.i and any(doc.tokens[m].lower == "that" for m in doc.subtree(c.i)[:2])
    ]
    if not clauses:
        return None
    owners = _children(doc, tok, "poss")
    by = [p for p in _children(doc, tok, "prep") if p.lower in ("by", "from")]
    source = owners[0].i if owners else None
    if source is None and by:
        objs = _children(doc, by[0], "pobj")
        source = objs[0].i if objs else None
    span = trim(doc, clauses[0].left, clauses[0].right)
    if span is None:
        return None
    cue = tok
    said_in = _said_in(doc, tok, lex)
    if source is None and said_in is not None:
        # "Halvern County insisted in a statement that ...": the verb's subject said it
        cue, source = said_in
    return RawCandidate(
        kind="nominal",
        cue=(cue.start, cue.end),
        cue_token=cue.i,
        lemma=cue.lemma.lower(),
        source=source,
        sentence=tok.sentence,
        content=[span],
    )


def _said_in(doc: Document, noun: Token, lex: Lexicon) -> tuple[Token, int] | None:
    """The cue verb and its subject when a cue noun is where something was said: "insisted
    in a statement that ...", "said in a letter that ..."."""
    prep = doc.tokens[noun.head]
    if noun.dep != "pobj" or prep.lower not in ("in", "through") or prep.head == prep.i:
        return None
    verb = doc.tokens[prep.head]
    if verb.lemma.lower() not in lex.reporting_verbs:
        return None
    subjects = _children(doc, verb, "nsubj")
    return (verb, subjects[0].i) if subjects else None


def clause_candidates(doc: Document, lex: Lexicon) -> list[RawCandidate]:
    """Candidates from headlines ("Name: words"), cue verbs, "according to", "in a poll"
    and cue nouns; a cue verb with no complement comes back with no content (a bare cue)."""
    out: list[RawCandidate] = []
    for sent in doc.sentences:
        para = doc.paragraphs[sent.paragraph]
        if para.first == sent.index and (para.end - para.start) < 200:
            headline = _colon_headline(doc, sent.first, doc.sentences[para.last].last)
            if headline is not None:
                out.append(headline)
    for tok in doc.tokens:
        raw: RawCandidate | None = None
        if tok.pos in ("VERB", "AUX"):
            raw = _according_to(doc, tok) or _verb_candidate(doc, tok, lex)
        elif tok.lower == "according":
            raw = _according_to(doc, tok)
        elif tok.pos == "ADP":
            raw = _in_poll(doc, tok, lex)
        elif tok.pos == "NOUN":
            raw = _nominal(doc, tok, lex)
        if raw is not None:
            out.append(raw)
    return out
