"""`stance eval` with several --model / --prompt values or --repeat: a grid in one command.

Every cell is an ordinary eval run, stored the moment it finishes (tagged with the grid's
id), and the grid ends with one paired comparison of every configuration against the first,
repeats pooled by article.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

from stance.cli.run_refs import keep_run
from stance.errors import ConfigError
from stance.evaluation.report import EvalReport

__all__ = ["GridOptions", "eval_grid"]


@dataclass(frozen=True)
class GridOptions:
    models: list[str | None]
    prompts: list[str | None]
    repeats: int
    workers: int
    base_url: str | None
    store: bool
    record: bool
    markdown: Path | None
    html: Path | None
    metric: str = "attribution_f1"


def eval_grid(
    options: GridOptions,
    evaluate: Callable[..., EvalReport],
    write: Callable[[Path, str], None],
) -> list[str]:
    """Run the grid; ``evaluate(model=, prompt=, sampling_seed=)`` runs one cell.

    Returns the failures (failed cells) for the exit status; prints the comparison.
    """
    from stance.evaluation.compare import compare_repeated
    from stance.evaluation.compare_tables import to_markdown, to_terminal
    from stance.evaluation.grid import grid_cells, is_remote, run_grid

    cells = grid_cells(options.models, options.prompts, options.repeats)
    grid_id = time.strftime("grid-%Y%m%d-%H%M%S")
    lock = threading.Lock()
    done: list[int] = []

    def finished(cell: object, report: EvalReport | None, error: str | None) -> None:
        with lock:
            done.append(1)
            label = getattr(cell, "label", str(cell))
            if report is None:
                typer.echo(f"[{len(done)}/{len(cells)}] {label}: failed: {error}", err=True)
                return
            value = report.value(options.metric)
            shown = "n/a" if value is None else f"{value:.3f}"
            typer.echo(f"[{len(done)}/{len(cells)}] {label}: {options.metric} {shown}", err=True)
            if options.store:
                keep_run(report, grid=grid_id, label=label)

    # --record merges each cell into one recording file: one cell at a time.
    workers = 1 if options.record else options.workers
    result = run_grid(
        cells,
        lambda c: evaluate(model=c.model, prompt=c.prompt, sampling_seed=c.repeat),
        remote=lambda c: is_remote(c.model, options.base_url),
        workers=workers,
        on_done=finished,
    )
    failures = [f"{cell.label}: {error}" for cell, error in result.failures.items()]
    names, groups = result.groups()
    if len(groups) == 1:
        typer.echo(_spread_table(names[0], groups[0]))
    if len(groups) < 2:
        return failures
    per_article = sorted({m for g in groups for r in g for a in r.articles for m in a.metrics})
    if options.metric not in per_article:
        raise ConfigError(f"--metric {options.metric!r}: choose one of {', '.join(per_article)}")
    comparison = compare_repeated(groups, names)
    typer.echo(to_terminal(comparison))
    if options.markdown is not None:
        write(options.markdown, to_markdown(comparison))
    if options.html is not None:
        from stance.views.compare_page import compare_page

        write(options.html, compare_page(comparison, metric=options.metric))
    if options.store:
        typer.echo(f"grid {grid_id}: {len(result.reports)} runs stored", err=True)
    return failures


def _spread_table(name: str, repeats: list[EvalReport]) -> str:
    """One configuration repeated: each headline metric per repeat and the SD over repeats."""
    lines = [f"{name}: {len(repeats)} repeats (values per repeat, then their SD)"]
    for metric in repeats[0].headline:
        values = [r.value(metric) for r in repeats]
        if any(v is None for v in values):
            continue
        numbers = [float(v) for v in values if v is not None]
        sd = statistics.stdev(numbers) if len(numbers) > 1 else 0.0
        cells = " ".join(f"{v:.3f}" for v in numbers)
        lines.append(f"{metric:<24} {cells} sd {sd:.3f}")
    return "\n".join(lines)
