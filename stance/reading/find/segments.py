"""Cut an article into paragraph segments with offsets, and pick those worth a model call.

A 1.5B model reads a paragraph well and a whole article badly, so each model call sees
one paragraph plus the lead and the previous paragraph as context. A cheap
deterministic pass (quotation marks, reporting verbs) skips paragraphs that cannot
hold an attributed claim: headings, bylines, pure narration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.schema import Span

__all__ = [
    "MAX_SEGMENT_CHARS",
    "QUOTE_MARKS",
    "REPORTING_VERBS",
    "Segment",
    "is_headline",
    "reports_speech",
    "split_segments",
    "worth_reading",
]

MAX_SEGMENT_CHARS = 1800

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?…”\"’])\s+(?=[“\"A-Z0-9‘])")

QUOTE_MARKS = re.compile(r"[“”\"«»„「」『』]")
REPORTING_VERBS = re.compile(
    r"\b("
    r"say|says|said|saying|tell|tells|told|telling|add|adds|added|adding|"
    r"state|states|stated|claim|claims|claimed|claiming|deny|denies|denied|denying|"
    r"accuse|accuses|accused|accusing|insist|insists|insisted|argue|argues|argued|"
    r"warn|warns|warned|warning|stress|stresses|stressed|pledge|pledges|pledged|"
    r"promise|promises|promised|vow|vows|vowed|reject|rejects|rejected|dismiss|dismissed|"
    r"slam|slams|slammed|criticis(?:e|es|ed)|criticiz(?:e|es|ed)|condemn|condemns|condemned|"
    r"contend|contends|contended|maintain|maintains|maintained|believe|believes|believed|"
    r"acknowledge|acknowledged|admit|admits|admitted|announce|announces|announced|"
    r"demand|demands|demanded|urge|urges|urged|call(?:s|ed)? (?:on|for)|predict|predicts|"
    r"predicted|expect|expects|expected|suggest|suggests|suggested|characteri[sz]ed|"
    r"defend|defends|defended|describe|describes|described|explain|explains|explained|"
    r"confirm|confirms|confirmed|assert|asserts|asserted|allege|alleges|alleged|"
    r"according to|declined to|refused to|wrote|writes|noted|notes|reported|reports"
    r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    index: int
    span: Span
    text: str
    worth_reading: bool


def _split_long(text: str, start: int, limit: int) -> list[tuple[int, int]]:
    """Split an over-long paragraph at sentence ends into windows under ``limit``.

    Consecutive windows share one sentence, so any two adjacent sentences (a quote and the
    "she said" after it) are read together at least once; merge.deduplicate keeps one claim
    where both windows found the same words. A single sentence over the limit is its own
    window: a sentence is never cut.
    """
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    cuts = sorted(set(cuts))
    windows: list[tuple[int, int]] = []
    first = 0  # index into cuts of the window's first sentence start
    while first < len(cuts) - 1:
        last = first + 1
        while last + 1 < len(cuts) and cuts[last + 1] - cuts[first] <= limit:
            last += 1
        windows.append((cuts[first], cuts[last]))
        if last == len(cuts) - 1:
            break
        first = last - 1 if last - 1 > first else last
    return [(start + a, start + b) for a, b in windows if text[a:b].strip()]


def worth_reading(text: str) -> bool:
    """Could this paragraph hold an attributed claim? Cheap, recall-oriented."""
    words = text.split()
    if len(words) < 6 and not QUOTE_MARKS.search(text):
        return False  # headings, datelines, bylines
    return bool(QUOTE_MARKS.search(text) or REPORTING_VERBS.search(text))


def split_segments(text: str, *, max_chars: int = MAX_SEGMENT_CHARS) -> list[Segment]:
    """Paragraphs (blank-line separated, else line separated) with exact offsets."""
    separator = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else re.compile(r"\n+")
    pieces: list[tuple[int, int]] = []
    position = 0
    for match in separator.finditer(text):
        pieces.append((position, match.start()))
        position = match.end()
    pieces.append((position, len(text)))
    segments: list[Segment] = []
    for start, end in pieces:
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        start += len(chunk) - len(chunk.lstrip())
        end = start + len(stripped)
        for a, b in _split_long(stripped, start, max_chars):
            piece = text[a:b].strip()
            a += len(text[a:b]) - len(text[a:b].lstrip())
            b = a + len(piece)
            segments.append(
                Segment(len(segments), Span(start=a, end=b), piece, worth_reading(piece))
            )
    return segments


def is_headline(segment: Segment) -> bool:
    """A first segment that is one short line without a sentence end: the article's title.

    A title summarises in the reporting voice ("Beijing rejects charge"); what it says is
    attributed in full further down, so claims read from it are not kept.
    """
    words = segment.text.strip()
    return (
        segment.index == 0
        and "\n" not in words
        and len(words.split()) <= 20
        and not words.endswith((".", "!", "?", '"', "”", "’"))
    )


def reports_speech(text: str) -> bool:
    """A reporting verb is present: an empty answer for this paragraph deserves a second look."""
    return bool(REPORTING_VERBS.search(text))
