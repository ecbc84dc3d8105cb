"""Shared fixtures.

``paragraph_reader``: the tests of the paragraph reader's machinery (grounding, repairs,
caching, resume, batches) drive it with fake models that answer paragraph-shaped JSON. The
default reader is the questions reader (claims@11) since it measured better; these modules pin
claims@2 through ``STANCE_PROMPT``, which subprocesses inherit too.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def paragraph_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_PROMPT", "claims-v2")


@pytest.fixture(autouse=True)
def run_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test keeps its runs in its own store, never in the user's cache."""
    path = str(tmp_path_factory.mktemp("runs") / "runs.sqlite")
    monkeypatch.setenv("STANCE_RUNS_DB", path)
    return path
