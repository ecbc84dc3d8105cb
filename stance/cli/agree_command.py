"""``stance agree A B``: how far two labellings of the same articles agree.

A shell over ``stance.evaluation.agreement``: the same claim matching as ``stance eval``, a
table on stdout, notes (articles labelled on one side only) on stderr, ``--json`` for the
numbers. Exit codes: 0 reported, 2 bad input (a missing file, different texts, no common id).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from stance.cli.support import fail

__all__ = ["agree_command"]


def agree_command(
    a: Annotated[Path, typer.Argument(help="A gold file (NAME.gold.json) or a folder of them")],
    b: Annotated[Path, typer.Argument(help="The other labelling: a gold file or a folder")],
    match: Annotated[
        str,
        typer.Option(
            help="iou: IoU of the spans, speakers by a shared name; overlap: overlap "
            "over the shorter span, speakers by a shared word (as stance eval)"
        ),
    ] = "iou",
    iou: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Span agreement needed to pair two claims")
    ] = 0.5,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures as JSON here")
    ] = None,
    ceiling: Annotated[
        Path | None,
        typer.Option(
            help="Also score each labelling against the other with stance eval's scorer and "
            "write these human ceilings here (evals/gold/agreement.json: stance eval prints "
            "each beside its metric)"
        ),
    ] = None,
) -> None:
    """Inter-annotator agreement of two gold labellings, matched as stance eval matches."""
    from stance.errors import StanceError
    from stance.evaluation.agreement import agreement_report, agreement_table, load_pairs
    from stance.evaluation.article_scoring import MATCH_RULES

    rule = next((r for r in MATCH_RULES if r == match), None)
    if rule is None:
        fail(f"--match must be one of {', '.join(MATCH_RULES)}, not {match!r}", 2)
    try:
        pairs, notes = load_pairs(a, b)
        report = agreement_report(pairs, iou, rule)
    except StanceError as exc:
        fail(str(exc), 2)
    for note in notes:
        typer.echo(note, err=True)
    typer.echo(agreement_table(report))
    if ceiling is not None:
        from stance.evaluation.ceiling import human_ceiling
        from stance.runs.output import atomic_write

        figures = human_ceiling(pairs)
        typer.echo("human ceiling (each labelling scored against the other, averaged):")
        for name, value in figures.items():
            typer.echo(f"  {name:22} {'n/a' if value is None else f'{value:.3f}'}")
        body = {"articles": [x.id for x, _ in pairs], "ceiling": figures}
        try:
            atomic_write(ceiling, (json.dumps(body, indent=1) + "\n").encode("utf-8"))
        except OSError as exc:
            fail(f"cannot write {ceiling}: {exc.strerror or exc}", 2)
    if json_path is not None:
        from stance.runs.output import atomic_write

        text = json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n"
        try:
            atomic_write(json_path, text.encode("utf-8"))
        except OSError as exc:
            fail(f"cannot write {json_path}: {exc.strerror or exc}", 2)
