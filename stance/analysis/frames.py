"""`stance.frames(src)`: the tables of `stance export` as pandas DataFrames, in Python.

pandas is the ``analysis`` extra, imported here on first call so that ``import stance`` stays
light; without it the call says how to install it. Columns get pandas' nullable types (Int64,
Float64, boolean, string) from the tables' declared kinds, so a missing value is ``<NA>``
and an integer column stays integer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from os import PathLike
from typing import Any

from stance.analysis.sources import read_tables
from stance.analysis.table import Kind, Table
from stance.analysis.writers import EXTRA_HINT
from stance.errors import ConfigError

__all__ = ["Frames", "frames"]

_DTYPES: dict[Kind, str] = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}


class Frames(Mapping[str, Any]):
    """DataFrames by table name: ``f["claims"]`` or ``f.claims``; ``list(f)`` names them.

    Extract output gives articles, actors, claims, stances, denial_links and relations; an
    eval report gives articles and matches.
    """

    def __init__(self, tables: Mapping[str, Any]) -> None:
        self._tables = dict(tables)

    def __getitem__(self, name: str) -> Any:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("_tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table {name!r}; these are: {', '.join(tables)}")

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(df)} rows" for name, df in self._tables.items())
        return f"Frames({sizes})"


def frames(source: str | PathLike[str]) -> Frames:
    """The tables of a `stance extract` JSONL or a `stance eval --report` JSON as DataFrames."""
    try:
        import pandas as pd
    except ImportError:
        raise ConfigError(f"stance.frames needs pandas: {EXTRA_HINT}") from None
    tables = read_tables(str(source))
    return Frames({name: _frame(pd, table) for name, table in tables.items()})


def _frame(pd: Any, table: Table) -> Any:
    frame = pd.DataFrame(table.rows, columns=table.names)
    return frame.astype({name: _DTYPES[kind] for name, kind in table.columns})
