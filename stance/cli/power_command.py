"""`stance power`: how many articles an eval needs to see a difference, from earlier runs.

A thin shell over ``stance.evaluation.power``. The per-article spread comes from eval reports
given with --report, or, when none is given, from the run store's stored runs of the dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli.support import reported
from stance.errors import ConfigError
from stance.evaluation.report import EvalReport

__all__ = ["power_command", "stored_reports"]


def stored_reports(dataset: Path) -> list[EvalReport]:
    """Stored eval runs of `dataset`, newest first, from the run store (when there is one)."""
    message = f"no runs stored for {dataset}; pass --report FILE"
    try:
        from stance.runstore import open_store  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ConfigError(message) from None
    reports: list[EvalReport] = list(open_store().reports(str(dataset)))
    if not reports:
        raise ConfigError(message)
    return reports


def power_command(
    dataset: Annotated[Path, typer.Argument(help="Gold folder, or a PolNeAR split folder")],
    metric: Annotated[str, typer.Option(help="Metric to plan for")] = "attribution_f1",
    delta: Annotated[float, typer.Option(help="True difference to detect")] = 0.05,
    report: Annotated[
        list[Path] | None,
        typer.Option(help="Earlier eval report of DATASET (repeatable; default: stored runs)"),
    ] = None,
    power: Annotated[float, typer.Option(help="Chance of detecting it wanted")] = 0.8,
    alpha: Annotated[float, typer.Option(help="Two-sided significance level")] = 0.05,
    dataset_kind: Annotated[
        str | None,
        typer.Option("--dataset", help="gold or polnear (default: guessed from the folder)"),
    ] = None,
) -> None:
    """Articles needed to detect a difference, and the smallest one detectable now."""
    from stance.evaluation.compare import load_report
    from stance.evaluation.evaluate import dataset_kind as kind_of
    from stance.evaluation.evaluate import load_dataset
    from stance.evaluation.power import plan_power, to_terminal

    with reported():
        if not delta > 0:
            raise ConfigError(f"--delta must be above 0, not {delta}")
        if not (0 < power < 1 and 0 < alpha < 1):
            raise ConfigError(f"--power and --alpha must lie between 0 and 1, not {power}, {alpha}")
        if report:
            loaded, names = [load_report(p) for p in report], [p.stem for p in report]
        else:
            loaded = stored_reports(dataset)
            names = [r.manifest.created_at.isoformat(timespec="seconds") for r in loaded]
        n_now = len(load_dataset(dataset, kind_of(dataset, dataset_kind)))
        plan = plan_power(loaded, names, metric, delta, n_now, alpha=alpha, power=power)
        typer.echo(to_terminal(plan, str(dataset)))
