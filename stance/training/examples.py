"""Training examples for the judge's heads, from labelled articles.

Each article is read exactly as the reader reads it (one parse, the rules' candidates and
speakers), so a head learns from the same features it will see at reading time. A
candidate becomes an example when its words pair with a labelled claim (the scorer's own
pairing: IoU of the spans >= 0.5); the label is what the labeller decided about that claim:

- ``type``: the claim's type;
- ``polarity``: the polarity of the first stance citing the claim, or ``none``;
- ``link``: for each labelled denial, one example per other speaker's candidate, true for
  the one paired with the claim the denial answers (a group, ranked by distance);
- ``target``: for a claim cited by a stance toward an issue with a labelled noun phrase,
  one example per noun phrase of its words, true where it overlaps the labelled phrase.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.evaluation.article_scoring import DEFAULT_IOU, pair_spans
from stance.evaluation.gold import GoldArticle, GoldClaim
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.document import Document, parse
from stance.reading.find.segments import split_segments
from stance.reading.judge.features import ClaimView, claim_features, pair_features, view_of
from stance.reading.judge.learned import NO_STANCE, sides_of
from stance.reading.judge.rules_reader import read_by_rules
from stance.reading.judge.targets import Issues, article_issues, stance_targets, target_features
from stance.schema import ClaimType

__all__ = ["ArticleExamples", "article_examples"]


@dataclass
class ArticleExamples:
    """One article's examples per head: (features, label) and, for links, groups."""

    article_id: str
    type: list[tuple[list[str], str]] = field(default_factory=list)
    polarity: list[tuple[list[str], str]] = field(default_factory=list)
    link: list[list[tuple[list[str], bool]]] = field(default_factory=list)
    target: list[list[tuple[list[str], bool]]] = field(default_factory=list)
    candidates: int = 0
    matched: int = 0


def _polarities(article: GoldArticle) -> dict[str, tuple[str, int]]:
    """claim id -> (polarity, index of the first stance citing it)."""
    found: dict[str, tuple[str, int]] = {}
    for index, stance in enumerate(article.stances):
        for claim_id in stance.evidence:
            found.setdefault(claim_id, (stance.polarity.value, index))
    return found


def article_examples(article: GoldArticle) -> ArticleExamples:
    """Read one labelled article as the reader does and pair its candidates with labels."""
    doc = parse(article.text)
    registry = ActorRegistry()
    drafts = read_by_rules(doc, split_segments(article.text), registry).drafts
    views = [view_of(doc, d) for d in drafts]
    pairs = pair_spans(
        [(d.claim.span.start, d.claim.span.end) for d in drafts],
        [g.parts or [(g.start, g.end)] for g in article.claims],
        DEFAULT_IOU,
    )
    gold_of: dict[int, GoldClaim] = {i: article.claims[j] for i, j in pairs.items()}
    out = ArticleExamples(article.id, candidates=len(drafts), matched=len(pairs))
    stance_of = _polarities(article)
    issues = article_issues(doc)
    for i, view in enumerate(views):
        gold = gold_of.get(i)
        if gold is None or gold.type is None:
            continue
        feats = claim_features(view, registry)
        out.type.append((feats, gold.type.value))
        polarity = stance_of.get(gold.id, (NO_STANCE, -1))
        out.polarity.append(([*feats, f"type={gold.type.value}"], polarity[0]))
        if gold.type is ClaimType.DENIAL:
            out.link.append(_link_group(view, views, gold_of, gold, registry))
        if polarity[1] >= 0:
            group = _target_group(doc, article, polarity[1], view, issues)
            if group:
                out.target.append(group)
    return out


def _link_group(
    denial: ClaimView,
    views: list[ClaimView],
    gold_of: dict[int, GoldClaim],
    gold: GoldClaim,
    registry: ActorRegistry,
) -> list[tuple[list[str], bool]]:
    side = sides_of(denial.draft)
    others = [
        (i, v) for i, v in enumerate(views) if v.draft.claimer_key not in side and v is not denial
    ]
    others.sort(key=lambda iv: abs(iv[1].draft.claim.span.start - denial.draft.claim.span.start))
    group = []
    for rank, (i, other) in enumerate(others):
        answered = gold_of.get(i)
        kind = answered.type if answered and answered.type else other.draft.claim.type
        feats = pair_features(denial, other, registry, side, kind, rank)
        group.append((feats, answered is not None and answered.id == gold.denies))
    return group


def _target_group(
    doc: Document, article: GoldArticle, stance_index: int, view: ClaimView, issues: Issues
) -> list[tuple[list[str], bool]]:
    """The claim's candidate targets, each marked whether it is the labelled noun phrase:
    at its offsets, or the same words elsewhere (the labelling tool sets the offsets of a
    phrase's first occurrence, and the claim may name it again)."""
    stance = article.stances[stance_index]
    if stance.target_actor is not None or stance.target_start is None:
        return []
    t0, t1 = stance.target_start, stance.target_end or stance.target_start
    wanted = _core(article.text[t0:t1])
    chunks = stance_targets(doc, view, issues)
    group = [
        (
            target_features(doc, c, view, issues),
            min(c[1], t1) - max(c[0], t0) > 0 or _core(doc.text[c[0] : c[1]]) == wanted,
        )
        for c in chunks
    ]
    return group if any(label for _, label in group) else []


def _core(phrase: str) -> str:
    """A phrase without its leading article, lower-cased."""
    words = phrase.lower().split()
    return " ".join(words[1:] if words and words[0] in ("the", "a", "an") else words)
