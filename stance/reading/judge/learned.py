"""The learned judge: claim type, denial links, stance polarity and target, from trained heads.

Code has found each claim's words, cue and speaker; this judge decides what a labeller
decides, with linear heads trained on the labelled training split (``stance train``):

- the claim's type, from the words, the cue and the rules' guess (``type`` head);
- which claim a denial answers: every other speaker's claim, before or after it, is
  scored in pairs (``link`` head) and the most probable one is linked when it clears the
  head's threshold; otherwise the denial is said to answer none (nothing is guessed);
- the stance polarity a claim shows, or none (``polarity`` head);
- what the stance is toward: the actor a claim accuses, denies or asks of, found by code,
  or else a noun phrase of the claim's own words, chosen by the ``target`` head: a pointer
  into the article, never free text.

The heads and their card (``heads.json``: the training data's hash, the version, the
link threshold) ship in ``stance/data/heads``; the record's provenance names them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from stance.reading.base.merge import Draft
from stance.reading.base.model_interface import Ask
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.aims import aimed_at
from stance.reading.find.document import Document
from stance.reading.judge.features import ClaimView, claim_features, pair_features, view_of
from stance.reading.judge.heads import LinearHead, load_head
from stance.reading.judge.targets import Issues, article_issues, stance_targets, target_features
from stance.schema import ClaimType, Polarity

__all__ = ["HEADS_DIR", "TARGETED", "HeadSet", "LearnedJudge", "load_heads", "sides_of"]

HEADS_DIR = Path(__file__).parents[2] / "data" / "heads"
HEAD_NAMES = ("type", "polarity", "link", "target")
# the claims whose stance is toward an actor: the accused, the one denied, the one asked
TARGETED = frozenset({ClaimType.ACCUSATION, ClaimType.DENIAL, ClaimType.DEMAND})
NO_STANCE = "none"


@dataclass(frozen=True)
class HeadSet:
    """The four heads and their card."""

    heads: dict[str, LinearHead]
    card: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))

    @property
    def data_hash(self) -> str:
        return str(self.card.get("data_hash", ""))

    @property
    def link_threshold(self) -> float:
        return float(self.card.get("link_threshold", 0.5))


@cache
def load_heads(directory: Path = HEADS_DIR) -> HeadSet:
    """The shipped heads (read once per process)."""
    card = json.loads((directory / "heads.json").read_text(encoding="utf-8"))
    heads = {name: load_head(directory / f"{name}.json.gz") for name in HEAD_NAMES}
    return HeadSet(heads, card)


def sides_of(draft: Draft) -> set[str]:
    """Whom a denier speaks for: itself and those its source phrase names (a claim of its
    own side is not what it denies)."""
    return {draft.claimer_key, *draft.side}


def target_actor(draft: Draft, registry: ActorRegistry, doc: Document) -> str | None:
    """The actor an accusation accuses, a denial answers or a demand asks, found by code:
    for a denial, the speaker of the claim it answers (none when it is linked to none);
    otherwise the first actor, not of the speaker's side, its words name or describe
    (``aims``)."""
    if draft.claim.type not in TARGETED:
        return None
    if draft.claim.type is ClaimType.DENIAL:
        return draft.denied.claimer_key if draft.denied is not None else draft.target_key
    if draft.target_key is not None:
        return draft.target_key
    return aimed_at(doc, draft, registry, sides=frozenset(sides_of(draft)))


class LearnedJudge:
    """Decides type, links and stances for the drafts of one article (see module doc)."""

    name = "learned"

    def __init__(self, heads: HeadSet | None = None) -> None:
        self.heads = heads or load_heads()
        # every claim shows a stance: the training labellers cited fewer claims as stance
        # evidence than the dev sets' did, and chosen on dev this won (stance F1 gold
        # 0.075 -> 0.128, dev2 0.246 -> 0.274); "none" stays for a claim no class outscores
        self.every_claim = True

    @property
    def identity(self) -> dict[str, str]:
        """What the record's provenance and the cache key carry."""
        return {
            "judge": self.name,
            "heads_version": self.heads.version,
            "heads_data_hash": self.heads.data_hash,
        }

    def judge(
        self, doc: Document, drafts: list[Draft], registry: ActorRegistry, ask: Ask | None = None
    ) -> None:
        """Decide every draft in place; ``ask`` is unused (no model is asked)."""
        views = [view_of(doc, d) for d in drafts]
        for view in views:
            feats = claim_features(view, registry)
            kind, _ = self.heads.heads["type"].predict(feats)
            view.draft.claim.type = ClaimType(kind)
        for view in views:
            self._link(view, views, registry)
        issues = article_issues(doc)
        for view in views:
            self._stance(doc, view, registry, issues)

    def _link(self, denial: ClaimView, views: list[ClaimView], registry: ActorRegistry) -> None:
        draft = denial.draft
        if draft.claim.type is not ClaimType.DENIAL:
            draft.denied = None
            return
        side = sides_of(draft)
        others = [v for v in views if v.draft.claimer_key not in side and v is not denial]
        others.sort(key=lambda v: abs(v.draft.claim.span.start - draft.claim.span.start))
        best: tuple[float, Draft | None] = (0.0, None)
        head = self.heads.heads["link"]
        for rank, other in enumerate(others):
            feats = pair_features(denial, other, registry, side, other.draft.claim.type, rank)
            p = float(head.scores(feats)[1])
            if p > best[0]:
                best = (p, other.draft)
        if best[1] is not None and best[0] >= self.heads.link_threshold:
            draft.denied = best[1]
        else:
            draft.denied, draft.denies_nothing = None, True

    def _stance(
        self, doc: Document, view: ClaimView, registry: ActorRegistry, issues: Issues
    ) -> None:
        draft = view.draft
        feats = [*claim_features(view, registry), f"type={draft.claim.type.value}"]
        head = self.heads.heads["polarity"]
        ranked = sorted(zip(head.scores(feats), head.classes, strict=True), reverse=True)
        polarity = ranked[0][1]
        if polarity == NO_STANCE and self.every_claim:
            polarity = ranked[1][1]
        if polarity == NO_STANCE:
            draft.claim.topic = draft.claim.target = ""
            return
        draft.polarity = Polarity(polarity)
        target_key = target_actor(draft, registry, doc)
        if target_key is not None:
            draft.target_key = target_key
            draft.claim.target = draft.claim.topic = registry.name_of(target_key)
            return
        chunks = stance_targets(doc, view, issues)
        if not chunks:
            draft.claim.topic = draft.claim.target = ""
            return
        head = self.heads.heads["target"]
        best = max(
            chunks, key=lambda c: float(head.scores(target_features(doc, c, view, issues))[1])
        )
        draft.claim.topic = draft.claim.target = doc.text[best[0] : best[1]]
