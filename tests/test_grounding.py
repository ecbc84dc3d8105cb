"""Tests for quote alignment and mention finding."""

from __future__ import annotations

import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stance.reading.base.alignment import Alignment, align, clean_quote, normalise
from stance.reading.find.mentions import find_mentions
from stance.schema import AlignmentStatus, Span

ARTICLE = (
    "GENEVA — The foreign minister, Ana Lindqvist, said on Monday that the ceasefire talks\n"
    "had reached “a genuinely difficult stage” but insisted the government’s offer\n"
    "remained on the table.\n"
    "\n"
    "“We are not walking away from these negotiations, whatever the pressure from the "
    "opposition,” Lindqvist told reporters outside the Palais des Nations.\n"
    "\n"
    "Opposition leader Marek Duda rejected that account. “The minister’s offer is a stunt "
    "designed for television cameras, not for peace,” he said, adding that the talks had "
    "reached a genuinely difficult stage long before Monday."
)


def _slice(text: str, alignment: Alignment) -> str:
    assert alignment.span is not None
    return text[alignment.span.start : alignment.span.end]


def test_exact_match() -> None:
    quote = "remained on the table"
    result = align(quote, ARTICLE)
    assert result.status is AlignmentStatus.EXACT
    assert result.aligned and result.score == 100.0
    assert result.span == Span(start=ARTICLE.index(quote), end=ARTICLE.index(quote) + len(quote))


def test_wrapping_quotes_and_whitespace_are_stripped() -> None:
    result = align('  "remained on the table"  ', ARTICLE)
    assert result.status is AlignmentStatus.EXACT
    assert _slice(ARTICLE, result) == "remained on the table"
    assert clean_quote("“ a genuinely difficult stage ”") == "a genuinely difficult stage"
    assert clean_quote("'tis") == "'tis"


def test_empty_quote_is_unaligned() -> None:
    for quote in ["", "   ", '""', "“ ”"]:
        result = align(quote, ARTICLE)
        assert result == Alignment(None, AlignmentStatus.UNALIGNED, 0.0)
        assert not result.aligned


def test_straight_quotes_and_apostrophes_match_curly_text() -> None:
    quote = "The minister's offer is a stunt designed for television cameras"
    result = align(quote, ARTICLE)
    assert result.status is AlignmentStatus.NORMALISED
    assert _slice(ARTICLE, result) == (
        "The minister’s offer is a stunt designed for television cameras"
    )


def test_inner_curly_quote_kept_in_original_slice() -> None:
    quote = 'had reached "a genuinely difficult stage" but insisted'
    result = align(quote, ARTICLE)
    assert result.status is AlignmentStatus.NORMALISED
    assert _slice(ARTICLE, result) == "had reached “a genuinely difficult stage” but insisted"


def test_whitespace_and_newline_differences() -> None:
    quote = "the ceasefire talks had   reached"
    result = align(quote, ARTICLE)
    assert result.status is AlignmentStatus.NORMALISED
    assert _slice(ARTICLE, result) == "the ceasefire talks\nhad reached"


def test_nbsp_dash_and_ellipsis() -> None:
    text = "He called it a “red line”\u00a0– and… nothing more."
    result = align('it a "red line" - and... nothing', text)
    assert result.status is AlignmentStatus.NORMALISED
    assert _slice(text, result) == "it a “red line”\u00a0– and… nothing"


def test_case_differences() -> None:
    result = align("we are not walking away from these negotiations", ARTICLE)
    assert result.status is AlignmentStatus.NORMALISED
    assert _slice(ARTICLE, result) == "We are not walking away from these negotiations"


def test_window_preferred_when_phrase_occurs_twice() -> None:
    phrase = "reached a genuinely difficult stage"
    last_paragraph = ARTICLE.rindex("Opposition leader")
    window = Span(start=last_paragraph, end=len(ARTICLE))
    result = align(phrase, ARTICLE, window=window)
    assert result.status is AlignmentStatus.EXACT
    assert result.span is not None and result.span.start == ARTICLE.rindex(phrase)
    # Normalised: the first occurrence (with curly quotes) wins without a window.
    first = align('reached "a genuinely difficult stage"', ARTICLE)
    assert first.status is AlignmentStatus.NORMALISED
    assert first.span is not None and first.span.start < last_paragraph


def test_window_falls_back_to_whole_text_with_whole_text_offsets() -> None:
    window = Span(start=ARTICLE.rindex("Opposition leader"), end=len(ARTICLE))
    result = align("remained on the table", ARTICLE, window=window)
    assert result.status is AlignmentStatus.EXACT
    assert _slice(ARTICLE, result) == "remained on the table"


def test_window_beyond_text_is_clamped() -> None:
    result = align("peace", ARTICLE, window=Span(start=10_000, end=20_000))
    assert _slice(ARTICLE, result) == "peace"


def test_fuzzy_one_word_typo() -> None:
    quote = "We are not walking away from these negociations, whatever the pressure"
    result = align(quote, ARTICLE)
    assert result.status is AlignmentStatus.FUZZY
    assert 88.0 <= result.score < 100.0
    assert _slice(ARTICLE, result) == (
        "We are not walking away from these negotiations, whatever the pressure"
    )


def test_fuzzy_with_dropped_word_ends_on_word_boundary() -> None:
    # The article has one more word than the quote, so a quote-length window would stop
    # mid-word; the span must cover the article's whole phrase.
    quote = "We are not walking away from these negotiations, whatever the pressure from opposition"
    result = align(quote, ARTICLE)
    assert result.status is AlignmentStatus.FUZZY
    assert _slice(ARTICLE, result) == (
        "We are not walking away from these negotiations, whatever the pressure from the opposition"
    )


def test_fuzzy_threshold_is_respected() -> None:
    quote = "We are not walking away from these negociations, whatever the pressure"
    result = align(quote, ARTICLE, fuzzy_threshold=99.5)
    assert result.status is AlignmentStatus.UNALIGNED
    assert result.span is None
    assert 88.0 <= result.score < 99.5


def test_quote_not_in_text_is_unaligned() -> None:
    result = align("The president announced new tariffs on imported steel", ARTICLE)
    assert result.status is AlignmentStatus.UNALIGNED
    assert result.span is None
    assert 0.0 <= result.score < 88.0


def test_short_quote_never_fuzzy() -> None:
    result = align("Lindqvest", ARTICLE)  # one letter off a real name, but too short
    assert result.status is AlignmentStatus.UNALIGNED
    assert result.span is None
    assert align("lindqvist", ARTICLE).status is AlignmentStatus.NORMALISED


def test_alignment_invariant() -> None:
    with pytest.raises(ValueError):
        Alignment(None, AlignmentStatus.EXACT, 100.0)
    with pytest.raises(ValueError):
        Alignment(Span(start=0, end=1), AlignmentStatus.UNALIGNED, 0.0)


def test_fast_on_long_article() -> None:
    paragraphs = [f"Paragraph {i}: " + ARTICLE.replace("Monday", f"day {i}") for i in range(30)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 15_000
    quotes = [
        "The minister's offer is a stunt designed for television cameras",
        "We are not walking away from these negociations, whatever the pressure",
        "The president announced new tariffs on imported steel and aluminium",
    ]
    began = time.perf_counter()
    for _ in range(10):
        for quote in quotes:
            align(quote, text)
    assert time.perf_counter() - began < 2.0


_QUOTE_AND_SPACE = set(" \t\n\r\u00a0\"'“”‘’„‚«»")


@settings(max_examples=300)
@given(st.text(), st.data())
def test_property_any_substring_aligns_exactly(text: str, data: st.DataObject) -> None:
    assume(text)
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    quote = text[i:j]
    assume(not set(quote) <= _QUOTE_AND_SPACE)
    expected = clean_quote(quote)
    assume(expected)
    result = align(quote, text)
    assert result.status is AlignmentStatus.EXACT
    assert _slice(text, result) == expected


_ALPHABET = "abcdeABCDE xy\n\t\u00a0“”‘’\"'–—-…."
_VARIANTS = {
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "…": "...",
    "\n": " ",
    "\u00a0": "  ",
    "a": "A",
    "B": "b",
}


@settings(max_examples=300)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=80), st.data())
def test_property_normalised_spans_slice_back(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    flips = data.draw(st.lists(st.booleans(), min_size=j - i, max_size=j - i))
    quote = "".join(
        _VARIANTS.get(ch, ch) if flip else ch for ch, flip in zip(text[i:j], flips, strict=True)
    )
    assume(normalise(clean_quote(quote)))
    result = align(quote, text)
    if result.status is AlignmentStatus.NORMALISED:
        # A match may begin or end inside an expanded character ("…" -> "..."): the
        # span then covers that whole character, so the slice contains the quote.
        assert normalise(clean_quote(quote)) in normalise(_slice(text, result))
    if normalise(clean_quote(quote)) in normalise(text):
        assert result.status in {AlignmentStatus.EXACT, AlignmentStatus.NORMALISED}


def test_find_mentions_word_boundaries_and_case() -> None:
    text = "Blinken met Wang. Blinkens aside, blinken and Blinken’s aides flew to Beijing."
    spans = find_mentions("Blinken", text)
    assert [text[s.start : s.end] for s in spans] == ["Blinken", "Blinken"]
    assert [s.start for s in spans] == [0, text.index("Blinken’s")]
    assert [text[s.start : s.end] for s in find_mentions("Beijing", text)] == ["Beijing"]


def test_find_mentions_apostrophes_equal() -> None:
    text = "CNN’s report and CNN's follow-up both quoted CNN."
    spans = find_mentions("CNN's", text)
    assert [text[s.start : s.end] for s in spans] == ["CNN’s", "CNN's"]
    assert len(find_mentions("CNN’s", text)) == 2
    assert len(find_mentions("CNN", text)) == 3


def test_find_mentions_whitespace_punctuation_and_empty() -> None:
    text = "Secretary of State Antony\nBlinken said the U.S. would act; U.S.-led talks follow."
    spans = find_mentions("Antony Blinken", text)
    assert [text[s.start : s.end] for s in spans] == ["Antony\nBlinken"]
    assert len(find_mentions("U.S.", text)) == 2
    assert find_mentions("", text) == []
    assert find_mentions("Wang", text) == []


def test_find_mentions_non_overlapping() -> None:
    assert find_mentions("aa aa", "aa aa aa aa") == [Span(start=0, end=5), Span(start=6, end=11)]


def test_fuzzy_span_does_not_take_in_a_word_the_quote_lacks() -> None:
    text = (
        "“Our fleet has stayed in port for six weeks, and our neighbours have simply "
        "sailed into the gap,” he said in Vigo."
    )
    quote = (
        "Our fleet has stayed in port for six weeks, and our neighbours have simply "
        "sailed into the gap,” type:"
    )
    result = align(quote, text)
    assert result.status is AlignmentStatus.FUZZY
    assert _slice(text, result).endswith("the gap,”")


def test_fuzzy_span_keeps_a_misspelt_last_word() -> None:
    text = "The minister said that the new harbour fees are plainly unfair to small boats."
    result = align("the new harbour fees are plainly unfiar", text)
    assert result.status is AlignmentStatus.FUZZY
    assert _slice(text, result) == "the new harbour fees are plainly unfair"
