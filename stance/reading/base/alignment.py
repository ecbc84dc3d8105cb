"""Align model quotes to the article text by code, so every quote carries trusted offsets.

A language model paraphrases, re-types curly quotes and drops words; a quote is only
kept as evidence once code has found it in the article. Matching goes from strictest to
loosest (exact, normalised, fuzzy) and always reports how the match was made, so later
stages can decide how much to trust it. Offsets always point into the original text, so
``text[span.start:span.end]`` is what the article really says.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from stance.schema import AlignmentStatus, Span

__all__ = ["Alignment", "align", "clean_quote", "normalise"]

# Quote marks a model may wrap around a quote it returns.
_WRAPPING_QUOTES = "\"'“”‘’„‚«»"

# Typographic variants that models and editors swap freely; mapped to one ASCII form.
_REPLACEMENTS: dict[str, str] = {
    **dict.fromkeys("“”„‟″", '"'),
    **dict.fromkeys("‘’‚‛′", "'"),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
    # Invisible characters web scrapes leave inside words: dropped.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}
_TOKEN = re.compile(r"(\s+)|([" + re.escape("".join(_REPLACEMENTS)) + r"])")

_MIN_FUZZY_CHARS = 12  # shorter quotes match too many places to trust a fuzzy hit
_MIN_COVERAGE = 0.7  # a fuzzy match must cover this share of the quote's length


@dataclass(frozen=True)
class Alignment:
    """Where a quote was found and how: ``span`` is None only when nothing was found."""

    span: Span | None
    status: AlignmentStatus
    score: float

    def __post_init__(self) -> None:
        if (self.span is None) != (self.status is AlignmentStatus.UNALIGNED):
            raise ValueError(f"span must be None exactly when unaligned, got {self.status}")

    @property
    def aligned(self) -> bool:
        return self.status is not AlignmentStatus.UNALIGNED


@dataclass(frozen=True)
class _Normalised:
    """Normalised text plus, per normalised char, the original slice it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> Span:
        """Original span covering normalised ``[start, end)`` (non-empty)."""
        return Span(start=self.starts[start], end=self.ends[end - 1])

    def bounds(self, window: Span) -> tuple[int, int]:
        """Normalised range of the characters that lie wholly inside an original window."""
        return bisect_left(self.starts, window.start), bisect_right(self.ends, window.end)


def clean_quote(quote: str) -> str:
    """Strip whitespace and one pair of wrapping quote marks, which the article may lack."""
    quote = quote.strip()
    if len(quote) >= 2 and quote[0] in _WRAPPING_QUOTES and quote[-1] in _WRAPPING_QUOTES:
        quote = quote[1:-1].strip()
    return quote


@lru_cache(maxsize=16)
def _normalised(text: str) -> _Normalised:
    """Normalise with an index map; cached because one article is aligned many times."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def plain(start: int, end: int) -> None:
        chunk = text[start:end]
        folded = chunk.casefold()
        if len(folded) == len(chunk):
            parts.append(folded)
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
            return
        for i in range(start, end):  # casefold grew a char (e.g. ß -> ss): map one by one
            piece = text[i].casefold()
            parts.append(piece)
            starts.extend([i] * len(piece))
            ends.extend([i + 1] * len(piece))

    pos = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if pos < start:
            plain(pos, start)
        piece = " " if match.group(1) else _REPLACEMENTS[match.group(2)]
        parts.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
        pos = end
    if pos < len(text):
        plain(pos, len(text))
    return _Normalised("".join(parts), tuple(starts), tuple(ends))


def normalise(text: str) -> str:
    """The form quotes are compared in: ASCII quotes and dashes, single spaces, casefolded."""
    return _normalised(text).text.strip(" ")


def align(
    quote: str, text: str, *, window: Span | None = None, fuzzy_threshold: float = 88.0
) -> Alignment:
    """Find ``quote`` in ``text``, preferring ``window``; offsets are always into ``text``.

    Tries an exact match, then a normalised one, then (for quotes of 12+ characters) a
    fuzzy one scored with rapidfuzz; otherwise the quote is unaligned with the best score
    seen, so the caller can reject it with a reason rather than trust a paraphrase.
    """
    quote = clean_quote(quote)
    if not quote:
        return Alignment(None, AlignmentStatus.UNALIGNED, 0.0)
    if window is not None:
        end = min(window.end, len(text))
        window = Span(start=min(window.start, end), end=end)

    spans = _spans(window, len(text))
    for span in spans:
        found = text.find(quote, span.start, span.end)
        if found >= 0:
            return Alignment(
                Span(start=found, end=found + len(quote)), AlignmentStatus.EXACT, 100.0
            )

    index = _normalised(text)
    wanted = normalise(quote)
    if not wanted:
        return Alignment(None, AlignmentStatus.UNALIGNED, 0.0)
    ranges = [index.bounds(span) for span in spans]
    for lo, hi in ranges:
        found = index.text.find(wanted, lo, hi)
        if found >= 0:
            span = index.to_original(found, found + len(wanted))
            return Alignment(span, AlignmentStatus.NORMALISED, 100.0)

    best = 0.0
    for lo, hi in ranges:
        hit = _fuzzy(wanted, index, lo, hi, fuzzy_threshold)
        if isinstance(hit, float):
            best = max(best, hit)
            continue
        return hit
    return Alignment(None, AlignmentStatus.UNALIGNED, round(best, 2))


def _spans(window: Span | None, length: int) -> list[Span]:
    """The window (if any) then the whole text: the order every strategy searches in."""
    whole = Span(start=0, end=length)
    return [whole] if window is None else [window, whole]


def _fuzzy(
    wanted: str, index: _Normalised, lo: int, hi: int, threshold: float
) -> Alignment | float:
    """A fuzzy alignment inside normalised ``[lo, hi)``, or the best score when rejected."""
    haystack = index.text[lo:hi]
    if not haystack:
        return 0.0
    hit = fuzz.partial_ratio_alignment(wanted, haystack)
    if hit is None:  # only returned with a score_cutoff; kept for the type checker
        return 0.0
    score: float = hit.score
    if len(wanted) < _MIN_FUZZY_CHARS or score < threshold:
        return score
    start, end = _refine(wanted, index.text, lo + hit.dest_start, lo + hit.dest_end, lo, hi)
    while start < end and index.text[start] == " ":
        start += 1
    while end > start and index.text[end - 1] == " ":
        end -= 1
    start, end = _drop_foreign_edge_words(wanted, index.text, start, end, threshold)
    final: float = fuzz.ratio(wanted, index.text[start:end])
    if final < threshold or end - start < _MIN_COVERAGE * len(wanted):
        return max(score, final) if end > start else score
    return Alignment(index.to_original(start, end), AlignmentStatus.FUZZY, round(final, 2))


_LAST_WORD = re.compile(r"\s+(\w+)\W*$")
_FIRST_WORD = re.compile(r"^\W*(\w+)\s+")


def _foreign(word: str, wanted_words: set[str]) -> bool:
    """Not in the quote: short words must match exactly, longer ones may be misspelt."""
    if len(word) <= 3:
        return word not in wanted_words
    return all(fuzz.ratio(word, w) < 75 for w in wanted_words)


def _drop_foreign_edge_words(
    wanted: str, text: str, start: int, end: int, threshold: float
) -> tuple[int, int]:
    """Trim edge words of a fuzzy span that are nowhere in the quote.

    A quote the model ended with stray characters (“… the gap,” type:) otherwise pulls
    the next article word into the span (“… the gap,” he).
    """
    wanted_words = set(re.findall(r"\w+", wanted))
    while (match := _LAST_WORD.search(text[start:end])) and _foreign(match[1], wanted_words):
        if fuzz.ratio(wanted, text[start : start + match.start()]) < threshold:
            break
        end = start + match.start()
    while (match := _FIRST_WORD.match(text[start:end])) and _foreign(match[1], wanted_words):
        if fuzz.ratio(wanted, text[start + match.end() : end]) < threshold:
            break
        start += match.end()
    return start, end


def _refine(wanted: str, text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Move the edges of a partial-ratio window to where the whole quote fits best.

    partial_ratio compares windows as long as the quote, so when the article has an extra
    or missing word the window ends mid-word; a small search over each edge fixes that.
    """
    reach = max(3, min(len(wanted) // 4, 40))
    best: float = fuzz.ratio(wanted, text[start:end])
    for _ in range(2):
        # Candidates nearest the current edge first, so ties keep the original placement.
        for cand in sorted(
            range(max(lo, start - reach), min(end, start + reach + 1)), key=lambda c: abs(c - start)
        ):
            score: float = fuzz.ratio(wanted, text[cand:end])
            if score > best:
                best, start = score, cand
        for cand in sorted(
            range(max(start + 1, end - reach), min(hi, end + reach) + 1), key=lambda c: abs(c - end)
        ):
            score = fuzz.ratio(wanted, text[start:cand])
            if score > best:
                best, end = score, cand
    return start, end
