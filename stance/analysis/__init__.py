"""Analysis: records and eval reports as tidy tables, written as CSV or parquet (`stance
export`) or handed to pandas (`stance.frames`).

May import: ``evaluation`` (reports to flatten), ``runs`` (atomic writes), ``schema``,
``errors``. Must not import ``views``, ``cli`` or a model SDK; pandas and pyarrow are
optional (the ``analysis`` extra) and imported only when a frame or a parquet file is made.
Checked by import-linter in ``make lint``.
"""

__all__: list[str] = []
