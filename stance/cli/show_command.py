"""``stance show``: read records back as claim lines, per-actor tables or an HTML viewer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli.support import fail

__all__ = ["show_command"]


def show_command(
    file: Annotated[Path, typer.Argument(help="A JSONL file written by stance extract")],
    by_actor: Annotated[bool, typer.Option("--by-actor", help="Per-actor tables")] = False,
    article_id: Annotated[str | None, typer.Option("--id", help="Only this article")] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write a self-contained HTML viewer here instead"),
    ] = None,
    redact: Annotated[
        bool, typer.Option(help="With --html: article words as blocks, structure kept")
    ] = False,
) -> None:
    """Show extracted records: one line per claim, per-actor tables, or an HTML viewer."""
    from rich.console import Console

    from stance.schema import OutputRecord, parse_record
    from stance.views.terminal import claim_lines, render_record

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", 2)
    console = Console(highlight=False)
    bad = shown = 0
    kept: list[OutputRecord] = []
    lines = data.split(b"\n")  # not splitlines: U+2028 may sit inside a JSON string
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = parse_record(raw.decode("utf-8"))
        except ValueError as exc:  # JSON, UTF-8 and validation errors alike
            bad += 1
            torn = " (torn last line of an interrupted run)" if number == len(lines) else ""
            detail = str(exc).strip().splitlines()[0][:200]
            typer.echo(f"{file}:{number}: not a stance record{torn}: {detail}", err=True)
            continue
        if article_id is not None and record.article_id != article_id:
            continue
        shown += 1
        if html is not None:
            kept.append(record)
        elif by_actor:
            render_record(record, console)
        else:
            for line in claim_lines(record):
                typer.echo(line)
    if article_id is not None and not shown:
        fail(f"no record with id {article_id!r} in {file}", 1)
    if html is not None:
        from stance.runs.output import atomic_write
        from stance.views.viewer import render_viewer

        try:
            page = render_viewer(kept, source=str(file), redact=redact)
            atomic_write(html, page.encode("utf-8"))
        except OSError as exc:
            fail(f"cannot write {html}: {exc.strerror or exc}", 2)
        typer.echo(f"wrote {html}: {shown} article{'s' if shown != 1 else ''}", err=True)
    raise typer.Exit(1 if bad else 0)
