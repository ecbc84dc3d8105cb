"""The design matrix every head is fitted on: named features to sparse columns, and folds.

A feature becomes a column when at least ``MIN_COUNT`` training rows have it (a feature
seen once is a name, not evidence); folds group rows by article, so no article is on both
sides of a cross-validation split. ``stance train`` and the benchmarks that refit heads
(``judge_cv``, ``encoder_judge``) share these, so their folds and columns are the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["FOLDS", "MIN_COUNT", "folds", "matrix", "vocabulary"]

MIN_COUNT = 2
FOLDS = 5


def matrix(rows: Sequence[Sequence[str]], vocab: dict[str, int]) -> Any:
    """A 0/1 sparse matrix: one row per example, one column per known feature."""
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for row in rows:
        cols = sorted({vocab[f] for f in row if f in vocab})
        indices += cols
        indptr.append(len(indices))
    data = np.ones(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), len(vocab)))


def vocabulary(rows: Sequence[Sequence[str]]) -> dict[str, int]:
    """Feature name -> column, in sorted order, for features in ``MIN_COUNT`` rows or more."""
    counts = Counter(f for row in rows for f in set(row))
    kept = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    return {f: i for i, f in enumerate(kept)}


def folds(groups: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, held-out) index arrays, ``FOLDS`` of them, grouped by ``groups``."""
    from sklearn.model_selection import GroupKFold

    n = len(groups)
    splitter = GroupKFold(n_splits=min(FOLDS, len(set(groups))))
    return list(splitter.split(np.zeros(n), groups=groups))
