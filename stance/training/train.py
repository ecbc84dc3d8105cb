"""``stance train``: rebuild the judge's heads from the training split.

Reads only the split named ``train`` in ``evals/gold/splits.json`` (never dev or test),
builds the examples as the reader sees them, fits and writes the heads with their card.
Runs the parse in a process pool (one spaCy per worker); the examples are gathered in
article order, so the result does not depend on the number of workers.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from stance.evaluation.gold import GoldArticle
from stance.evaluation.splits import load_split
from stance.training.examples import ArticleExamples, article_examples
from stance.training.fit import fit_heads

__all__ = ["train"]


def _examples(articles: list[GoldArticle], workers: int) -> list[ArticleExamples]:
    if workers <= 1:
        return [article_examples(a) for a in articles]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(article_examples, articles, chunksize=4))


def train(gold_root: Path, out: Path, workers: int | None = None) -> dict[str, Any]:
    """Fit the heads on ``gold_root``'s train split and write them to ``out``."""
    articles = load_split(gold_root, "train")
    examples = _examples(articles, workers or min(2, os.cpu_count() or 1))
    return fit_heads(examples, articles, out)
