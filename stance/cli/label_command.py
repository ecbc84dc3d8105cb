"""``stance label OUT.jsonl --html label.html``: a page to make gold by correcting predictions.

Reads the records ``stance extract`` wrote (each holds its article text, so no text folder is
needed) and writes one offline page (``stance.views.label_page``) where each article starts
from its prediction. Exit codes: 0 written; 2 bad input (unreadable file, no extraction in it,
an article without text, an unknown --id). Failed articles and unreadable lines are named on
stderr and left out: there is nothing to correct in them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli.support import fail

__all__ = ["label_command"]


def label_command(
    file: Annotated[Path, typer.Argument(help="A JSONL file written by stance extract")],
    html: Annotated[Path, typer.Option("--html", help="Write the labelling page here")],
    article_ids: Annotated[
        list[str] | None, typer.Option("--id", help="Only this article (repeatable)")
    ] = None,
) -> None:
    """Write an offline page that turns predictions into gold files by correction."""
    from stance.runs.output import atomic_write
    from stance.schema import ErrorRecord, Extraction, parse_record
    from stance.views.label_page import render_label_page

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", 2)
    kept: list[Extraction] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = parse_record(raw.decode("utf-8"))
        except ValueError as exc:
            detail = str(exc).strip().splitlines()[0][:200]
            typer.echo(f"{file}:{number}: not a stance record, left out: {detail}", err=True)
            continue
        if article_ids and record.article_id not in article_ids:
            continue
        if isinstance(record, ErrorRecord):
            typer.echo(f"{record.article_id}: not extracted ({record.message}), left out", err=True)
            continue
        if not record.text.strip():
            fail(f"{file}:{number}: article {record.article_id!r} has no text to label", 2)
        kept.append(record)
    missing = [i for i in article_ids or [] if i not in {r.article_id for r in kept}]
    if missing:
        fail(f"no extraction with id {', '.join(map(repr, missing))} in {file}", 2)
    if not kept:
        fail(f"{file}: no extraction to label (run stance extract first)", 2)
    try:
        atomic_write(html, render_label_page(kept, source=file.name).encode("utf-8"))
    except OSError as exc:
        fail(f"cannot write {html}: {exc.strerror or exc}", 2)
    typer.echo(f"wrote {html}: {len(kept)} article{'s' if len(kept) != 1 else ''}", err=True)
