"""Where the real-model tests find the embedded model, and why they skip or fail without it.

Outside CI they skip, saying why, when llama-cpp-python or the model file is missing; in CI
(``CI`` set) a missing model fails them instead, so a broken install can never pass as a
green run that skipped its only real-model tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stance.errors import ModelNotAvailableError

__all__ = ["MISSING", "MODEL_PATH", "REAL_MODEL_MARKS"]


def _find_model() -> tuple[Path | None, str]:
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        return None, f"llama-cpp-python is not importable ({exc}); pip install -e '.[local]'"
    from stance.llm.model_store import resolve_model_path

    try:
        return resolve_model_path(), ""
    except ModelNotAvailableError as exc:
        return None, f"no local model: {exc}"


MODEL_PATH, MISSING = _find_model()
REAL_MODEL_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(MODEL_PATH is None and not os.environ.get("CI"), reason=MISSING),
]
