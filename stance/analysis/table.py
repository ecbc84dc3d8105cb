"""A table as plain rows under typed columns: what `stance export` writes and `stance.frames`
wraps.

Building tables needs neither pandas nor pyarrow, so `stance export --to csv` works without
the ``analysis`` extra. Each column declares its kind so that CSV, parquet and DataFrame agree
on types, even for a column that is empty in every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["Cell", "Kind", "Table", "make_table"]

Cell: TypeAlias = str | int | float | bool | None
Kind = Literal["str", "int", "float", "bool"]


@dataclass(frozen=True)
class Table:
    """One tidy table: a row per item, a column per field, in a fixed column order."""

    name: str
    columns: tuple[tuple[str, Kind], ...]
    rows: list[dict[str, Cell]]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def column(self, name: str) -> list[Cell]:
        return [row[name] for row in self.rows]


def make_table(
    name: str, columns: Sequence[tuple[str, Kind]], rows: Sequence[Mapping[str, Cell]]
) -> Table:
    """A table whose every row has exactly the declared columns (a mismatch is a bug here)."""
    names = [column for column, _ in columns]
    for row in rows:
        if list(row) != names:
            raise ValueError(f"table {name}: row columns {list(row)} differ from {names}")
    return Table(name, tuple(columns), [dict(row) for row in rows])
