"""Write tables as files, one per table: CSV with a header row, or parquet through pyarrow.

Each file is replaced atomically (a kill leaves the old file or the new one, whole). CSV needs
nothing beyond the standard library; parquet needs pyarrow, the ``analysis`` extra, and says so
when it is missing. Column kinds become parquet types, so an all-empty column keeps its type.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from stance.analysis.table import Cell, Kind, Table
from stance.errors import ConfigError
from stance.runs.output import atomic_write

__all__ = ["EXTRA_HINT", "FORMATS", "Format", "table_bytes", "write_tables"]

Format = Literal["csv", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "parquet")
EXTRA_HINT = "pip install 'stance[analysis]'"


def write_tables(tables: Mapping[str, Table], directory: Path, fmt: Format) -> list[Path]:
    """Write ``directory/NAME.csv`` (or ``.parquet``) per table; returns the paths written."""
    if fmt not in FORMATS:
        raise ConfigError(f"--to must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} is a file; give a directory to write the tables into")
    encoded = {name: table_bytes(table, fmt) for name, table in tables.items()}  # before writing
    paths = []
    for name, data in encoded.items():
        path = directory / f"{name}.{fmt}"
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
        paths.append(path)
    return paths


def table_bytes(table: Table, fmt: Format) -> bytes:
    return _csv_bytes(table) if fmt == "csv" else _parquet_bytes(table)


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.names)
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row.values()])
    return buffer.getvalue().encode("utf-8")


def _parquet_bytes(table: Table) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(f"writing parquet needs pyarrow: {EXTRA_HINT}") from None
    types: dict[Kind, Any] = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
    }
    schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
    arrow = pa.Table.from_pylist(table.rows, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink)
    return bytes(sink.getvalue().to_pybytes())
