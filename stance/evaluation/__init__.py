"""Evaluation: datasets (the gold set, PolNeAR), matching predictions to labels, metrics
with bootstrap intervals, reports, paired comparisons, the CI gate and recorded responses
for offline replay.

May import: ``api`` (to build an extractor), ``runs``, ``reading``, ``llm``, ``schema``,
``errors``. Must not import ``batchfile``, ``views`` or ``cli``. Checked by import-linter
in ``make lint``.
"""

__all__: list[str] = []
