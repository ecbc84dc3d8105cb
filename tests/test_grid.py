"""Grids: every model × prompt × repeat in one `stance eval`, each run stored, one comparison.

The scheduling tests use a fake evaluate function (what runs at once, what survives a failed
cell); the CLI test replays the committed grid recording (2 models × 2 prompts on the gold
set: the local model and the same weights behind llama.cpp's OpenAI-compatible server).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from browser import browser, console_errors, open_page
from typer.testing import CliRunner

from stance.cli import app
from stance.evaluation.compare import load_report
from stance.evaluation.grid import GridCell, grid_cells, is_remote, run_grid
from stance.evaluation.report import EvalReport

__all__ = ["browser"]

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold"
RECORDING = ROOT / "evals" / "recordings" / "gold-grid.jsonl"
BASELINE = load_report(ROOT / "evals" / "baseline.json")


def test_cells_cover_every_combination_reference_first() -> None:
    cells = grid_cells(["local", "openai:m"], ["claims-v7", "claims-v8"], repeats=2)
    assert len(cells) == 8
    assert cells[0] == GridCell("local", "claims-v7", 0)
    assert [c.label for c in cells[:4]] == [
        "claims-v7 × local #1", "claims-v7 × local #2",
        "claims-v8 × local #1", "claims-v8 × local #2",
    ]  # fmt: skip


def test_which_models_are_remote(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert is_remote("openai:gpt-4o-mini", None)
    assert not is_remote("local", "http://x/v1")
    assert not is_remote(None, None)
    assert is_remote("qwen", "http://127.0.0.1:8000/v1")
    assert not is_remote("qwen", None)


def test_remote_cells_overlap_local_cells_never_do() -> None:
    running: dict[str, int] = {"local": 0, "remote": 0}
    peak: dict[str, int] = {"local": 0, "remote": 0}
    lock = threading.Lock()

    def evaluate(cell: GridCell) -> EvalReport:
        side = "remote" if cell.model == "openai:m" else "local"
        with lock:
            running[side] += 1
            peak[side] = max(peak[side], running[side])
        time.sleep(0.2)
        with lock:
            running[side] -= 1
        return BASELINE

    cells = grid_cells(["local", "openai:m"], ["a", "b", "c"])
    started = time.perf_counter()
    result = run_grid(cells, evaluate, remote=lambda c: c.model == "openai:m", workers=4)
    took = time.perf_counter() - started
    assert peak == {"local": 1, "remote": 3}
    assert len(result.reports) == 6
    assert took < 1.0  # 3 local cells one after another, the 3 remote ones beside them


def test_a_failed_cell_is_reported_and_the_others_finish() -> None:
    done: list[tuple[str, bool]] = []

    def evaluate(cell: GridCell) -> EvalReport:
        if cell.prompt == "bad":
            raise RuntimeError("endpoint said 500")
        return BASELINE

    result = run_grid(
        grid_cells(["local"], ["bad", "good"]),
        evaluate,
        remote=lambda c: False,
        on_done=lambda c, r, e: done.append((c.label, r is not None)),
    )
    assert done == [("bad × local #1", False), ("good × local #1", True)]
    assert list(result.failures.values()) == ["RuntimeError: endpoint said 500"]
    names, groups = result.groups()
    assert names == ["good × local"] and len(groups[0]) == 1


@pytest.mark.skipif(not RECORDING.exists(), reason="no grid recording")
def test_a_two_by_two_grid_from_recordings(tmp_path: Path, browser: Any) -> None:
    page = tmp_path / "grid.html"
    args = [
        "eval", str(GOLD), "--offline", "--recording", str(RECORDING),
        "--model", "local", "--model", "openai:qwen", "--base-url", "http://127.0.0.1:8765/v1",
        "--prompt", "claims-v7", "--prompt", "claims-v8",
        "--html", str(page), "--markdown", str(tmp_path / "grid.md"),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("stored as run ") == 4
    assert "grid grid-" in result.stderr and ": 4 runs stored" in result.stderr
    # four stored runs, one grid, each with its label
    listed = CliRunner().invoke(app, ["runs", "list", "--json"])
    runs = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(r["label"] for r in runs) == [
        "claims-v7 × local #1", "claims-v7 × openai:qwen #1",
        "claims-v8 × local #1", "claims-v8 × openai:qwen #1",
    ]  # fmt: skip
    assert len({r["grid"] for r in runs}) == 1
    # one comparison of the four configurations against the first
    table = (tmp_path / "grid.md").read_text(encoding="utf-8")
    for name in ("claims-v7 × local", "claims-v8 × local", "claims-v7 × openai:qwen"):
        assert name in table
    assert console_errors(open_page(browser, page)) == []


def test_grid_refuses_single_run_options(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["eval", str(GOLD), "--reader", "rules", "--repeat", "2",
         "--report", str(tmp_path / "r.json")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--report: not for a grid; every run is stored" in result.stderr


def test_repeats_of_one_configuration_show_their_spread() -> None:
    result = CliRunner().invoke(app, ["eval", str(GOLD), "--reader", "rules", "--repeat", "3"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("stored as run ") == 3, result.stderr
    value = load_report(ROOT / "evals" / "baseline.json")  # only for the metric names
    assert "attribution_f1" in value.metrics
    line = next(x for x in result.stdout.splitlines() if x.startswith("attribution_f1"))
    # a deterministic reader: three equal values, no spread
    first = line.split()[1]
    assert line.split()[1:] == [first, first, first, "sd", "0.000"]
