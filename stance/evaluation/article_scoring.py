"""Compare one extraction with its gold labels: pair items, count hits, list the errors.

What is matched, stated once so reports can say it:
- claims pair one-to-one, greedily by character IoU of their spans (ties by position), when
  IoU >= `iou` (default 0.5); under the ``overlap`` rule (the one PolNeAR peers are scored
  with), when the overlap covers at least `iou` of the shorter span;
- an extracted actor is a gold actor when their names or mentions share a normalised form
  (case, accents, a leading "the" and possessive "'s" ignored); under ``overlap``, when they
  share a word;
- stances pair one-to-one when holders match, polarities are equal and the targets are similar
  (rapidfuzz token-set ratio >= 60 against the gold target or the topics of its evidence);
- relations (who accuses, denies, demands of whom) when both actors and the relation agree,
  in articles labelled with target actors only (``relation_scoring``).
Counts, not ratios, are kept per article so that micro averages and bootstrap resamples are sums.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from stance.evaluation.gold import GoldActor, GoldArticle, GoldClaim, SourceKind
from stance.evaluation.relation_scoring import score_relations
from stance.schema import REJECTED_NOT_FOUND, Actor, ActorKind, Claim, ClaimType, Extraction

__all__ = [
    "ACCURACIES",
    "DEFAULT_IOU",
    "FAMILIES",
    "MATCH_RULES",
    "TARGET_SIMILARITY",
    "ArticleScore",
    "ClaimMatch",
    "ErrorItem",
    "MatchRule",
    "TargetSimilarity",
    "actor_forms",
    "forms_agree",
    "iou",
    "iou_parts",
    "match_claims",
    "norm_name",
    "overlap_parts",
    "pair_claims",
    "pair_greedy",
    "pair_spans",
    "score_article",
]

DEFAULT_IOU = 0.5
TARGET_SIMILARITY = 60.0
# how alike two stance targets are, 0-100 (rapidfuzz's scorers fit)
TargetSimilarity = Callable[[str, str], float]
# "iou": intersection over union of the spans, and actors by a shared name form (ours, strict).
# "overlap": intersection over the shorter span, and actors by a shared word: the rule the
# PolNeAR peers (LangExtract, GenderGapTracker) were scored with, so figures sit side by side.
MatchRule = Literal["iou", "overlap"]
MATCH_RULES: tuple[MatchRule, ...] = ("iou", "overlap")
_NAME_STOPWORDS = frozenset({"the", "of", "a", "an", "and", "for", "to", "in", "on", "at", "s"})

# Each P/R/F1 family is three counters: true positives, predicted, gold.
FAMILIES = ("actor", "claim", "attribution", "denial", "stance")
# Each accuracy is two counters: correct, total.
ACCURACIES = (
    "actor_kind",
    "type",
    "hedging",
    "link",
    "grounding",
    "source_named",
    "source_pronoun",
    "source_generic",
)


def _kind_class(kind: ActorKind) -> str:
    """A kind as scored: a country and its government are one state (gold writes either)."""
    return "state" if kind in (ActorKind.COUNTRY, ActorKind.GOVERNMENT) else kind.value


@dataclass
class ErrorItem:
    """One mistake, for the error listing: what kind, which claim, and the quote."""

    kind: str
    quote: str
    detail: str = ""


@dataclass
class ArticleScore:
    """Counters and errors for one article; metrics are derived from the counters."""

    article_id: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[ErrorItem] = field(default_factory=list)

    def add(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


def norm_name(name: str) -> str:
    """Fold case and accents, drop 'the ' and possessives: 'The White House's' = 'white house'."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("\u2019", "'").strip(" .,'\"")
    folded = folded.removesuffix("'s").removeprefix("the ")
    return " ".join(folded.split())


def _forms(names: Iterable[str]) -> set[str]:
    return {n for n in (norm_name(x) for x in names) if n}


def actor_forms(actor: Actor | GoldActor) -> set[str]:
    if isinstance(actor, GoldActor):
        return _forms([actor.name, *actor.mentions])
    return _forms([actor.name, *(m.text for m in actor.mentions)])


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def iou_parts(a: tuple[int, int], parts: Sequence[tuple[int, int]]) -> float:
    """IoU of a span with a discontinuous span (the characters of its pieces)."""
    inter = sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in parts)
    union = (a[1] - a[0]) + sum(e - s for s, e in parts) - inter
    return inter / union if union > 0 else 0.0


def overlap_parts(a: tuple[int, int], parts: Sequence[tuple[int, int]]) -> float:
    """Characters shared with a (possibly discontinuous) span, over the shorter of the two."""
    inter = sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in parts)
    shorter = min(a[1] - a[0], sum(e - s for s, e in parts))
    return inter / shorter if shorter > 0 else 0.0


def _words(forms: set[str]) -> set[str]:
    return {w for form in forms for w in form.replace("'", " ").split() if w not in _NAME_STOPWORDS}


def pair_greedy(scores: list[tuple[float, int, int]], threshold: float) -> dict[int, int]:
    """One-to-one pairs (left -> right), best score first; ties broken by index order."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for score, left, right in sorted(scores, key=lambda s: (-s[0], s[1], s[2])):
        if score < threshold or left in pairs or right in taken:
            continue
        pairs[left] = right
        taken.add(right)
    return pairs


def pair_spans(
    left: Sequence[tuple[int, int]],
    right: Sequence[Sequence[tuple[int, int]]],
    threshold: float,
    rule: MatchRule = "iou",
) -> dict[int, int]:
    """One-to-one pairs of spans (left index -> right index); a right span may have pieces."""
    measure = overlap_parts if rule == "overlap" else iou_parts
    scores = [
        (measure(a, parts), i, j) for i, a in enumerate(left) for j, parts in enumerate(right)
    ]
    return pair_greedy([s for s in scores if s[0] > 0], threshold)


def pair_claims(
    pred: Sequence[Claim], gold: Sequence[GoldClaim], threshold: float, rule: MatchRule = "iou"
) -> dict[int, int]:
    return pair_spans(
        [(p.span.start, p.span.end) for p in pred],
        [g.parts or [(g.start, g.end)] for g in gold],
        threshold,
        rule,
    )


def forms_agree(mine: set[str], theirs: set[str], rule: MatchRule = "iou") -> bool:
    """Two actors are one: a shared name form (``iou``), or a shared word (``overlap``)."""
    if rule == "overlap":
        return bool(_words(mine) & _words(theirs))
    return bool(mine & theirs)


class _Scorer:
    """Scores one article; split out so each metric family reads as one method."""

    def __init__(
        self,
        extraction: Extraction,
        gold: GoldArticle,
        threshold: float,
        rule: MatchRule,
        target_similarity: TargetSimilarity,
    ) -> None:
        self.pred = extraction
        self.target_similarity = target_similarity
        self.gold = gold
        self.rule = rule
        self.score = ArticleScore(gold.id)
        self.forms = {a.id: actor_forms(a) for a in extraction.actors}
        self.gold_forms = {a.id: actor_forms(a) for a in gold.actors}
        self.claim_pairs = pair_claims(extraction.claims, gold.claims, threshold, rule)

    def same_actor(self, pred_id: str, gold_id: str | None) -> bool:
        if gold_id is None:
            return False
        mine, theirs = self.forms.get(pred_id, set()), self.gold_forms.get(gold_id, set())
        return forms_agree(mine, theirs, self.rule)

    def run(self) -> ArticleScore:
        for name in FAMILIES:
            for part in ("tp", "pred", "gold"):
                self.score.add(f"{name}_{part}", 0)
        for name in ACCURACIES:
            self.score.add(f"{name}_ok", 0)
            self.score.add(f"{name}_n", 0)
        for kind in ClaimType:
            for part in ("tp", "pred", "gold"):
                self.score.add(f"typecls_{kind.value}_{part}", 0)
        self.actors()
        self.claims()
        self.links()
        self.stances()
        self.grounding()
        found = score_relations(self.pred, self.gold, self.same_actor)  # relation_scoring
        for name, value in found.counts.items():
            self.score.add(name, value)
        self.score.errors += [ErrorItem(*e) for e in found.errors]
        return self.score

    def actors(self) -> None:
        """Only actors who speak or hold a stance count, on both sides."""
        pred_ids = [
            a.id
            for a in self.pred.actors
            if any(c.claimer == a.id for c in self.pred.claims)
            or any(s.holder == a.id for s in self.pred.stances)
        ]
        gold_ids = [
            a.id
            for a in self.gold.actors
            if any(c.claimer == a.id for c in self.gold.claims)
            or any(s.holder == a.id for s in self.gold.stances)
        ]
        scores = [
            (float(len(self.forms[p] & self.gold_forms[g])), i, j)
            for i, p in enumerate(pred_ids)
            for j, g in enumerate(gold_ids)
        ]
        pairs = pair_greedy(scores, 1.0)
        self.score.add("actor_tp", len(pairs))
        for i, j in pairs.items():
            mine, theirs = self.pred.actor(pred_ids[i]), self.gold.actor(gold_ids[j])
            if theirs is None:
                continue
            ok = _kind_class(mine.kind) == _kind_class(theirs.kind)
            self.score.add("actor_kind_n")
            self.score.add("actor_kind_ok", int(ok))
            if not ok:
                self.score.errors.append(
                    ErrorItem(
                        "wrong actor kind",
                        mine.name,
                        f"{mine.kind.value}, gold {theirs.kind.value}",
                    )
                )
        self.score.add("actor_pred", len(pred_ids))
        self.score.add("actor_gold", len(gold_ids))
        for j, gid in enumerate(gold_ids):
            if j not in pairs.values():
                actor = self.gold.actor(gid)
                self.score.errors.append(ErrorItem("missed actor", actor.name if actor else gid))
        for i, pid in enumerate(pred_ids):
            if i not in pairs:
                self.score.errors.append(ErrorItem("spurious actor", self.pred.actor(pid).name))

    def claims(self) -> None:
        s, pred, gold = self.score, self.pred.claims, self.gold.claims
        s.add("claim_pred", len(pred))
        s.add("claim_gold", len(gold))
        s.add("attribution_pred", len(pred))
        s.add("attribution_gold", len(gold))
        s.add("denial_pred", sum(c.type is ClaimType.DENIAL for c in pred))
        s.add("denial_gold", sum(g.type is ClaimType.DENIAL for g in gold))
        for i, j in self.claim_pairs.items():
            p, g = pred[i], gold[j]
            s.add("claim_tp")
            right = self.same_actor(p.claimer, g.claimer)
            s.add("attribution_tp", int(right))
            if not right:
                s.errors.append(ErrorItem("wrong claimer", g.quote, self._who(p, g)))
            if g.source_kind is not None:
                bucket = "named" if g.source_kind is SourceKind.NAMED else g.source_kind.value
                if bucket in ("named", "pronoun", "generic"):
                    s.add(f"source_{bucket}_n")
                    s.add(f"source_{bucket}_ok", int(right))
            if g.type is not None:
                s.add("type_n")
                s.add("type_ok", int(p.type is g.type))
                s.add(f"typecls_{g.type.value}_gold")
                s.add(f"typecls_{p.type.value}_pred")
                s.add(f"typecls_{g.type.value}_tp", int(p.type is g.type))
                if p.type is not g.type:
                    s.errors.append(
                        ErrorItem("wrong type", g.quote, f"{p.type.value}, gold {g.type.value}")
                    )
            if g.hedged is not None:
                s.add("hedging_n")
                s.add("hedging_ok", int(p.hedged == g.hedged))
            if p.type is ClaimType.DENIAL and g.type is ClaimType.DENIAL:
                s.add("denial_tp")
        matched_pred = set(self.claim_pairs)
        matched_gold = set(self.claim_pairs.values())
        for i, p in enumerate(pred):
            if i not in matched_pred:
                who = self.pred.actor(p.claimer).name
                s.errors.append(ErrorItem("false positive", p.quote, f"by {who}"))
        for j, g in enumerate(gold):
            if j not in matched_gold:
                actor = self.gold.actor(g.claimer)
                s.errors.append(
                    ErrorItem(
                        "false negative", g.quote, f"by {actor.name if actor else 'unnamed source'}"
                    )
                )

    def _who(self, p: Claim, g: GoldClaim) -> str:
        actor = self.gold.actor(g.claimer)
        return f"{self.pred.actor(p.claimer).name}, gold {actor.name if actor else 'none'}"

    def links(self) -> None:
        """A gold link is right when its denial and the denied claim both pair, and the
        predicted denial points at the claim paired with the denied one."""
        pred_index = {c.id: i for i, c in enumerate(self.pred.claims)}
        gold_to_pred = {j: i for i, j in self.claim_pairs.items()}
        gold_index = {c.id: j for j, c in enumerate(self.gold.claims)}
        for j, g in enumerate(self.gold.claims):
            if g.denies is None:
                continue
            self.score.add("link_n")
            i = gold_to_pred.get(j)
            p = self.pred.claims[i] if i is not None else None
            target = gold_to_pred.get(gold_index[g.denies])
            ok = p is not None and p.denies is not None and pred_index.get(p.denies) == target
            self.score.add("link_ok", int(ok and target is not None))
            if not (ok and target is not None):
                got = p.denies if p is not None and p.denies else "nothing"
                self.score.errors.append(
                    ErrorItem("missed denial link", g.quote, f"gold denies {g.denies}, got {got}")
                )

    def stances(self) -> None:
        gold_topics = {c.id: c.topic for c in self.gold.claims}
        scores: list[tuple[float, int, int]] = []
        for i, p in enumerate(self.pred.stances):
            for j, g in enumerate(self.gold.stances):
                if p.polarity is not g.polarity or not self.same_actor(p.holder, g.holder):
                    continue
                targets = [g.target, *(gold_topics.get(e, "") for e in g.evidence)]
                sim = max(self.target_similarity(p.target.lower(), t.lower()) for t in targets if t)
                scores.append((sim, i, j))
        pairs = pair_greedy(scores, TARGET_SIMILARITY)
        self.score.add("stance_tp", len(pairs))
        self.score.add("stance_pred", len(self.pred.stances))
        self.score.add("stance_gold", len(self.gold.stances))

    def grounding(self) -> None:
        """Returned quotes: kept claims plus items rejected for not being in the text (not
        those set aside for another reason, such as sitting in the headline)."""
        kept = self.pred.claims
        lost = [r for r in self.pred.rejected if r.reason.startswith(REJECTED_NOT_FOUND)]
        self.score.add("grounding_n", len(kept) + len(lost))
        self.score.add("grounding_ok", sum(c.alignment.value == "exact" for c in kept))


def score_article(
    extraction: Extraction,
    gold: GoldArticle,
    iou_threshold: float = DEFAULT_IOU,
    rule: MatchRule = "iou",
    target_similarity: TargetSimilarity = fuzz.token_set_ratio,
) -> ArticleScore:
    """Count hits and list errors for one article against its gold labels.

    ``target_similarity`` (0-100) decides whether two stance targets name one issue; the
    default, rapidfuzz's token-set ratio, is what every report uses.
    ``benchmarks/stance_target_rules.py`` passes stricter ones to see how much a stance F1
    rests on it."""
    return _Scorer(extraction, gold, iou_threshold, rule, target_similarity).run()


@dataclass
class ClaimMatch:
    """How each claim fared: the pairing `score_article` counts, for pages that show spans."""

    pairs: dict[int, int]  # predicted claim index -> gold claim index
    right_claimer: dict[int, bool]  # predicted claim index (paired) -> claimer agrees


def match_claims(
    extraction: Extraction,
    gold: GoldArticle,
    iou_threshold: float = DEFAULT_IOU,
    rule: MatchRule = "iou",
) -> ClaimMatch:
    """The same claim pairs and claimer verdicts as scoring, without counting anything."""
    scorer = _Scorer(extraction, gold, iou_threshold, rule, fuzz.token_set_ratio)
    right = {
        i: scorer.same_actor(extraction.claims[i].claimer, gold.claims[j].claimer)
        for i, j in scorer.claim_pairs.items()
    }
    return ClaimMatch(dict(scorer.claim_pairs), right)
