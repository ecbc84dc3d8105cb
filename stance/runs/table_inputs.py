"""Parquet and Arrow files as article sources: one article per row, read in batches.

At a million articles the input is a table, not a folder of text files. A table is read
a batch of rows at a time (memory does not grow with the file), and each row becomes the
same ``{"id", "text", ...}`` object a JSONL line gives, so it is checked by the same rules
and a bad row costs that row only. ``--text-column``/``--id-column`` name the columns;
``title``, ``date`` and ``source`` are taken when the table has them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import InputError

__all__ = ["TABLE_SUFFIXES", "Columns", "table_rows"]

TABLE_SUFFIXES = (".parquet", ".arrow", ".feather")
_EXTRA = ("title", "date", "source")
_BATCH_ROWS = 1024


@dataclass(frozen=True)
class Columns:
    """Where a table keeps each article's text and id (``id=None``: the ``id`` column when
    there is one, else ``<file stem>-<row>``)."""

    text: str = "text"
    id: str | None = None


def table_rows(path: Path, columns: Columns) -> Iterator[dict[str, Any]]:
    """Each row as a JSON-like object with the keys ``id``, ``text`` and any of title,
    date and source. InputError (before any row) when the file or a column is unusable."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            f"{path}: reading {path.suffix} files needs pyarrow; "
            "pip install 'stance[analysis]' (or pyarrow)"
        ) from None
    try:
        if path.suffix.lower() == ".parquet":
            parquet = pq.ParquetFile(path)
            names = list(parquet.schema_arrow.names)
            wanted = _wanted(names, columns, path)
            batches: Iterator[Any] = parquet.iter_batches(
                batch_size=_BATCH_ROWS, columns=list(wanted)
            )
        else:
            reader = _arrow_reader(pa, path)
            names = list(reader.schema.names)
            wanted = _wanted(names, columns, path)
            batches = (batch.select(list(wanted)) for batch in _arrow_batches(reader))
        for batch in batches:
            for row in batch.to_pylist():
                yield {key: row[name] for name, key in wanted.items()}
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: cannot read as {path.suffix.lstrip('.')} ({exc})") from None


def _arrow_reader(pa: Any, path: Path) -> Any:
    """Arrow IPC in its file form (Feather v2) or its stream form."""
    try:
        return pa.ipc.open_file(path)
    except pa.ArrowInvalid:
        return pa.ipc.open_stream(path)


def _arrow_batches(reader: Any) -> Iterator[Any]:
    """A file reader is read by index (a batch at a time), a stream reader by iteration."""
    if hasattr(reader, "num_record_batches"):
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)
    else:
        yield from reader


def _wanted(names: list[str], columns: Columns, path: Path) -> dict[str, str]:
    """Table column -> record key, for the columns read; a missing one is named with
    the columns there are."""
    have = ", ".join(repr(n) for n in names) or "none"
    if columns.text not in names:
        raise InputError(
            f"{path}: no text column {columns.text!r} (columns: {have}); name it with --text-column"
        )
    wanted = {columns.text: "text"}
    if columns.id is not None:
        if columns.id not in names:
            raise InputError(
                f"{path}: no id column {columns.id!r} (columns: {have}); "
                "name it with --id-column, or leave it out for <file>-<row> ids"
            )
        wanted[columns.id] = "id"
    elif "id" in names:
        wanted["id"] = "id"
    for extra in _EXTRA:
        if extra in names and extra not in wanted:
            wanted[extra] = extra
    return wanted
