"""How much of a stance F1 rests on the scorer's lenient target match.

Usage: python benchmarks/stance_target_rules.py PRED.jsonl GOLD_DIR

`stance eval` pairs a predicted stance with a gold one when holder and polarity agree and
the targets' rapidfuzz ``token_set_ratio`` reaches ``TARGET_SIMILARITY``. That ratio is 100
when one target's words are a subset of the other's, so a one-word target ("the bank")
could match any longer one ("claims that the bank was hacked"). This prints stance F1 under
the scorer's rule and under two stricter ones on the same predictions (PRED.jsonl from
``stance eval ... -o``): if the scorer's figure held only by the subset leniency, the middle
rule would fall.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rapidfuzz import fuzz

from stance.evaluation.article_scoring import TargetSimilarity, score_article
from stance.evaluation.gold import load_gold
from stance.schema import Extraction, parse_record

RULES: dict[str, TargetSimilarity] = {
    "token_set (the scorer's)": lambda a, b: fuzz.token_set_ratio(a, b),
    "token_set, and token_sort >= 40": lambda a, b: (
        fuzz.token_set_ratio(a, b) if fuzz.token_sort_ratio(a, b) >= 40 else 0.0
    ),
    "token_sort": lambda a, b: fuzz.token_sort_ratio(a, b),
}


def stance_counts(pred: Path, gold_dir: Path, similar: TargetSimilarity) -> tuple[int, int, int]:
    """Matched, predicted and gold stances over every article with a gold file, scored by
    the eval's own scorer with ``similar`` as its target rule."""
    tp = predicted = gold_n = 0
    for line in pred.read_text(encoding="utf-8").splitlines():
        record = parse_record(line)
        gold_path = gold_dir / f"{getattr(record, 'article_id', '')}.gold.json"
        if not isinstance(record, Extraction) or not gold_path.exists():
            continue
        counts = score_article(record, load_gold(gold_path), target_similarity=similar).counts
        tp += counts["stance_tp"]
        predicted += counts["stance_pred"]
        gold_n += counts["stance_gold"]
    return tp, predicted, gold_n


def main() -> None:
    pred, gold_dir = Path(sys.argv[1]), Path(sys.argv[2])
    for name, similar in RULES.items():
        tp, predicted, gold_n = stance_counts(pred, gold_dir, similar)
        f1 = 2 * tp / (predicted + gold_n) if predicted + gold_n else 1.0
        print(f"{name:34} matched {tp:3d} of {predicted} predicted, {gold_n} gold: F1 {f1:.3f}")


if __name__ == "__main__":
    main()
