"""`stance power` through the CLI runner: the exact lines printed, and its errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.evaluation.compare import load_report

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


def test_power_without_reports_reads_the_stored_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the reports name their dataset evals/gold
    result = CliRunner().invoke(app, ["power", "evals/gold"])
    assert result.exit_code == 2
    assert "stance: error: no runs of evals/gold in the run store (" in result.output
    assert CliRunner().invoke(app, ["runs", "import", str(V3), str(V4)]).exit_code == 0
    result = CliRunner().invoke(app, ["power", "evals/gold"])
    assert result.exit_code == 0, result.output
    assert "pooled over 1 pair of runs on 12 shared articles (#2 vs #1)" in result.stdout
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
    assert missing.exit_code == 1 and "none.json: no such report file" in missing.output
