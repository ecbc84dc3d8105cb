"""Find where an actor's name occurs in the article, as exact whole-word spans."""

from __future__ import annotations

import re

from stance.schema import Span

__all__ = ["find_mentions"]

_APOSTROPHES = "'’ʼ"


def find_mentions(surface: str, text: str) -> list[Span]:
    """Every whole-word, case-sensitive occurrence of an actor name, left to right.

    Curly and straight apostrophes count as equal ("CNN’s" / "CNN's") and any run of
    whitespace matches any other, since names wrap across lines in scraped text.
    """
    surface = surface.strip()
    if not surface:
        return []
    pattern = "".join(
        f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else r"\s+" if ch.isspace() else re.escape(ch)
        for ch in re.sub(r"\s+", " ", surface)
    )
    if _is_word_char(surface[0]):
        pattern = r"(?<!\w)" + pattern
    if _is_word_char(surface[-1]):
        pattern += r"(?!\w)"
    return [Span(start=m.start(), end=m.end()) for m in re.finditer(pattern, text)]


def _is_word_char(ch: str) -> bool:
    """A character a name must not run into. Chinese, Japanese and Korean are written
    without spaces ("王毅说"), so their characters need no boundary."""
    return re.match(r"\w", ch) is not None and not _UNSPACED.match(ch)


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
