"""How fast is scoring? Prints seconds to score N articles, bootstrap included.

    python benchmarks/score_speed.py [N]

Predictions are the gold labels of evals/gold with every third claim dropped and every
fifth claimer swapped, repeated until N articles: realistic sizes, no model needed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from evalkit import as_extraction

from stance.evaluation.dataset_scoring import score_dataset
from stance.evaluation.gold import GoldArticle, load_gold_dir


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    base = load_gold_dir(Path(__file__).parents[1] / "evals" / "gold")
    gold: list[GoldArticle] = []
    predictions = {}
    for i in range(n):
        article = base[i % len(base)].model_copy(update={"id": f"a{i}"})
        article.text = base[i % len(base)].text
        pred = as_extraction(article)
        pred.claims = [c for k, c in enumerate(pred.claims) if k % 3 != 2]
        ids = [a.id for a in pred.actors]
        for k, claim in enumerate(pred.claims):
            if k % 5 == 4 and len(ids) > 1:
                claim.claimer = ids[(ids.index(claim.claimer) + 1) % len(ids)]
        gold.append(article)
        predictions[article.id] = pred
    claims = sum(len(a.claims) for a in gold)
    started = time.perf_counter()
    report = score_dataset(gold, predictions, dataset="speed", dataset_path="-")
    seconds = time.perf_counter() - started
    print(
        f"scored {n} articles ({claims} gold claims), {report.manifest.resamples} bootstrap "
        f"resamples: {seconds:.2f} s ({1000 * seconds / n:.2f} ms/article); "
        f"claim_f1 {report.value('claim_f1'):.3f}, attribution_f1 "
        f"{report.value('attribution_f1'):.3f}"
    )


if __name__ == "__main__":
    main()
