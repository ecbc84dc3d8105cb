"""Saved news pages (``.html``) as articles: trafilatura finds the main text.

A page is mostly navigation, adverts and comments; the article is a few paragraphs of it.
trafilatura's main-text extraction keeps those paragraphs, and they become the article's
text, one paragraph per blank-line-separated block as the segmenter expects. Every offset
in the record (claim spans, mentions) refers to this extracted text, which the record
holds in ``text``, so a span can be checked with ``text[start:end]`` without the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from stance.errors import InputError

__all__ = ["HTML_SUFFIXES", "Page", "page_text"]

HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Page:
    """The main text of a page and what its metadata says."""

    text: str
    title: str | None
    date: str | None


def page_text(data: bytes, where: str) -> Page:
    """The page's main text; InputError when trafilatura is missing or finds none."""
    try:
        import trafilatura
    except ImportError:
        raise InputError(
            f"{where}: reading .html pages needs trafilatura; pip install 'stance[html]'"
        ) from None
    if not data.strip():
        raise InputError(f"{where}: is empty; expected a saved HTML page")
    found = trafilatura.bare_extraction(
        data,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        deduplicate=False,
    )
    body = (getattr(found, "text", None) or "") if found is not None else ""
    paragraphs = [line.strip() for line in body.replace("\r", "\n").split("\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        raise InputError(
            f"{where}: no article text found in the page (trafilatura kept nothing); "
            "save the article page itself, or give its text as .txt"
        )
    title = getattr(found, "title", None)
    date = getattr(found, "date", None)
    return Page(text=text, title=title or None, date=str(date) if date else None)
