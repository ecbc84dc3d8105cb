"""What the reader needs from a model: one typed question, one typed answer.

The reading package never imports a model SDK or the ``llm`` package. It asks through this
protocol, which ``stance.llm.client.StructuredClient`` implements (and test fakes can), so
the extraction core can be read, tested and replaced without a network stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

__all__ = ["Ask", "ModelAnswer", "StructuredModel", "T"]

T = TypeVar("T", bound=BaseModel)
T_co = TypeVar("T_co", bound=BaseModel, covariant=True)


class ModelAnswer(Protocol[T_co]):
    """One validated answer with what it cost; ``cached`` answers cost no model time."""

    @property
    def value(self) -> T_co: ...
    @property
    def prompt_tokens(self) -> int: ...
    @property
    def completion_tokens(self) -> int: ...
    @property
    def latency_s(self) -> float: ...
    @property
    def cached(self) -> bool: ...
    @property
    def recorded_latency_s(self) -> float: ...


class StructuredModel(Protocol):
    """Answers chat messages with an instance of ``response_model``.

    ``model_id``, ``endpoint`` and ``parameters`` go into each record's provenance, so a
    result says which model, where, and with which sampling settings it was made.
    """

    @property
    def model_id(self) -> str: ...
    @property
    def endpoint(self) -> str | None: ...
    @property
    def parameters(self) -> Mapping[str, Any]: ...
    @property
    def serial(self) -> bool:
        """True when the model answers one call at a time (in-process): run one article."""

    def ask(
        self, messages: list[dict[str, str]], response_model: type[T], *, prompt_hash: str
    ) -> ModelAnswer[T]: ...


# One question and its answer model, as a stage sees the model: the extractor binds it to the
# client and the usage it counts.
Ask = Callable[[list[dict[str, str]], type[BaseModel]], BaseModel]
