"""The Python API, and the one place an extractor is put together.

``build_extractor`` turns (model, base_url, prompt, cache, options) into a ready Extractor:
parse the model spec, load the prompt, open the client through the provider registry. The
CLI, the eval runner and the batch-file commands all call it, so a model is set up the same
way everywhere. ``extract(text)`` returns the same typed record the CLI writes.
``ExtractorRecipe`` is the same call written down, for the places an extractor must be
built anew: each worker process of ``--workers`` and each Ray actor.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stance.errors import ConfigError
from stance.llm.ratelimit import RateLimiter
from stance.llm.registry import ClientOptions, open_client, parse_model
from stance.llm.response_cache import ResponseCache, default_cache_path
from stance.reading.ask.prompts import default_prompt, load_prompt
from stance.reading.extractor import Extractor
from stance.schema import Article, Extraction

__all__ = ["ClientOptions", "ExtractorRecipe", "build_extractor", "extract", "make_extractor"]

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


@dataclass
class ExtractorRecipe:
    """``build_extractor``'s arguments as plain data: picklable, so a worker process or a
    Ray actor on another machine builds its own extractor (and loads spaCy and the model
    once) from it. ``cache`` False means no response cache; ``cache_path`` None means the
    default cache of the machine the recipe is called on; ``rpm``/``tpm`` pace this
    recipe's calls, and ``for_workers(n)`` gives each of n workers 1/n of them; ``judge``
    is ``--judge`` (None: the reader's default), the same in every worker."""

    model: str | None = None
    base_url: str | None = None
    prompt: str | None = None
    cache: bool = True
    cache_path: Path | None = None
    timeout_s: float = 300.0
    rpm: float | None = None
    tpm: float | None = None
    judge: str | None = None
    _limiter: RateLimiter | None = field(default=None, init=False, repr=False, compare=False)

    def __call__(self) -> Extractor:
        cache = None
        if self.cache and load_prompt(self.prompt).reader != "rules":
            cache = _open_shared_cache(self.cache_path or default_cache_path())
        if self.rpm or self.tpm:
            self._limiter = RateLimiter(self.rpm, self.tpm)
        options = ClientOptions(timeout_s=self.timeout_s, limiter=self._limiter)
        return build_extractor(
            self.model,
            base_url=self.base_url,
            prompt=self.prompt,
            cache=cache,
            options=options,
            judge=self.judge,
        )

    def for_workers(self, workers: int) -> ExtractorRecipe:
        """The recipe of one of ``workers`` workers sharing the limits evenly."""
        rpm = self.rpm / workers if self.rpm else None
        tpm = self.tpm / workers if self.tpm else None
        return replace(self, rpm=rpm, tpm=tpm)

    def rate_limit_wait_s(self) -> float:
        """Seconds this recipe's extractor waited for --rpm/--tpm (in its own process)."""
        return self._limiter.waited_s if self._limiter is not None else 0.0

    def __getstate__(self) -> dict[str, Any]:
        # a limiter holds a lock and this process's clock: each worker makes its own
        return {**self.__dict__, "_limiter": None}


def _open_shared_cache(path: Path) -> ResponseCache:
    """Open the cache with the other workers of this machine waiting their turn: two
    processes creating and migrating a new SQLite file at once get "database is locked"."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.with_name(path.name + ".open-lock").open("a")
    except OSError:  # the cache says what is wrong with its folder
        return ResponseCache(path)
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return ResponseCache(path)


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
