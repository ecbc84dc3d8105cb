"""The output schema: what one article's extraction contains, as Pydantic models.

Every quote in a record is a slice of the article text cut by code (``text[start:end]``);
what the model literally returned is kept beside it only when it differs.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "REJECTED_NOT_FOUND",
    "RELATION_OF",
    "SCHEMA_VERSION",
    "Actor",
    "ActorKind",
    "ActorView",
    "AlignmentStatus",
    "Article",
    "Attribution",
    "Claim",
    "ClaimType",
    "ErrorRecord",
    "Extraction",
    "Mention",
    "OutputRecord",
    "Polarity",
    "PromptInfo",
    "Provenance",
    "Rejected",
    "Relation",
    "RelationType",
    "SegmentError",
    "Span",
    "Stance",
    "Usage",
    "json_schema",
    "parse_record",
]

# 1.1: claims gain source_span and cue_span (who and the reporting word, as offsets).
# Records of 1.0 read as they are: the new fields default to None.
# 1.2: provenance gains judge (which decider judged type, links and stances, and the
# version and training-data hash of its heads). Records of 1.1 read with judge empty.
# Also 1.2: claims gain target_actor (whom an accusation, denial or demand is aimed at) and
# the record gains relations (who accuses, denies and demands of whom), both found by code;
# records written before read with none.
SCHEMA_VERSION = "1.2"


class ActorKind(str, Enum):
    PERSON = "person"
    ORGANISATION = "organisation"
    GOVERNMENT = "government"
    COUNTRY = "country"
    GROUP = "group"
    OTHER = "other"


class ClaimType(str, Enum):
    ASSERTION = "assertion"
    ACCUSATION = "accusation"
    DENIAL = "denial"
    COMMITMENT = "commitment"
    WARNING = "warning"
    DEMAND = "demand"
    PREDICTION = "prediction"
    OPINION = "opinion"


class RelationType(str, Enum):
    """What one actor does to another in a claim: the edges of the actor network."""

    ACCUSES = "accuses"
    DENIES = "denies"
    DEMANDS = "demands"


# The claim types aimed at an actor, and the edge each draws in the actor-to-actor table.
RELATION_OF = {
    ClaimType.ACCUSATION: RelationType.ACCUSES,
    ClaimType.DENIAL: RelationType.DENIES,
    ClaimType.DEMAND: RelationType.DEMANDS,
}


class Attribution(str, Enum):
    DIRECT = "direct"
    INDIRECT = "indirect"


class AlignmentStatus(str, Enum):
    """How a model quote was found in the article, from most to least trustworthy."""

    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"
    UNALIGNED = "unaligned"


class Polarity(str, Enum):
    FAVOR = "favor"
    AGAINST = "against"
    NEUTRAL = "neutral"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Span(_Model):
    """Character offsets into the article text, end exclusive."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self

    @property
    def length(self) -> int:
        return self.end - self.start


class Mention(_Model):
    text: str
    span: Span


class Actor(_Model):
    id: str
    name: str
    kind: ActorKind
    role: str | None = None
    affiliation: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Claim(_Model):
    id: str
    claimer: str = Field(description="Actor id of who makes the claim")
    type: ClaimType
    attribution: Attribution
    quote: str = Field(description="The article text at span: text[span.start:span.end]")
    span: Span
    alignment: AlignmentStatus
    alignment_score: float = Field(ge=0, le=100)
    model_quote: str | None = Field(
        default=None, description="What the model returned, when it differs from quote"
    )
    cue: str = ""
    source_span: Span | None = Field(
        default=None, description="Where the text names who says it (schema 1.1)"
    )
    cue_span: Span | None = Field(
        default=None, description="The reporting word(s): said, denied, according to (1.1)"
    )
    proposition: str = ""
    target: str = ""
    topic: str = ""
    hedged: bool = False
    denies: str | None = Field(default=None, description="Id of the claim this denial rejects")
    target_actor: str | None = Field(
        default=None,
        description="Actor id an accusation accuses, a denial answers (the speaker of the "
        "claim it denies) or a demand asks; None when not an actor of the article (1.2)",
    )
    segment: int = Field(ge=0, description="Index of the segment the claim was read from")


class Stance(_Model):
    holder: str = Field(description="Actor id")
    target: str
    polarity: Polarity
    evidence: list[str] = Field(description="Claim ids supporting the stance")


class Relation(_Model):
    """One actor accusing, denying or demanding of another, with the claims that show it:
    a row of the actor-to-actor table, derived by code from the claims' target actors."""

    source: str = Field(description="Actor id of who accuses, denies or demands")
    relation: RelationType
    target: str = Field(description="Actor id of whom")
    evidence: list[str] = Field(description="Claim ids, in text order")


# The reason a Rejected item starts with when its quote could not be found in the text:
# the scorer's grounding rate counts these, not items set aside for other reasons.
REJECTED_NOT_FOUND = "quote not found in the paragraph read"


class Rejected(_Model):
    """A model item kept out of the claims, with the reason: never silently dropped."""

    quote: str
    speaker: str
    reason: str
    segment: int


class SegmentError(_Model):
    """A segment whose model answer stayed invalid: its claims are missing, and we say so."""

    segment: int
    message: str


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cached_calls: int = 0
    model_seconds: float = Field(
        default=0.0, description="Time the model took: live calls, or as recorded for cache hits"
    )
    cached_prompt_tokens: int = Field(
        default=0, description="Of prompt_tokens, those of cache hits: paid when recorded"
    )
    cached_completion_tokens: int = Field(
        default=0, description="Of completion_tokens, those of cache hits"
    )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cached_calls=self.cached_calls + other.cached_calls,
            model_seconds=round(self.model_seconds + other.model_seconds, 3),
            cached_prompt_tokens=self.cached_prompt_tokens + other.cached_prompt_tokens,
            cached_completion_tokens=self.cached_completion_tokens + other.cached_completion_tokens,
        )

    @property
    def live(self) -> Usage:
        """The part of this usage spent by this run: what it cost now."""
        return Usage(
            prompt_tokens=self.prompt_tokens - self.cached_prompt_tokens,
            completion_tokens=self.completion_tokens - self.cached_completion_tokens,
            calls=self.calls,
            model_seconds=self.model_seconds,
        )


class PromptInfo(_Model):
    name: str
    version: str
    hash: str


class Provenance(_Model):
    model: str
    endpoint: str | None = None
    prompt: PromptInfo
    schema_version: str = SCHEMA_VERSION
    stance_version: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    judge: dict[str, str] = Field(
        default_factory=dict,
        description="The decider of types, links and stances: its name, heads version and "
        "training-data hash (schema 1.2)",
    )
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    created_at: datetime


class Article(_Model):
    """One input article; ``id`` is unique within a batch."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None


class ActorView(_Model):
    actor: Actor
    claims: list[Claim]
    denials: list[Claim]
    stances: list[Stance]


class Extraction(_Model):
    record: Literal["extraction"] = "extraction"
    article_id: str
    title: str | None = None
    source: str | None = None
    text: str
    actors: list[Actor] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    relations: list[Relation] = Field(
        default_factory=list, description="Who accuses, denies and demands of whom (1.2)"
    )
    rejected: list[Rejected] = Field(default_factory=list)
    errors: list[SegmentError] = Field(default_factory=list)
    segments: int = 0
    provenance: Provenance

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def by_actor(self) -> list[ActorView]:
        """Claims, denials and stances grouped per actor, actors with claims first."""
        views = [
            ActorView(
                actor=actor,
                claims=[c for c in self.claims if c.claimer == actor.id],
                denials=[
                    c for c in self.claims if c.claimer == actor.id and c.type is ClaimType.DENIAL
                ],
                stances=[s for s in self.stances if s.holder == actor.id],
            )
            for actor in self.actors
        ]
        return sorted(views, key=lambda v: -len(v.claims))


class ErrorRecord(_Model):
    """An article that could not be extracted: written in place of its extraction."""

    record: Literal["error"] = "error"
    article_id: str
    source: str | None = None
    error_type: str
    message: str
    model: str | None = None
    prompt: PromptInfo | None = None
    created_at: datetime


OutputRecord = Extraction | ErrorRecord


def parse_record(line: str) -> OutputRecord:
    """Parse one JSONL output line into its record type."""
    data = json.loads(line)
    if data.get("record") == "error":
        return ErrorRecord.model_validate(data)
    return Extraction.model_validate(data)


def json_schema() -> dict[str, Any]:
    """JSON Schema of one output record (an extraction or an error)."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(OutputRecord).json_schema()
    schema["$id"] = f"https://stance.dev/schema/{SCHEMA_VERSION}/record.json"
    schema["title"] = f"stance output record (schema {SCHEMA_VERSION})"
    return schema
