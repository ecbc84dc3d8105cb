"""`stance power` through the CLI runner: the exact lines printed, and its errors."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.evaluation.compare import load_report
from stance.evaluation.report import EvalReport

ROOT = Path(__file__).parents[1]
V3 = ROOT / "evals" / "reports" / "gold-claims-v3.json"
V4 = ROOT / "evals" / "reports" / "gold-claims-v4.json"


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    """The 12 gold articles the recorded reports scored (the live gold set may grow)."""
    folder = tmp_path / "gold"
    folder.mkdir()
    for article in load_report(V3).articles:
        for suffix in (".gold.json", ".txt"):
            shutil.copy(ROOT / "evals" / "gold" / f"{article.id}{suffix}", folder)
    return folder


def test_power_from_one_run_states_the_assumed_correlation(gold: Path) -> None:
    args = ["power", str(gold), "--metric", "attribution_f1", "--delta", "0.05"]
    result = CliRunner().invoke(app, [*args, "--report", str(V3)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"stance power: attribution_f1 on {gold}",
        "SD of per-article attribution_f1 0.289 in one run (gold-claims-v3, 12 articles) x "
        "sqrt(2(1 - r)) = 0.289, assuming a correlation r = 0.5 between two runs' scores on "
        "the same article (pass two or more reports to measure it)",
        "articles needed to detect a difference of 0.050 (power 0.80, alpha 0.05, two-sided): 262",
        "articles in the dataset now: 12",
        "smallest detectable difference with 12 articles: 0.233",
        "With 12 articles, a true change in attribution_f1 smaller than 0.233 is missed more "
        "than 20% of the time, so a non-significant result cannot rule out a change of 0.050; "
        "detecting it needs 262 articles (250 more).",
    ]


def test_power_from_two_runs_measures_the_paired_spread(gold: Path) -> None:
    args = ["power", str(gold), "--delta", "0.2", "--report", str(V3), "--report", str(V4)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "SD of per-article paired differences 0.157, pooled over 1 pair of runs on 12 shared "
        "articles (gold-claims-v3 vs gold-claims-v4)",
        "articles needed to detect a difference of 0.200 (power 0.80, alpha 0.05, two-sided): 5",
        "articles in the dataset now: 12",
        "smallest detectable difference with 12 articles: 0.127",
        "With 12 articles a true change of 0.200 in attribution_f1 is detected at least 80% of "
        "the time, and so is any change of 0.127 or more.",
    ]


def test_power_without_reports_asks_the_run_store(
    gold: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "stance.runstore", None)  # no run store: ImportError
    result = CliRunner().invoke(app, ["power", str(gold)])
    assert result.exit_code == 2
    assert f"stance: error: no runs stored for {gold}; pass --report FILE" in result.output

    asked: list[str] = []

    class Store:
        def reports(self, dataset: str) -> list[EvalReport]:
            asked.append(dataset)
            return [load_report(V3), load_report(V4)]

    store = types.ModuleType("stance.runstore")
    store.open_store = Store  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "stance.runstore", store)
    result = CliRunner().invoke(app, ["power", str(gold)])
    assert result.exit_code == 0, result.output
    assert asked == [str(gold)]
    assert "smallest detectable difference with 12 articles: 0.127" in result.stdout


def test_power_rejects_bad_options(gold: Path) -> None:
    runner = CliRunner()
    base = ["power", str(gold), "--report", str(V3)]
    bad_metric = runner.invoke(app, [*base, "--metric", "nope"])
    assert bad_metric.exit_code == 2 and "--metric 'nope': choose one of" in bad_metric.output
    bad_delta = runner.invoke(app, [*base, "--delta", "0"])
    assert bad_delta.exit_code == 2 and "--delta must be above 0" in bad_delta.output
    bad_power = runner.invoke(app, [*base, "--power", "1"])
    assert bad_power.exit_code == 2 and "--power and --alpha" in bad_power.output
    missing = runner.invoke(app, [*base[:2], "--report", str(gold / "none.json")])
    assert missing.exit_code == 1 and "not a stance eval report" in missing.output
