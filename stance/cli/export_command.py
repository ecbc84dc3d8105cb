"""``stance export``: extract output or an eval report as tidy tables, CSV or parquet files.

A thin shell over ``stance.analysis``: `load_source` decides what SRC is, the table modules
flatten it, `write_tables` writes one file per table atomically. A source that cannot be read
is bad usage (exit 2), like an unreadable file given to ``stance show``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli.support import fail, reported
from stance.errors import InputError

__all__ = ["export_command"]


def export_command(
    src: Annotated[
        str, typer.Argument(help="A `stance extract` JSONL or a `stance eval --report` JSON")
    ],
    directory: Annotated[Path, typer.Argument(help="Folder for the tables (made if missing)")],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="csv (header row) or parquet (needs pyarrow, the analysis extra)"
        ),
    ] = "csv",
) -> None:
    """Write tidy tables, one file per table: articles, actors, claims, stances,
    denial_links and relations (who accuses, denies and demands of whom) from extract output;
    articles (per-article metrics) and matches (each claim's outcome) from an eval report."""
    from stance.analysis.sources import read_tables
    from stance.analysis.writers import FORMATS, write_tables

    with reported():
        if to not in FORMATS:
            fail(f"--to must be one of {', '.join(FORMATS)}, not {to!r}", 2)
        try:
            tables = read_tables(src)
        except InputError as exc:
            fail(str(exc), 2)
        paths = write_tables(tables, directory, to)
    for path, table in zip(paths, tables.values(), strict=True):
        rows = len(table.rows)
        typer.echo(f"wrote {path}: {rows} row{'s' if rows != 1 else ''}", err=True)
