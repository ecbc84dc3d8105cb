"""What the model is asked to return for one paragraph: a deliberately small schema.

A 1.5B model fills a flat list of claims reliably; actors, ids, offsets, links and
stances are then built by code (grounding, merge), never asked of the model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnswerClaim",
    "AnswerClaimType",
    "ParagraphAnswer",
    "QuoteFixes",
    "SpeakerKind",
]

SpeakerKind = Literal["person", "organisation", "government", "country", "group", "other"]
AnswerClaimType = Literal[
    "assertion",
    "accusation",
    "denial",
    "commitment",
    "warning",
    "demand",
    "prediction",
    "opinion",
]


class AnswerClaim(BaseModel):
    """One claim as the model reads it from a paragraph."""

    model_config = ConfigDict(extra="ignore")

    speaker: str = Field(description="Full name of who makes the claim; never a pronoun")
    speaker_kind: SpeakerKind
    cue: str = Field(description="The reporting word: said, denied, accused, warned ...")
    quote: str = Field(description="The claim's words copied exactly from the paragraph")
    type: AnswerClaimType
    hedged: bool
    proposition: str = Field(description="The claim as a sentence understandable on its own")
    target: str = Field(description="Who or what the claim is about")
    topic: str = Field(description="The issue, in a few words")
    stance: Literal["favor", "against", "neutral"]
    denies: str = Field(description="For a denial: the accusation it rejects; else empty")


class ParagraphAnswer(BaseModel):
    """The model's answer for one paragraph."""

    model_config = ConfigDict(extra="ignore")

    claims: list[AnswerClaim] = Field(max_length=6)


class QuoteFixes(BaseModel):
    """The model's corrected quotes, in the order they were asked for."""

    model_config = ConfigDict(extra="ignore")

    quotes: list[str]
