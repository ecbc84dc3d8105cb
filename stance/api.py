"""The Python API: ``extract(text)`` returns the same typed record the CLI writes."""

from __future__ import annotations

import threading
from pathlib import Path

from .backends import open_client, parse_model
from .cache import ResponseCache, default_cache_path
from .pipeline import Extractor
from .prompts import DEFAULT_PROMPT, load_prompt
from .schema import Article, Extraction

_EXTRACTORS: dict[tuple[str, str | None, str, str | None], Extractor] = {}
_LOCK = threading.Lock()


def make_extractor(
    model: str | None = None,
    *,
    base_url: str | None = None,
    prompt: str = DEFAULT_PROMPT,
    cache: bool = True,
    cache_path: Path | None = None,
) -> Extractor:
    """An Extractor for a model spec (``local``, ``local:/x.gguf``, ``openai:NAME``)."""
    choice = parse_model(model, base_url)
    response_cache = ResponseCache(cache_path or default_cache_path()) if cache else None
    return Extractor(open_client(choice, cache=response_cache), load_prompt(prompt))


def extract(
    article: str | Article,
    *,
    model: str | None = None,
    base_url: str | None = None,
    prompt: str = DEFAULT_PROMPT,
    cache: bool = True,
    article_id: str = "article",
) -> Extraction:
    """Extract one article; the model is loaded once per process and reused."""
    key = (model or "", base_url, prompt, "cache" if cache else None)
    with _LOCK:
        if key not in _EXTRACTORS:
            _EXTRACTORS[key] = make_extractor(model, base_url=base_url, prompt=prompt, cache=cache)
        extractor = _EXTRACTORS[key]
    if isinstance(article, str):
        article = Article(id=article_id, text=article)
    return extractor.extract(article)
