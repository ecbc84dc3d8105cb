"""The embedded model: llama.cpp in-process, one loaded model per path."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ..errors import ModelNotAvailableError

_LOADED: dict[tuple[str, int], Any] = {}
_LOAD_LOCK = threading.Lock()

DEFAULT_CONTEXT = 4096


def load_llama(path: Path, *, n_ctx: int = DEFAULT_CONTEXT, seed: int = 0) -> Any:
    """Load (once per process) a GGUF model with llama-cpp-python."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ModelNotAvailableError(
            "the local model needs llama-cpp-python: pip install -e '.[local]'"
        ) from exc
    key = (str(path), n_ctx)
    with _LOAD_LOCK:
        if key not in _LOADED:
            try:
                _LOADED[key] = Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=os.cpu_count() or 2,
                    seed=seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelNotAvailableError(f"cannot load GGUF model {path}: {exc}") from exc
        return _LOADED[key]


def local_create(path: Path, *, n_ctx: int = DEFAULT_CONTEXT) -> Any:
    """An OpenAI-style ``create`` running the GGUF model in this process.

    llama-cpp-python must be importable now, so a missing extra fails before a batch.

    llama.cpp keeps the previous prompt's KV cache and reuses its longest common
    prefix, so identical system and few-shot turns are evaluated once per process.
    """
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        raise ModelNotAvailableError(
            "the local model needs llama-cpp-python: pip install -e '.[local]'"
        ) from exc

    def create(**kwargs: Any) -> Any:
        kwargs.pop("model", None)
        llama = load_llama(path, n_ctx=n_ctx)  # on first use: a cached run never loads it
        return llama.create_chat_completion_openai_v1(**kwargs)

    return create
