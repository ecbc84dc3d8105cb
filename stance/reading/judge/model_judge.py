"""The model judge (``--judge model``): a capable endpoint decides, by pointer, in one call.

Code has found the claims, their words and speakers; the model is shown them numbered (C1,
C2 ...), each with its speaker and the noun phrases of its words (P1, P2 ...), and answers
one decision per claim: the type, the claim a denial answers, the stance's polarity and what
it is toward. Every answer is an enum of what was shown (the eight types, the claim
numbers, the phrase numbers), so a schema-enforcing endpoint (llama.cpp's grammar, OpenAI's
strict schemas) cannot name a claim or phrase that is not there and no text is generated.
An article with more claims than fit one call is asked in consecutive windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from stance.errors import ExtractionError
from stance.reading.base.merge import Draft
from stance.reading.base.model_interface import Ask, StructuredModel
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.document import Document
from stance.reading.judge.features import view_of
from stance.reading.judge.learned import TARGETED
from stance.reading.judge.targets import claim_phrases
from stance.schema import ClaimType, Polarity

__all__ = ["INSTRUCTIONS", "MAX_CLAIMS_PER_CALL", "ModelJudge", "judge_answer_model"]

MAX_CLAIMS_PER_CALL = 12  # an answer of 12 decisions fits the embedded model's 768 tokens
NONE = "none"
INSTRUCTIONS = """You judge claims already found in a news article. For each numbered claim
give: its type (assertion: a fact; accusation: says an actor did wrong; denial: rejects a
claim or accusation; commitment: a promise; warning: a risk; demand: asks someone to act;
prediction: what will happen; opinion: a judgement); for a denial, the number of the claim
it rejects (or none); the stance the speaker shows (favor, against, neutral, or none); and
what that stance is toward: the number of one of the claim's phrases (P...), or the actor
it targets when it accuses, denies or asks something of an actor (actor)."""


def judge_answer_model(claims: int, phrases: Sequence[int]) -> type[BaseModel]:
    """One decision per claim, with enums of exactly the numbers shown. Cached by its shape:
    a new class per call would cost a pydantic build each time and, kept by the client's
    schema cache, memory that grew with every article (30 MiB a thousand articles)."""
    return _judge_answer_model(claims, tuple(phrases))


@lru_cache(maxsize=512)
def _judge_answer_model(claims: int, phrases: tuple[int, ...]) -> type[BaseModel]:
    claim_ids = tuple(f"C{i}" for i in range(1, claims + 1))
    fields: dict[str, Any] = {}
    kinds: Any = Literal[tuple(t.value for t in ClaimType)]
    denies: Any = Literal[(*claim_ids, NONE)]
    polarity: Any = Literal["favor", "against", "neutral", NONE]
    for i in range(1, claims + 1):
        target: Any = Literal[(*(f"P{j}" for j in range(1, phrases[i - 1] + 1)), "actor", NONE)]
        spec: dict[str, Any] = {
            "type": (kinds, ...),
            "denies": (denies, NONE),
            "polarity": (polarity, NONE),
            "target": (target, NONE),
        }
        decision = create_model(f"Decision{i}", __config__=ConfigDict(extra="forbid"), **spec)
        fields[f"C{i}"] = (decision, Field(...))
    return create_model("JudgeAnswer", __config__=ConfigDict(extra="forbid"), **fields)


class ModelJudge:
    """Asks the endpoint (see module doc); the rules' decisions stand where it fails."""

    name = "model"

    def __init__(self, client: StructuredModel) -> None:
        self.client = client

    @property
    def identity(self) -> dict[str, str]:
        return {"judge": self.name, "judge_model": self.client.model_id}

    def judge(
        self, doc: Document, drafts: list[Draft], registry: ActorRegistry, ask: Ask | None = None
    ) -> None:
        if ask is None:
            raise ExtractionError("the model judge needs a model: drop --reader rules")
        for start in range(0, len(drafts), MAX_CLAIMS_PER_CALL):
            self._window(doc, drafts, start, registry, ask)

    def _window(
        self, doc: Document, drafts: list[Draft], start: int, registry: ActorRegistry, ask: Ask
    ) -> None:
        window = drafts[start : start + MAX_CLAIMS_PER_CALL]
        phrases = [claim_phrases(doc, view_of(doc, d)) for d in window]
        lines = []
        for i, (draft, found) in enumerate(zip(window, phrases, strict=True), start=1):
            shown = "; ".join(f"P{j}: {doc.text[s:e]}" for j, (s, e, _) in enumerate(found, 1))
            lines.append(
                f"C{i} [{registry.name_of(draft.claimer_key)}, {draft.claim.cue}]: "
                f"{draft.claim.quote}\n   phrases: {shown or 'none'}"
            )
        messages = [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": "\n".join(lines)},
        ]
        answer = ask(messages, judge_answer_model(len(window), [len(p) for p in phrases]))
        decided = answer.model_dump()
        for i, (draft, found) in enumerate(zip(window, phrases, strict=True), start=1):
            self._apply(draft, decided[f"C{i}"], window, found, doc, registry)

    @staticmethod
    def _apply(
        draft: Draft,
        decision: dict[str, str],
        window: list[Draft],
        found: list[tuple[int, int, int]],
        doc: Document,
        registry: ActorRegistry,
    ) -> None:
        draft.claim.type = ClaimType(decision["type"])
        denies = decision.get("denies", NONE)
        draft.denied, draft.denies_nothing = None, False
        if draft.claim.type is ClaimType.DENIAL:
            other = window[int(denies[1:]) - 1] if denies != NONE else None
            if other is not None and other is not draft:
                draft.denied = other
            else:
                draft.denies_nothing = True
        polarity, target = decision.get("polarity", NONE), decision.get("target", NONE)
        if polarity == NONE:
            draft.claim.topic = draft.claim.target = ""
            return
        draft.polarity = Polarity(polarity)
        if target == "actor" and draft.target_key is not None and draft.claim.type in TARGETED:
            draft.claim.topic = draft.claim.target = registry.name_of(draft.target_key)
        elif target.startswith("P"):
            s, e, _ = found[int(target[1:]) - 1]
            draft.claim.topic = draft.claim.target = doc.text[s:e]
        else:
            draft.claim.topic = draft.claim.target = ""
