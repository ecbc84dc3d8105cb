"""`stance power`: how many articles an eval needs to see a difference, from earlier runs.

A thin shell over ``stance.evaluation.power``. The per-article spread comes from eval reports
given with --report, or, when none is given, from the run store's stored runs of the dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli.run_refs import load_run
from stance.cli.support import reported
from stance.errors import ConfigError
from stance.evaluation.report import EvalReport

__all__ = ["power_command", "stored_reports"]


def stored_reports(dataset: Path) -> tuple[list[EvalReport], list[str]]:
    """Stored eval runs of `dataset`, newest first, named by run id."""
    from stance.runstore import open_store

    with open_store() as store:
        runs = store.runs(kind="eval", dataset=str(dataset))
        if not runs:
            raise ConfigError(
                f"no runs of {dataset} in the run store ({store.path}); run stance eval, "
                "or pass --report FILE"
            )
        return [run.report() for run in runs], [f"#{run.id}" for run in runs]


def power_command(
    dataset: Annotated[Path, typer.Argument(help="Gold folder, or a PolNeAR split folder")],
    metric: Annotated[str, typer.Option(help="Metric to plan for")] = "attribution_f1",
    delta: Annotated[float, typer.Option(help="True difference to detect")] = 0.05,
    report: Annotated[
        list[str] | None,
        typer.Option(
            help="Earlier eval run of DATASET: a report file, run id or tag (repeatable; "
            "default: every stored run of DATASET)"
        ),
    ] = None,
    power: Annotated[float, typer.Option(help="Chance of detecting it wanted")] = 0.8,
    alpha: Annotated[float, typer.Option(help="Two-sided significance level")] = 0.05,
    dataset_kind: Annotated[
        str | None,
        typer.Option("--dataset", help="gold or polnear (default: guessed from the folder)"),
    ] = None,
) -> None:
    """Articles needed to detect a difference, and the smallest one detectable now."""
    from stance.evaluation.evaluate import dataset_kind as kind_of
    from stance.evaluation.evaluate import load_dataset
    from stance.evaluation.power import plan_power, to_terminal

    with reported():
        if not delta > 0:
            raise ConfigError(f"--delta must be above 0, not {delta}")
        if not (0 < power < 1 and 0 < alpha < 1):
            raise ConfigError(f"--power and --alpha must lie between 0 and 1, not {power}, {alpha}")
        if report:
            named = [load_run(ref) for ref in report]
            loaded, names = [r for _, r in named], [name for name, _ in named]
        else:
            loaded, names = stored_reports(dataset)
        n_now = len(load_dataset(dataset, kind_of(dataset, dataset_kind)))
        plan = plan_power(loaded, names, metric, delta, n_now, alpha=alpha, power=power)
        typer.echo(to_terminal(plan, str(dataset)))
