"""The answer schema of the pointer reader, built per request so only valid numbers exist.

The model sees numbered candidates, actors (A1, A2 ...) and earlier claims (C1, C2 ...) and
answers one decision per candidate, in order. Every pointer is an enum of the numbers shown,
so llama.cpp's schema grammar (and OpenAI's strict schemas) cannot produce a number that
points at nothing, and no quote text is ever generated: grounding is exact by construction.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from stance.reading.ask.answers import AnswerClaimType

__all__ = [
    "DEFAULT_ORDER",
    "NO_CLAIM",
    "NO_LINK",
    "NO_TARGET",
    "PointerDecision",
    "pointer_answer_model",
]

NO_CLAIM = "none"  # the type that drops a candidate: not a claim of the speaker's
NO_LINK = "none"  # a denial that answers no claim listed
NO_TARGET = "issue"  # the claim is about an issue, not an actor listed
ClaimTypeName = Literal["none", AnswerClaimType]  # "none": the candidate is no claim


class PointerDecision(BaseModel):
    """One candidate's decision, as the reader reads it back (pointers are plain strings)."""

    model_config = ConfigDict(extra="ignore")

    speaker: str
    type: str
    hedged: bool
    stance: Literal["favor", "against", "neutral"]
    target: str
    denies: str


DEFAULT_ORDER = ("speaker", "type", "hedged", "stance", "target", "denies")


def pointer_answer_model(
    candidates: int,
    actors: tuple[str, ...],
    claims: tuple[str, ...],
    order: tuple[str, ...] = DEFAULT_ORDER,
) -> type[BaseModel]:
    """A response model with exactly ``candidates`` decisions and enums of the ids shown:
    ``claims`` are the ids a denial may point at (earlier claims C1.. and the window's own
    candidates [1]..). ``order`` is the order the model writes the fields in (a prompt
    choice: what is decided first conditions the rest).

    Cached by its arguments: the same shape gives the same class, so the same JSON schema
    and the same cache key.
    """
    return _model(candidates, actors, claims, order)


@lru_cache(maxsize=512)
def _model(
    candidates: int, actors: tuple[str, ...], claims: tuple[str, ...], order: tuple[str, ...]
) -> type[BaseModel]:
    speaker: Any = Literal[actors] if actors else str
    target: Any = Literal[(*actors, NO_TARGET)]
    denies: Any = Literal[(NO_LINK, *claims)]
    polarity: Any = Literal["favor", "against", "neutral"]
    fields: dict[str, Any] = {
        "speaker": (speaker, Field(description="Who makes the claim: an actor id")),
        "type": (ClaimTypeName, Field(description="The kind of claim; none when it is no claim")),
        "hedged": (bool, ...),
        "stance": (polarity, ...),
        "target": (target, Field(description="The actor the claim is about, or issue")),
        "denies": (denies, Field(description="For a denial: the claim id it rejects, or none")),
    }
    if sorted(order) != sorted(fields):
        raise ValueError(f"decision fields must be an order of {', '.join(fields)}")
    decision = create_model(
        "Decision", __config__=ConfigDict(extra="ignore"), **{k: fields[k] for k in order}
    )
    return create_model(
        "PointerAnswer",
        __config__=ConfigDict(extra="ignore"),
        decisions=(list[decision], Field(min_length=candidates, max_length=candidates)),  # type: ignore[valid-type]
    )
