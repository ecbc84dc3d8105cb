"""A grid of eval runs: every model × prompt (× repeat) on one dataset, in one command.

Comparing three models and two prompts used to take six `stance eval` commands and a
`stance compare` of six files. A grid runs every cell, hands each report to a callback as it
finishes (the CLI stores it at once, so a killed grid keeps what it finished), and returns
the reports grouped by configuration for one paired comparison.

Remote models run concurrently (each cell in its own thread; the endpoint is the limit);
the local model runs in-process one cell at a time, since two llama.cpp instances on the same
cores only slow each other down. A cell that fails is reported and the others go on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from stance.evaluation.report import EvalReport

__all__ = ["GridCell", "GridResult", "grid_cells", "is_remote", "run_grid"]


@dataclass(frozen=True)
class GridCell:
    """One run of the grid: a model, a prompt and which repeat."""

    model: str | None
    prompt: str | None
    repeat: int = 0  # 0-based; repeat k samples with seed + k

    @property
    def config(self) -> str:
        """The configuration's name, shared by its repeats: ``prompt × model``."""
        return f"{self.prompt or 'default'} × {self.model or 'default'}"

    @property
    def label(self) -> str:
        return f"{self.config} #{self.repeat + 1}"


@dataclass
class GridResult:
    """What a grid produced: reports by configuration (in grid order) and failed cells."""

    cells: list[GridCell]
    reports: dict[GridCell, EvalReport]
    failures: dict[GridCell, str]

    def groups(self) -> tuple[list[str], list[list[EvalReport]]]:
        """Configurations that produced at least one report, with their repeats in order."""
        names: list[str] = []
        groups: list[list[EvalReport]] = []
        for cell in self.cells:
            report = self.reports.get(cell)
            if report is None:
                continue
            if cell.config not in names:
                names.append(cell.config)
                groups.append([])
            groups[names.index(cell.config)].append(report)
        return names, groups


def grid_cells(
    models: Sequence[str | None], prompts: Sequence[str | None], repeats: int = 1
) -> list[GridCell]:
    """Every combination, models outermost (the first model × first prompt is the reference)."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    return [
        GridCell(model, prompt, k)
        for model in (models or [None])
        for prompt in (prompts or [None])
        for k in range(repeats)
    ]


def is_remote(model: str | None, base_url: str | None) -> bool:
    """True for a model behind an endpoint (``openai:...``), which can take parallel cells."""
    if model is None:
        return False
    name = model.partition(":")[0]
    if name == "openai":
        return True
    bare = ":" not in model and name not in ("local", "none")
    return bare and bool(base_url or os.environ.get("OPENAI_BASE_URL"))


def run_grid(
    cells: Sequence[GridCell],
    evaluate: Callable[[GridCell], EvalReport],
    *,
    remote: Callable[[GridCell], bool],
    workers: int = 4,
    on_done: Callable[[GridCell, EvalReport | None, str | None], None] | None = None,
) -> GridResult:
    """Run every cell: remote ones in a thread pool while local ones run here, in order.

    ``on_done(cell, report, error)`` is called from the thread that finished the cell, as soon
    as it finishes; an exception in one cell becomes its error message.
    """
    reports: dict[GridCell, EvalReport] = {}
    failures: dict[GridCell, str] = {}

    def one(cell: GridCell) -> None:
        try:
            report = evaluate(cell)
        except Exception as exc:  # one failed cell must not lose the others
            failures[cell] = f"{type(exc).__name__}: {exc}"
            if on_done is not None:
                on_done(cell, None, failures[cell])
            return
        reports[cell] = report
        if on_done is not None:
            on_done(cell, report, None)

    far = [c for c in cells if remote(c)]
    near = [c for c in cells if not remote(c)]
    futures: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(one, cell) for cell in far]
        for cell in near:
            one(cell)
        for future in futures:
            future.result()
    return GridResult(list(cells), reports, failures)
