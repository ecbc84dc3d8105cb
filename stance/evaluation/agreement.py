"""Inter-annotator agreement between two labellings of the same articles.

Gold labels are only as good as the people who made them. Two labellers (or one labeller
twice, or a labeller and a corrected prediction) label the same text; how often they agree
bounds what any score against that gold can mean. Claims are paired exactly as the scorer
pairs a prediction with gold (``article_scoring.pair_spans``, ``--match iou|overlap``), and
speakers are one actor under the scorer's own rule (``forms_agree``), so an agreement figure
and an eval figure measure the same thing.

What is reported, per article and summed over articles:
- attribution agreement, as PolNeAR reports it: the share of attributions (claims) both
  labellers marked with matching spans, 2·matched / (|A| + |B|) (1.0 when both marked none);
- among matched claims, the share on which they agree about the speaker, the type, hedging,
  the stance polarity (the polarity of the stance a claim is evidence for; "no stance" on both
  sides agrees), and denial links (counted over matched pairs where either side links: agreed
  when both link and the claims linked to are themselves a matched pair);
- Cohen's kappa for claim type over the matched pairs (None when chance agreement is 1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stance.errors import InputError
from stance.evaluation.article_scoring import (
    DEFAULT_IOU,
    MatchRule,
    actor_forms,
    forms_agree,
    pair_spans,
)
from stance.evaluation.gold import GoldArticle, load_gold, load_gold_dir

__all__ = [
    "ASPECTS",
    "AgreementCounts",
    "AgreementReport",
    "agree_articles",
    "agreement_report",
    "agreement_table",
    "cohen_kappa",
    "load_pairs",
]

# What two matched claims can agree on, in the order the table shows them.
ASPECTS = ("speaker", "type", "hedged", "polarity", "link")


@dataclass
class AgreementCounts:
    """Counters for one article (or a sum of articles): ratios are derived, never stored."""

    article_id: str
    claims_a: int = 0
    claims_b: int = 0
    matched: int = 0
    same: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASPECTS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASPECTS, 0))
    type_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def attribution(self) -> float:
        marked = self.claims_a + self.claims_b
        return 2 * self.matched / marked if marked else 1.0

    def share(self, aspect: str) -> float | None:
        n = self.total[aspect]
        return self.same[aspect] / n if n else None

    @property
    def type_kappa(self) -> float | None:
        return cohen_kappa(self.type_pairs)

    def __add__(self, other: AgreementCounts) -> AgreementCounts:
        return AgreementCounts(
            "total",
            self.claims_a + other.claims_a,
            self.claims_b + other.claims_b,
            self.matched + other.matched,
            {k: self.same[k] + other.same[k] for k in ASPECTS},
            {k: self.total[k] + other.total[k] for k in ASPECTS},
            self.type_pairs + other.type_pairs,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article_id,
            "claims_a": self.claims_a,
            "claims_b": self.claims_b,
            "matched": self.matched,
            "attribution_agreement": round(self.attribution, 4),
            **{
                f"{k}_agreement": None if (v := self.share(k)) is None else round(v, 4)
                for k in ASPECTS
            },
            **{f"{k}_n": self.total[k] for k in ASPECTS},
            "type_kappa": None if (kappa := self.type_kappa) is None else round(kappa, 4),
        }


@dataclass
class AgreementReport:
    rule: MatchRule
    threshold: float
    articles: list[AgreementCounts]

    @property
    def total(self) -> AgreementCounts:
        total = AgreementCounts("total")
        for counts in self.articles:
            total = total + counts
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "match": self.rule,
            "threshold": self.threshold,
            "articles": [a.as_dict() for a in self.articles],
            "total": self.total.as_dict(),
        }


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items; None when it is undefined."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(left[k] * right[k] for k in left) / (n * n)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1.0 - chance)


def _polarities(article: GoldArticle) -> dict[str, str]:
    """Each claim's stance polarity: that of the first stance citing it as evidence."""
    found: dict[str, str] = {}
    for stance in article.stances:
        for claim_id in stance.evidence:
            found.setdefault(claim_id, stance.polarity.value)
    return found


def agree_articles(
    a: GoldArticle, b: GoldArticle, threshold: float = DEFAULT_IOU, rule: MatchRule = "iou"
) -> AgreementCounts:
    """Agreement of two labellings of one article (the same text)."""
    if a.text != b.text:
        raise InputError(f"{a.id}: the two labellings are of different texts")
    counts = AgreementCounts(a.id, len(a.claims), len(b.claims))
    pairs = pair_spans(
        [(c.start, c.end) for c in a.claims],
        [c.parts or [(c.start, c.end)] for c in b.claims],
        threshold,
        rule,
    )
    counts.matched = len(pairs)
    forms_a = {x.id: actor_forms(x) for x in a.actors}
    forms_b = {x.id: actor_forms(x) for x in b.actors}
    pol_a, pol_b = _polarities(a), _polarities(b)
    index_b = {c.id: j for j, c in enumerate(b.claims)}
    index_a = {c.id: i for i, c in enumerate(a.claims)}

    def tally(aspect: str, same: bool) -> None:
        counts.total[aspect] += 1
        counts.same[aspect] += int(same)

    for i, j in sorted(pairs.items()):
        ca, cb = a.claims[i], b.claims[j]
        tally(
            "speaker",
            ca.claimer is not None
            and cb.claimer is not None
            and forms_agree(forms_a.get(ca.claimer, set()), forms_b.get(cb.claimer, set()), rule),
        )
        if ca.type is not None and cb.type is not None:
            tally("type", ca.type is cb.type)
            counts.type_pairs.append((ca.type.value, cb.type.value))
        if ca.hedged is not None and cb.hedged is not None:
            tally("hedged", ca.hedged == cb.hedged)
        tally("polarity", pol_a.get(ca.id) == pol_b.get(cb.id))
        if ca.denies is not None or cb.denies is not None:
            linked_a = index_a.get(ca.denies) if ca.denies else None
            linked_b = index_b.get(cb.denies) if cb.denies else None
            tally("link", linked_a is not None and pairs.get(linked_a) == linked_b)
    return counts


def load_pairs(a: Path, b: Path) -> tuple[list[tuple[GoldArticle, GoldArticle]], list[str]]:
    """The articles labelled on both sides (two gold files, or two folders paired by article
    id), and a note for every article found on one side only."""
    if a.is_dir() != b.is_dir():
        raise InputError(f"give two gold files or two folders, not {a} and {b}")
    for path in (a, b):
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
    if not a.is_dir():
        return [(load_gold(a), load_gold(b))], []
    left = {g.id: g for g in load_gold_dir(a)}
    right = {g.id: g for g in load_gold_dir(b)}
    notes = [f"only in {a}: {i}" for i in sorted(left.keys() - right.keys())]
    notes += [f"only in {b}: {i}" for i in sorted(right.keys() - left.keys())]
    common = sorted(left.keys() & right.keys())
    if not common:
        raise InputError(f"{a} and {b} share no article id")
    return [(left[i], right[i]) for i in common], notes


def agreement_report(
    pairs: Sequence[tuple[GoldArticle, GoldArticle]],
    threshold: float = DEFAULT_IOU,
    rule: MatchRule = "iou",
) -> AgreementReport:
    return AgreementReport(
        rule, threshold, [agree_articles(a, b, threshold, rule) for a, b in pairs]
    )


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def agreement_table(report: AgreementReport) -> str:
    """The terminal table: one row per article and a total row, then the type kappa."""
    header = ["article", "A", "B", "matched", "attrib", *ASPECTS]
    rows = [
        [
            c.article_id,
            str(c.claims_a),
            str(c.claims_b),
            str(c.matched),
            _cell(c.attribution),
            *(_cell(c.share(k)) for k in ASPECTS),
        ]
        for c in [*report.articles, report.total]
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(w) for cell, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    total = report.total
    out = [line(header), *(line(r) for r in rows[:-1]), "-" * len(line(header)), line(rows[-1])]
    out.append(
        f"claims matched by {report.rule} >= {report.threshold:g}; "
        f"type kappa (Cohen, {len(total.type_pairs)} matched pairs): {_cell(total.type_kappa)}"
    )
    return "\n".join(out)
