"""Direct quotations found by their quote marks, paragraph by paragraph.

Why a scanner of its own: spaCy's tokenizer and parser see quote marks as punctuation and often
attach them to the wrong clause, and a quotation is often longer than a sentence or runs over
several paragraphs. News style is regular enough to follow by the marks alone:

* curly marks (“ ”) open and close; straight double marks (") and doubled apostrophes ('')
  alternate within a paragraph;
* a quotation still open at a paragraph's end runs to that end, and continues into the next
  paragraph when that one opens with a quote mark (the convention for a quote of several
  paragraphs: no closing mark until the last one);
* a closing mark with no opener in its paragraph closes a quotation that began at the
  paragraph's start.

Single curly marks (‘ ’) are left alone: they are apostrophes far more often than quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.reading.find.document import Document, TextSpan

__all__ = ["OPENING_MARKS", "QUOTE_MARKS", "Quote", "find_quotes"]

QUOTE_MARKS = re.compile(r"''|[\"“”„‟«»]")
OPENING_MARKS = frozenset({"“", "„", "‟", "«"})
_CLOSING = frozenset({"”", "»"})


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation from its opening to its closing mark, both included.

    ``parts`` has one span per paragraph it covers (a single part for most quotes);
    ``closed`` is False when the text ended it rather than a closing mark.
    """

    start: int
    end: int
    parts: tuple[TextSpan, ...]
    closed: bool

    def words(self, text: str) -> int:
        """How many words the quotation holds."""
        return len(text[self.start : self.end].split())


def _paragraph_quotes(text: str, start: int, end: int) -> list[tuple[int, int, bool, bool]]:
    """(start, end, opened_by_mark, closed_by_mark) for the quotations of one paragraph."""
    found: list[tuple[int, int, bool, bool]] = []
    open_at: int | None = None
    for mark in QUOTE_MARKS.finditer(text, start, end):
        m = mark.group()
        if m in OPENING_MARKS:
            if open_at is None:
                open_at = mark.start()
            # a second opener while open: a typo or a nested quote; keep the first
        elif m in _CLOSING:
            if open_at is None:
                # closes a quote that began at the paragraph start (or a mis-typed opener
                # directly before a word: then treat it as an opener)
                after = text[mark.end() : mark.end() + 1]
                before = text[mark.start() - 1 : mark.start()] if mark.start() > start else " "
                if before.isspace() and after.isalnum():
                    open_at = mark.start()
                else:
                    found.append((start, mark.end(), False, True))
            else:
                found.append((open_at, mark.end(), True, True))
                open_at = None
        elif open_at is None:  # straight marks alternate
            open_at = mark.start()
        else:
            found.append((open_at, mark.end(), True, True))
            open_at = None
    if open_at is not None:
        stripped = text[open_at:end].rstrip()
        found.append((open_at, open_at + len(stripped), True, False))
    return found


def find_quotes(doc: Document) -> list[Quote]:
    """Every quotation in ``doc``, in text order, multi-paragraph ones joined into one."""
    text = doc.text
    quotes: list[Quote] = []
    pending: list[TextSpan] = []  # parts of a quotation still open at its paragraph's end
    for para in doc.paragraphs:
        spans = _paragraph_quotes(text, para.start, para.end)
        if pending:
            at_start = bool(spans) and not text[para.start : spans[0][0]].strip()
            if at_start:
                s, e, _, closed = spans.pop(0)
                pending.append(TextSpan(s, e, text[s:e]))
                if closed:
                    quotes.append(_join(pending, closed=True))
                    pending = []
            else:
                quotes.append(_join(pending, closed=False))
                pending = []
        for s, e, _, closed in spans:
            if closed:
                quotes.append(Quote(s, e, (TextSpan(s, e, text[s:e]),), True))
            else:
                pending = [TextSpan(s, e, text[s:e])]
    if pending:
        quotes.append(_join(pending, closed=False))
    return quotes


def _join(parts: list[TextSpan], closed: bool) -> Quote:
    return Quote(parts[0].start, parts[-1].end, tuple(parts), closed)
