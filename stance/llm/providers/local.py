"""The embedded model: llama.cpp in-process, one loaded model per path."""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from stance.errors import ModelNotAvailableError

__all__ = ["DEFAULT_CONTEXT", "load_llama", "local_create", "threads"]

_LOADED: dict[tuple[str, int], Any] = {}
_LOAD_LOCK = threading.Lock()

DEFAULT_CONTEXT = 4096


def threads() -> int:
    """Threads for llama.cpp: ``STANCE_LLAMA_THREADS``, else every core.

    The thread count changes how llama.cpp splits its sums, and so, slightly, greedy output:
    running the real-model tests with ``STANCE_LLAMA_THREADS=1`` checks that they assert
    only what code guarantees, not what one machine's arithmetic happened to produce.
    """
    raw = os.environ.get("STANCE_LLAMA_THREADS", "").strip()
    if not raw:
        return os.cpu_count() or 2
    if not raw.isdigit() or int(raw) < 1:
        raise ModelNotAvailableError(f"STANCE_LLAMA_THREADS={raw!r}: expected a whole number >= 1")
    return int(raw)


def load_llama(path: Path, *, n_ctx: int = DEFAULT_CONTEXT, seed: int = 0) -> Any:
    """Load (once per process) a GGUF model with llama-cpp-python."""
    try:
        from stance.llm.providers.checked_greedy import CheckedGreedyLlama
    except ImportError as exc:
        raise ModelNotAvailableError(
            "the local model needs llama-cpp-python: pip install -e '.[local]'"
        ) from exc
    key = (str(path), n_ctx)
    with _LOAD_LOCK:
        if key not in _LOADED:
            try:
                _LOADED[key] = CheckedGreedyLlama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=threads(),
                    seed=seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelNotAvailableError(f"cannot load GGUF model {path}: {exc}") from exc
        return _LOADED[key]


def local_create(path: Path, *, n_ctx: int = DEFAULT_CONTEXT) -> Any:
    """An OpenAI-style ``create`` running the GGUF model in this process.

    llama-cpp-python must be installed now, so a missing extra fails before a batch.

    llama.cpp keeps the previous prompt's KV cache and reuses its longest common
    prefix, so identical system and few-shot turns are evaluated once per process.
    """
    if importlib.util.find_spec("llama_cpp") is None:  # found, not loaded: a cached run
        raise ModelNotAvailableError(  # never pays for loading llama.cpp's library
            "the local model needs llama-cpp-python: pip install -e '.[local]'"
        )

    def create(**kwargs: Any) -> Any:
        kwargs.pop("model", None)
        llama = load_llama(path, n_ctx=n_ctx)  # on first use: a cached run never loads it
        return llama.create_chat_completion_openai_v1(**kwargs)

    return create
