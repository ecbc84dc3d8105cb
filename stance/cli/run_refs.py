"""What a command means by a run: a report file, or a stored run's id, ``latest`` or tag.

`stance compare`, `stance power` and `stance export` all take runs; resolving them in one
place keeps "a path that exists wins, else ask the run store" the same for every command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stance.evaluation.report import EvalReport
    from stance.runs.summary import BatchSummary

__all__ = ["keep_batch", "keep_run", "load_run"]


def load_run(ref: str, *, dataset: str | None = None) -> tuple[str, EvalReport]:
    """(name, report) for a report file, a run id (``12``), ``latest[~N]`` or a tag."""
    from stance.evaluation.compare import load_report

    path = Path(ref)
    if path.is_file():
        return path.stem, load_report(path)
    if path.suffix == ".json" or "/" in ref:
        from stance.errors import InputError

        raise InputError(f"{ref}: no such report file")
    from stance.runstore import open_store

    with open_store() as store:
        run = store.resolve(ref, dataset=dataset)
        return run.name, run.report()


def keep_run(
    report: EvalReport, *, grid: str | None = None, label: str | None = None
) -> int | None:
    """Store an eval run and say so on stderr; a store that cannot be opened is a warning,
    never a failed eval (the report itself was already printed and written)."""
    import typer

    from stance.errors import StanceError
    from stance.runstore import open_store

    try:
        with open_store() as store:
            run_id, new = store.add_report(report, grid=grid, label=label)
    except StanceError as exc:
        typer.echo(f"stance: warning: the run was not stored: {exc}", err=True)
        return None
    typer.echo(f"{'stored as' if new else 'already stored as'} run {run_id}", err=True)
    return run_id


def keep_batch(summary: BatchSummary, inputs: list[str], prompt: str) -> int | None:
    """Store what a `stance extract` batch did (counts, tokens, time, output) quietly; a store
    that cannot be opened is a warning, never a failed batch."""
    import typer

    from stance.errors import StanceError
    from stance.runstore import open_store

    document: dict[str, object] = {
        "articles": summary.articles, "succeeded": summary.succeeded,
        "failed": summary.failed, "skipped_resumed": summary.skipped_resumed,
        "claims": summary.claims, "rejected": summary.rejected,
        "segment_errors": summary.segment_errors, "model_calls": summary.model_calls,
        "cached_calls": summary.cached_calls, "prompt_tokens": summary.prompt_tokens,
        "completion_tokens": summary.completion_tokens, "wall_s": round(summary.wall_s, 3),
        "article_seconds": round(summary.article_seconds, 3),
        "output": str(summary.output) if summary.output else None, "inputs": inputs,
    }  # fmt: skip
    try:
        with open_store() as store:
            run_id, _ = store.add_batch(
                document, inputs=" ".join(inputs), model=summary.model, prompt=prompt
            )
    except StanceError as exc:
        typer.echo(f"stance: warning: the batch summary was not stored: {exc}", err=True)
        return None
    return run_id
