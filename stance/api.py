"""The Python API, and the one place an extractor is put together.

``build_extractor`` turns (model, base_url, prompt, cache, options) into a ready Extractor:
parse the model spec, load the prompt, open the client through the provider registry. The
CLI, the eval runner and the batch-file commands all call it, so a model is set up the same
way everywhere. ``extract(text)`` returns the same typed record the CLI writes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from stance.errors import ConfigError
from stance.llm.registry import ClientOptions, open_client, parse_model
from stance.llm.response_cache import ResponseCache, default_cache_path
from stance.reading.ask.prompts import default_prompt, load_prompt
from stance.reading.extractor import Extractor
from stance.schema import Article, Extraction

__all__ = ["ClientOptions", "build_extractor", "extract", "make_extractor"]

_EXTRACTORS: dict[tuple[str, str | None, str, str | None], Extractor] = {}
_LOCK = threading.Lock()


def build_extractor(
    model: str | None = None,
    *,
    base_url: str | None = None,
    prompt: str | None = None,
    cache: ResponseCache | None = None,
    options: ClientOptions | None = None,
    judge: str | None = None,
) -> Extractor:
    """An Extractor for a model spec (``local``, ``local:/x.gguf``, ``openai:NAME``).

    ``prompt`` is a prompt name or a .yaml path (None: the default prompt; ``rules-v1`` is
    the reader that asks no model); ``cache`` is the response cache to read and write
    (None: every call goes to the model); ``judge`` decides types, links and stances of
    the candidates code finds: ``learned`` (trained heads), ``model`` (the endpoint, by
    pointer) or ``rules`` (None: ``rules`` for the rules reader, else ``learned``).
    """
    template = load_prompt(prompt)
    if template.reader == "rules":
        if model not in (None, "none"):
            raise ConfigError(f"the {template.name} reader asks no model: drop --model {model}")
        model, base_url, cache = "none", None, None
    choice = parse_model(model, base_url)
    judge = judge or ("rules" if template.reader == "rules" else "learned")
    if judge == "model" and template.reader == "rules":
        raise ConfigError("--judge model asks the model: it cannot go with --reader rules")
    return Extractor(open_client(choice, cache=cache, options=options), template, judge=judge)


def make_extractor(
    model: str | None = None,
    *,
    base_url: str | None = None,
    prompt: str | None = None,
    cache: bool = True,
    cache_path: Path | None = None,
) -> Extractor:
    """``build_extractor`` with the user's response cache (or none, ``cache=False``)."""
    response_cache = ResponseCache(cache_path or default_cache_path()) if cache else None
    return build_extractor(model, base_url=base_url, prompt=prompt, cache=response_cache)


def extract(
    article: str | Article,
    *,
    model: str | None = None,
    base_url: str | None = None,
    prompt: str | None = None,
    cache: bool = True,
    article_id: str = "article",
) -> Extraction:
    """Extract one article; the model is loaded once per process and reused."""
    key = (model or "", base_url, prompt or default_prompt(), "cache" if cache else None)
    with _LOCK:
        if key not in _EXTRACTORS:
            _EXTRACTORS[key] = make_extractor(model, base_url=base_url, prompt=prompt, cache=cache)
        extractor = _EXTRACTORS[key]
    if isinstance(article, str):
        article = Article(id=article_id, text=article)
    return extractor.extract(article)
