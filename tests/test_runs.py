"""The run store: `stance eval` keeps every run, `stance runs` lists, shows, removes, tags,
imports and trends them, and `stance compare` takes run ids, `latest` and tags.

Reports are real ones: the rules reader on the gold set (no model) and the committed
baseline; each test has its own store (conftest's ``run_store``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from browser import browser, console_errors, open_page
from typer.testing import CliRunner, Result

from stance.cli import app
from stance.evaluation.compare import load_report
from stance.runstore import MIGRATIONS, open_store

__all__ = ["browser"]

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold"
BASELINE = ROOT / "evals" / "baseline.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def rows(result: Result) -> list[list[str]]:
    return [line.split("\t") for line in result.stdout.splitlines()]


def shifted(report_path: Path, tmp: Path, name: str, day: int, delta: float) -> Path:
    """A copy of a report made on another day, with attribution_f1 moved by ``delta``."""
    data = json.loads(report_path.read_text(encoding="utf-8"))
    data["manifest"]["created_at"] = f"2026-11-{day:02d}T10:00:00+00:00"
    for bound in ("value", "low", "high"):
        data["metrics"]["attribution_f1"][bound] += delta
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_eval_keeps_its_run_and_a_new_process_lists_it(tmp_path: Path, run_store: str) -> None:
    result = run("eval", str(GOLD), "--reader", "rules", "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    assert "stored as run 1" in result.stderr
    # a restart: another process opens the same file
    env = {**os.environ, "STANCE_RUNS_DB": run_store}
    listed = subprocess.run(
        [sys.executable, "-c", "from stance.cli import main; main()", "runs", "list"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    header, first, *rest = [line.split("\t") for line in listed.stdout.splitlines()]
    assert header[:4] == ["id", "created", "kind", "dataset"]
    report = load_report(tmp_path / "r.json")
    attribution = report.value("attribution_f1")
    assert attribution is not None
    assert first[0] == "1" and first[2:4] == ["eval", "gold"]
    assert first[5] == "rules@1" and first[9] == f"{attribution:.3f}"
    assert rest == []


def test_no_store_keeps_nothing() -> None:
    assert run("eval", str(GOLD), "--reader", "rules", "--no-store").exit_code == 0
    assert run("runs", "list").stderr.startswith("no runs stored in ")


def test_import_twice_stores_once_and_tags(tmp_path: Path) -> None:
    first = run("runs", "import", str(BASELINE), "--tag", "baseline")
    assert first.stdout.splitlines() == [
        f"{BASELINE}: stored as run 1",
        "run 1 is now 'baseline'",
    ]
    again = run("runs", "import", str(BASELINE))
    assert again.stdout.splitlines() == [f"{BASELINE}: already stored as run 1"]
    listed = rows(run("runs", "list"))
    assert [r[0] for r in listed[1:]] == ["1"]
    assert listed[1][-1] == "baseline"


def test_a_bad_report_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"report": "something else"}', encoding="utf-8")
    result = run("runs", "import", str(BASELINE), str(bad))
    assert result.exit_code == 1
    assert "bad.json: not a stance eval report" in result.stderr
    assert run("runs", "list").stderr.startswith("no runs stored")


def test_compare_takes_ids_latest_and_tags(tmp_path: Path) -> None:
    old = shifted(BASELINE, tmp_path, "old", 1, -0.1)
    new = shifted(BASELINE, tmp_path, "new", 2, 0.0)
    assert run("runs", "import", str(old), "--tag", "baseline").exit_code == 0
    assert run("runs", "import", str(new)).exit_code == 0
    by_ref = run("compare", "baseline", "latest", "--markdown", str(tmp_path / "c.md"))
    by_file = run("compare", str(old), str(new), "--markdown", str(tmp_path / "f.md"))
    assert by_ref.exit_code == 0 and by_file.exit_code == 0, by_ref.output
    # the same numbers whichever way the runs were named
    table = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert table.replace("#1 claims@11 local:qwen2.5-coder-1.5b-instruct-q4_k_m", "old").replace(
        "#2 claims@11 local:qwen2.5-coder-1.5b-instruct-q4_k_m", "new"
    ) == (tmp_path / "f.md").read_text(encoding="utf-8")
    assert run("compare", "1", "latest~0").exit_code == 0
    missing = run("compare", "baseline", "7")
    assert missing.exit_code == 1
    assert "no run 7 in " in missing.stderr


def test_baseline_without_a_tag_says_how_to_make_one() -> None:
    result = run("compare", "baseline", "latest")
    assert result.exit_code == 1
    assert "tag one with `stance runs tag ID baseline`" in result.stderr


def test_rm_removes_a_run_with_its_rows(tmp_path: Path, run_store: str) -> None:
    run("runs", "import", str(BASELINE))
    assert run("runs", "rm", "1").stdout == "removed 1 runs\n"
    db = sqlite3.connect(run_store)
    assert db.execute("SELECT count(*) FROM metrics").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM article_scores").fetchone() == (0,)
    result = run("runs", "rm", "1")
    assert result.exit_code == 1 and "no run 1: nothing removed" in result.stderr


def test_trend_lists_runs_oldest_first_and_draws_a_page(tmp_path: Path, browser: Any) -> None:
    for name, day, delta in (("b", 3, 0.05), ("a", 1, -0.1), ("c", 5, 0.1)):
        run("runs", "import", str(shifted(BASELINE, tmp_path, name, day, delta)))
    page = tmp_path / "trend.html"
    result = run("runs", "trend", "attribution_f1", "--html", str(page))
    assert result.exit_code == 0, result.output
    base = load_report(BASELINE).value("attribution_f1")
    assert base is not None
    values = [r[-1].split(" ")[0] for r in rows(result)[1:]]
    assert values == [f"{base + d:.3f}" for d in (-0.1, 0.05, 0.1)]
    assert [r[1][:10] for r in rows(result)[1:]] == ["2026-11-01", "2026-11-03", "2026-11-05"]
    assert console_errors(open_page(browser, page)) == []
    from selenium.webdriver.common.by import By

    assert browser.find_element(By.CSS_SELECTOR, "figure svg").size["width"] > 300
    assert len(browser.find_elements(By.CSS_SELECTOR, "tbody tr")) == 3


def test_extract_keeps_its_batch_summary(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = run("extract", str(ROOT / "examples" / "ministers.txt"), "--reader", "rules",
                 "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = rows(run("runs", "list", "--kind", "extract"))
    assert listed[1][2:6] == ["extract", str(ROOT / "examples" / "ministers.txt"), "none",
                              "rules-v1"]  # fmt: skip
    shown = run("runs", "show", listed[1][0])
    lines = dict(line.split("\t", 1) for line in shown.stdout.splitlines()[1:])
    claims = sum(len(json.loads(r)["claims"]) for r in out.read_text().splitlines())
    assert lines["claims"] == str(claims) and lines["output"] == str(out)


def test_a_store_from_an_older_stance_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied TEXT)")
    MIGRATIONS[0](db)
    db.execute("INSERT INTO _migrations VALUES ('m001_runs', 'x')")
    db.commit()
    db.close()
    with open_store(path) as store:
        applied = [r[0] for r in store._db.execute("SELECT name FROM _migrations")]
    assert applied == [fn.__name__ for fn in MIGRATIONS]


def test_a_damaged_store_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("STANCE_RUNS_DB", str(path))
    result = run("runs", "list")
    assert result.exit_code == 1
    assert f"cannot open the run store {path}" in result.stderr
    # an eval still scores and says the run was not kept
    ok = run("eval", str(GOLD), "--reader", "rules")
    assert ok.exit_code == 0
    assert "warning: the run was not stored" in ok.stderr
