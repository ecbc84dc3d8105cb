"""Runs: reading inputs (files, directories, JSONL, stdin; bytes decoded with clear errors),
running many articles through one extractor concurrently, writing records incrementally
and atomically, resuming killed runs, and the closing summary with tokens and cost.

May import: ``reading``, ``schema``, ``errors``. Must not import ``llm`` (it is handed a
ready extractor), ``api``, ``evaluation``, ``batchfile``, ``views`` or ``cli``. Checked by
import-linter in ``make lint``.
"""

__all__: list[str] = []
