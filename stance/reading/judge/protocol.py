"""What every judge does: decide type, denial links and stances of drafts found by code.

The judges are ``learned`` (trained heads, the default), ``model`` (an endpoint asked by
pointer) and ``rules`` (no judge object: the rules' own decisions stand).
"""

from __future__ import annotations

from typing import Protocol

from stance.reading.base.merge import Draft
from stance.reading.base.model_interface import Ask
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.document import Document

__all__ = ["JUDGES", "Judge"]

JUDGES = ("learned", "model", "rules")


class Judge(Protocol):
    """Sets each draft's type, ``denied``/``denies_nothing``, polarity, target and topic."""

    name: str

    @property
    def identity(self) -> dict[str, str]:
        """Name, heads version and training-data hash: for provenance and cache keys."""
        ...

    def judge(
        self, doc: Document, drafts: list[Draft], registry: ActorRegistry, ask: Ask | None = None
    ) -> None: ...
