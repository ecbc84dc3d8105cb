"""Builders for eval tests: small gold articles and extractions made from them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from stance.evaluation.gold import GoldActor, GoldArticle, GoldClaim, GoldStance
from stance.schema import (
    Actor,
    ActorKind,
    AlignmentStatus,
    Attribution,
    Claim,
    ClaimType,
    Extraction,
    Mention,
    Polarity,
    PromptInfo,
    Provenance,
    Span,
    Stance,
    Usage,
)

TEXT = (
    "Port row\n\n"
    "The harbour master, Ana Ruiz, said the dredging had damaged the reef. "
    "Ruiz added that the damage may be permanent.\n\n"
    "The dredging firm Deepco denied that its work harmed the reef. "
    "\u201cWe will pay for a survey,\u201d Deepco said."
)


def span_of(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def gold_claim(cid: str, claimer: str, quote: str, text: str = TEXT, **kw: Any) -> GoldClaim:
    start, end = span_of(text, quote)
    fields: dict[str, Any] = {
        "type": ClaimType.ASSERTION,
        "hedged": False,
        "attribution": Attribution.INDIRECT,
    }
    fields.update(kw)
    return GoldClaim(id=cid, claimer=claimer, quote=quote, start=start, end=end, **fields)


def port_gold() -> GoldArticle:
    """Three claims: an accusation, a hedged one, a linked denial; one commitment."""
    article = GoldArticle(
        id="port",
        actors=[
            GoldActor(
                id="a1", name="Ana Ruiz", kind=ActorKind.PERSON, mentions=["Ana Ruiz", "Ruiz"]
            ),
            GoldActor(id="a2", name="Deepco", kind=ActorKind.ORGANISATION, mentions=["Deepco"]),
        ],
        claims=[
            gold_claim(
                "c1",
                "a1",
                "the dredging had damaged the reef",
                type=ClaimType.ACCUSATION,
                topic="reef damage",
            ),
            gold_claim("c2", "a1", "the damage may be permanent", hedged=True),
            gold_claim(
                "c3",
                "a2",
                "its work harmed the reef",
                type=ClaimType.DENIAL,
                denies="c1",
                topic="reef damage",
            ),
            gold_claim(
                "c4",
                "a2",
                "We will pay for a survey",
                type=ClaimType.COMMITMENT,
                attribution=Attribution.DIRECT,
            ),
        ],
        stances=[
            GoldStance(
                holder="a1", target="the dredging", polarity=Polarity.AGAINST, evidence=["c1"]
            )
        ],
    )
    article.text = TEXT
    return article


def provenance(**usage: Any) -> Provenance:
    return Provenance(
        model="local:test",
        prompt=PromptInfo(name="claims", version="2", hash="abc123"),
        stance_version="test",
        usage=Usage(**usage),
        created_at=datetime.now(timezone.utc),
    )


def as_extraction(gold: GoldArticle) -> Extraction:
    """The perfect prediction: every gold item, in the output schema."""
    actors = []
    for a in gold.actors:
        mentions = []
        for m in a.mentions:
            start = gold.text.index(m)
            mentions.append(Mention(text=m, span=Span(start=start, end=start + len(m))))
        actors.append(Actor(id=a.id, name=a.name, kind=a.kind, mentions=mentions))
    claims = [
        Claim(
            id=c.id,
            claimer=c.claimer or "",
            type=c.type or ClaimType.ASSERTION,
            attribution=c.attribution or Attribution.INDIRECT,
            quote=c.quote,
            span=Span(start=c.start, end=c.end),
            alignment=AlignmentStatus.EXACT,
            alignment_score=100.0,
            topic=c.topic,
            target=c.target,
            hedged=bool(c.hedged),
            denies=c.denies,
            segment=0,
        )
        for c in gold.claims
    ]
    stances = [
        Stance(holder=s.holder, target=s.target, polarity=s.polarity, evidence=s.evidence)
        for s in gold.stances
    ]
    return Extraction(
        article_id=gold.id,
        text=gold.text,
        actors=actors,
        claims=claims,
        stances=stances,
        provenance=provenance(calls=2, prompt_tokens=100, completion_tokens=10, model_seconds=3.0),
    )
