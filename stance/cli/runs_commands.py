"""`stance runs list | show | rm | tag | import | trend`: the run store from the shell.

Plain tab-separated lines, so `stance runs list | sort -t$'\\t' -k6` and scripts work;
`trend --html` draws the same numbers as a page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stance.cli.support import reported
from stance.errors import InputError

if TYPE_CHECKING:
    from stance.runstore import StoredRun

__all__ = ["runs_app"]

runs_app = typer.Typer(
    help="Every stored eval run and extract batch: list, show, remove, tag, import, trend.",
    no_args_is_help=True,
)

LIST_METRICS = ("claim_f1", "attribution_f1")


def _short(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _commit(run: StoredRun) -> str:
    if not run.git_commit:
        return "–"
    return run.git_commit[:7] + ("+" if run.git_dirty else "")


@runs_app.command("list")
def list_command(
    dataset: Annotated[str | None, typer.Option(help="Only runs of this dataset folder")] = None,
    kind: Annotated[str | None, typer.Option(help="eval or extract")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Newest N runs")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per run")] = False,
) -> None:
    """Stored runs, newest first: id, time, kind, dataset, model, prompt, commit, scores."""
    from stance.runstore import open_store

    with reported(), open_store() as store:
        runs = store.runs(kind=kind, dataset=dataset, limit=limit)
        if as_json:
            for run in runs:
                row = {k: v for k, v in vars(run).items() if k != "document"}
                typer.echo(json.dumps(row, sort_keys=True))
            return
        if not runs:
            typer.echo(f"no runs stored in {store.path}", err=True)
            return
        header = ["id", "created", "kind", "dataset", "model", "prompt", "commit", "articles"]
        typer.echo("\t".join([*header, *LIST_METRICS, "tags"]))
        for run in runs:
            cells = [
                str(run.id), run.created_at[:16].replace("T", " "), run.kind,
                run.dataset or "–", run.short_model, run.prompt or "–", _commit(run),
                "–" if run.articles is None else str(run.articles),
                *(_short(run.metrics.get(m)) for m in LIST_METRICS),
                ",".join(run.tags) or "–",
            ]  # fmt: skip
            typer.echo("\t".join(cells))


@runs_app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="Run id, latest, latest~N or a tag")],
    as_json: Annotated[bool, typer.Option("--json", help="The stored document")] = False,
) -> None:
    """One run: its report (metrics with intervals, manifest) or its batch summary."""
    from stance.evaluation.report import to_terminal
    from stance.runstore import open_store

    with reported(), open_store() as store:
        run = store.resolve(ref)
        if as_json:
            typer.echo(run.document)
            return
        typer.echo(f"run {run.id} ({run.kind}), stored {run.created_at}: {run.name}")
        if run.kind == "eval":
            typer.echo(to_terminal(run.report()))
        else:
            for key, value in json.loads(run.document).items():
                typer.echo(f"{key}\t{value}")


@runs_app.command("rm")
def rm_command(ids: Annotated[list[int], typer.Argument(help="Run ids to remove")]) -> None:
    """Remove runs (their metrics, scores and tags go with them)."""
    from stance.runstore import open_store

    with reported(), open_store() as store:
        stored = {run.id for run in store.runs()}
        missing = [i for i in ids if i not in stored]
        if missing:
            raise InputError(f"no run {', '.join(map(str, missing))}: nothing removed")
        typer.echo(f"removed {store.remove(ids)} runs")


@runs_app.command("tag")
def tag_command(
    ref: Annotated[str, typer.Argument(help="Run id, latest or latest~N")],
    tag: Annotated[str, typer.Argument(help="Name, e.g. baseline")] = "baseline",
) -> None:
    """Name a run; `stance compare baseline latest` then finds it (a tag moves, never copies)."""
    from stance.runstore import open_store

    with reported(), open_store() as store:
        if tag.isdigit() or tag.startswith("latest"):
            raise InputError(f"{tag!r} would read as a run id or latest: choose another tag")
        run_id = store.resolve(ref).id
        store.tag(run_id, tag)
        typer.echo(f"run {run_id} is now {tag!r}")


@runs_app.command("import")
def import_command(
    reports: Annotated[list[Path], typer.Argument(help="JSON eval reports (stance eval --report)")],
    tag: Annotated[
        str | None, typer.Option(help="Tag the last imported run, e.g. baseline")
    ] = None,
) -> None:
    """Record report files made earlier; a report already stored is not stored twice."""
    from stance.evaluation.compare import load_report
    from stance.runstore import open_store

    with reported(), open_store() as store:
        loaded = [(p, load_report(p)) for p in reports]  # all valid, or nothing is stored
        run_id = 0
        for path, report in loaded:
            run_id, new = store.add_report(report)
            typer.echo(f"{path}: {'stored as' if new else 'already stored as'} run {run_id}")
        if tag:
            store.tag(run_id, tag)
            typer.echo(f"run {run_id} is now {tag!r}")


@runs_app.command("trend")
def trend_command(
    metric: Annotated[str, typer.Argument(help="e.g. attribution_f1, claim_f1, stance_f1")],
    dataset: Annotated[str | None, typer.Option(help="Only runs of this dataset folder")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Newest N runs")] = 30,
    html: Annotated[Path | None, typer.Option(help="Write the trend chart page here")] = None,
) -> None:
    """A metric across stored eval runs, oldest first, with commit and prompt of each."""
    from stance.runs.output import atomic_write
    from stance.runstore import open_store
    from stance.views.trend_page import TrendPoint, trend_page

    with reported(), open_store() as store:
        runs = list(reversed(store.runs(kind="eval", dataset=dataset, limit=limit)))
        points = []
        for run in runs:
            interval = store.interval(run.id, metric)
            if interval is None:
                continue
            mean, low, high = interval
            points.append(
                TrendPoint(
                    run_id=run.id,
                    created_at=run.created_at,
                    commit=_commit(run),
                    prompt=run.prompt or "–",
                    model=run.short_model,
                    dataset=run.dataset or "–",
                    value=mean,
                    low=low,
                    high=high,
                )
            )
        if not points:
            raise InputError(
                f"no stored eval run has {metric!r}" + (f" on {dataset}" if dataset else "")
            )
        typer.echo("\t".join(["id", "created", "dataset", "model", "prompt", "commit", metric]))
        for p in points:
            value = _short(p.value)
            if p.low is not None and p.high is not None:
                value += f" [{p.low:.3f}, {p.high:.3f}]"
            cells = [str(p.run_id), p.created_at[:16].replace("T", " "), p.dataset, p.model,
                     p.prompt, p.commit, value]  # fmt: skip
            typer.echo("\t".join(cells))
        if html is not None:
            atomic_write(html, trend_page(metric, points).encode("utf-8"))
            typer.echo(f"wrote {html}", err=True)
