"""Shared fixtures.

``paragraph_reader``: the tests of the paragraph reader's machinery (grounding, repairs,
caching, resume, batches) drive it with fake models that answer paragraph-shaped JSON. The
default reader is the questions reader (claims@7) since it measured better; these modules pin
claims@2 through ``STANCE_PROMPT``, which subprocesses inherit too.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def paragraph_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_PROMPT", "claims-v2")
