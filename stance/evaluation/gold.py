"""Hand labels for evaluation: the gold articles the scorer compares extractions against.

A gold article is `NAME.txt` (the text) plus `NAME.gold.json` (labels). Offsets index the text
exactly as read (BOM dropped, line endings normalised), so a label can be checked by code.
Datasets from other corpora (PolNeAR) are converted into the same models, with the fields they
do not label left as None.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stance.errors import InputError
from stance.runs.inputs import clean_text
from stance.schema import ActorKind, Attribution, ClaimType, Polarity

__all__ = [
    "CASES",
    "COVERAGE",
    "GoldActor",
    "GoldArticle",
    "GoldClaim",
    "GoldNonClaim",
    "GoldStance",
    "Register",
    "SourceKind",
    "coverage_gaps",
    "load_gold",
    "load_gold_dir",
    "main",
    "problems",
]

COVERAGE = (
    "denial_link",
    "hedged_accusation",
    "direct_speech",
    "reported_speech",
    "metonym",
    "pronoun_speaker",
    "quote_spans_paragraphs",
    "stance_without_claim",
    "no_claims",
    "long",
    "prompt_injection",
    "diacritics",
)


# The registers the training set spans (LABELLING.md).
Register = Literal[
    "wire",
    "feature",
    "interview",
    "press_release",
    "live_blog",
    "court",
    "sport",
    "business",
    "science",
    "local_politics",
]

# Hard cases a claim can be tagged with (LABELLING.md); counted per set in its README.
CASES = (
    "denial_without_deny",
    "denial_before_accusation",
    "denial_far_from_accusation",
    "partial_denial",
    "two_denials",
    "unnamed_source",
    "spokesperson",
    "capital_for_government",
    "negation_not_denial",
    "hedge",
)


class SourceKind(str, Enum):
    """How the claimer is named where the claim is made (PolNeAR reports these apart)."""

    NAMED = "named"
    PRONOUN = "pronoun"
    GENERIC = "generic"
    NONE = "none"


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class GoldActor(_Gold):
    id: str
    name: str
    kind: ActorKind = ActorKind.OTHER
    role: str | None = None
    affiliation: str | None = None
    mentions: list[str] = Field(default_factory=list)
    unnamed: bool = Field(
        default=False, description="An unnamed source ('people familiar with the matter')"
    )


class GoldClaim(_Gold):
    id: str
    claimer: str | None = Field(description="Actor id; None when the corpus names no source")
    type: ClaimType | None = None
    attribution: Attribution | None = None
    cue: str = ""
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    proposition: str = ""
    target: str = ""
    topic: str = ""
    hedged: bool | None = None
    denies: str | None = None
    source_kind: SourceKind | None = None
    parts: list[tuple[int, int]] | None = Field(
        default=None, description="Pieces of a discontinuous span (PolNeAR); start/end bound them"
    )
    target_actor: str | None = Field(
        default=None,
        description="Actor id: the accused, the one whose claim is denied, the one asked",
    )
    cases: list[str] = Field(default_factory=list, description="Hard cases (LABELLING.md)")


class GoldStance(_Gold):
    holder: str
    target: str
    polarity: Polarity
    evidence: list[str] = Field(default_factory=list)
    basis: Literal["claims", "action"] = "claims"
    target_actor: str | None = Field(default=None, description="Set when the target is an actor")
    target_start: int | None = Field(default=None, description="An issue's noun phrase, by offset")
    target_end: int | None = None


class GoldNonClaim(_Gold):
    """Quoted text that is no one's claim (a headline, slogan, sign, anonymous post)."""

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Literal["headline", "slogan", "sign", "anonymous_post", "instruction", "other"]
    reason: str = ""


class GoldArticle(_Gold):
    id: str
    title: str | None = None
    covers: list[str] = Field(default_factory=list)
    note: str = ""
    actors: list[GoldActor] = Field(default_factory=list)
    claims: list[GoldClaim] = Field(default_factory=list)
    stances: list[GoldStance] = Field(default_factory=list)
    hard_cases: list[str] = Field(default_factory=list)
    # "register" in the file; the attribute has another name because pydantic's BaseModel
    # has a `register` of its own
    genre: Register | None = Field(default=None, alias="register")
    labeller: str | None = None
    non_claims: list[GoldNonClaim] = Field(default_factory=list)
    text: str = Field(default="", exclude=True)

    def actor(self, actor_id: str | None) -> GoldActor | None:
        return next((a for a in self.actors if a.id == actor_id), None)


def problems(article: GoldArticle, strict: bool = True) -> list[str]:
    """Everything wrong with one gold article; `strict` also demands the project's own fields."""
    found: list[str] = []
    text = article.text
    actor_ids = {a.id for a in article.actors}
    claim_ids = {c.id for c in article.claims}
    if len(actor_ids) != len(article.actors) or len(claim_ids) != len(article.claims):
        found.append("duplicate actor or claim ids")
    for actor in article.actors:
        found += [f"{actor.id}: mention {m!r} not in text" for m in actor.mentions if m not in text]
    for claim in article.claims:
        where = f"{claim.id}"
        if text[claim.start : claim.end] != claim.quote:
            found.append(f"{where}: text[{claim.start}:{claim.end}] != quote {claim.quote!r}")
        if "\n\n" in claim.quote:
            found.append(f"{where}: quote crosses a paragraph break")
        if claim.claimer is not None and claim.claimer not in actor_ids:
            found.append(f"{where}: claimer {claim.claimer} is not an actor")
        if claim.denies is not None:
            if claim.denies not in claim_ids or claim.denies == claim.id:
                found.append(f"{where}: denies {claim.denies}, which is not another claim")
            if claim.type is not ClaimType.DENIAL:
                found.append(f"{where}: only denials may carry 'denies'")
        if strict and (claim.claimer is None or claim.type is None or claim.hedged is None):
            found.append(f"{where}: claimer, type and hedged must be labelled")
        if claim.target_actor is not None and claim.target_actor not in actor_ids:
            found.append(f"{where}: target_actor {claim.target_actor} is not an actor")
        found += [f"{where}: unknown case {c!r}" for c in claim.cases if c not in CASES]
    for i, stance in enumerate(article.stances):
        if stance.holder not in actor_ids:
            found.append(f"stance {i}: holder {stance.holder} is not an actor")
        found += [
            f"stance {i}: evidence {e} is not a claim"
            for e in stance.evidence
            if e not in claim_ids
        ]
        if stance.basis == "action" and stance.evidence:
            found.append(f"stance {i}: an action-based stance has no claim evidence")
        if stance.basis == "claims" and not stance.evidence:
            found.append(f"stance {i}: a claims-based stance needs evidence")
        if stance.target_actor is not None and stance.target_actor not in actor_ids:
            found.append(f"stance {i}: target_actor {stance.target_actor} is not an actor")
        if stance.target_start is not None and (
            text[stance.target_start : stance.target_end or 0] != stance.target
        ):
            found.append(f"stance {i}: target {stance.target!r} is not at its offsets")
    for i, item in enumerate(article.non_claims):
        if text[item.start : item.end] != item.quote:
            found.append(f"non-claim {i}: text[{item.start}:{item.end}] != {item.quote!r}")
    found += [f"unknown coverage tag {t!r}" for t in article.covers if t not in COVERAGE]
    return found


def load_gold(label_path: Path) -> GoldArticle:
    """Read `NAME.gold.json` and its `NAME.txt`; a clear InputError when either is unusable."""
    text_path = label_path.with_name(label_path.name.removesuffix(".gold.json") + ".txt")
    try:
        raw = json.loads(label_path.read_text(encoding="utf-8"))
        article = GoldArticle.model_validate(raw)
        article.text = clean_text(text_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, ValidationError, UnicodeDecodeError) as exc:
        raise InputError(f"{label_path}: not a usable gold article: {exc}") from exc
    return article


def load_gold_dir(directory: Path) -> list[GoldArticle]:
    """All gold articles under a directory, in name order."""
    paths = sorted(directory.glob("*.gold.json"))
    if not paths:
        raise InputError(f"{directory}: no *.gold.json files (see evals/gold/README.md)")
    return [load_gold(p) for p in paths]


def coverage_gaps(articles: Iterable[GoldArticle]) -> list[str]:
    """Coverage tags no article in the set claims to cover."""
    covered = {tag for article in articles for tag in article.covers}
    return [tag for tag in COVERAGE if tag not in covered]


def main(argv: list[str]) -> int:
    """`python -m stance.evaluation.gold DIR [--coverage]`: every gold file's problems (and,
    with --coverage, the coverage tags no file covers); exit 1 if any."""
    paths = [a for a in argv if not a.startswith("--")]
    directory = Path(paths[0] if paths else "evals/gold")
    if not any(directory.glob("*.gold.json")):
        print(f"{directory}: no *.gold.json files")
        return 1
    bad = 0
    for path in sorted(directory.glob("*.gold.json")):
        try:
            found = problems(load_gold(path))
        except InputError as exc:
            found = [str(exc)]
        for problem in found:
            print(f"{path.name}: {problem}")
        bad += bool(found)
    gaps: list[str] = []
    if "--coverage" in argv:
        # the development and held-out folders must cover every tag; train need not
        try:
            gaps = coverage_gaps(load_gold_dir(directory))
        except InputError:
            gaps = []
    if gaps:
        print(f"coverage missing: {', '.join(gaps)}")
    return 1 if bad or gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
