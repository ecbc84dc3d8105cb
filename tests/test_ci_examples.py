"""The CI examples a user copies (docs/ci/): they parse, their commands run, and they fail on
a drop.

Both files are read as YAML the way GitHub Actions and GitLab CI read them. Every step is an
action this test knows, an install at the locked versions, or a ``stance`` command; the
stance commands run here, in the repository, offline, and must pass. Then the gate command
runs against a baseline the replay falls short of and must fail, naming the metric: that is
what stops a pull request that makes the output worse.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from real_model import MISSING, MODEL_PATH
from typer.testing import CliRunner, Result

from stance.cli import app

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "docs" / "ci" / "github-actions.yml"
GITLAB = ROOT / "docs" / "ci" / "gitlab-ci.yml"
ACTIONS = {"actions/checkout", "actions/setup-python", "actions/upload-artifact"}
INSTALL = "python -m pip install -c requirements.lock -e '.[local]'"


def github_commands() -> list[str]:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    commands = []
    for job in workflow["jobs"].values():
        assert job["runs-on"].startswith("ubuntu")
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in ACTIONS, step["uses"]
            else:
                commands += [line for line in step["run"].splitlines() if line.strip()]
    return commands


def gitlab_commands() -> list[str]:
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    (job,) = (
        value for key, value in config.items() if isinstance(value, dict) and "script" in value
    )
    assert job["image"].startswith("python:3.")
    assert "gate-report.json" in job["artifacts"]["paths"]
    return list(job["script"])


def run(command: str) -> Result:
    words = shlex.split(command)
    assert words[0] == "stance", command
    return CliRunner().invoke(app, words[1:])


@pytest.mark.parametrize("read", [github_commands, gitlab_commands], ids=["github", "gitlab"])
def test_the_example_installs_at_the_locked_versions_and_gates_offline(read: Any) -> None:
    commands = read()
    assert commands[0] == INSTALL
    assert (ROOT / "requirements.lock").exists()
    stance = [c for c in commands if c.startswith("stance ")]
    assert len(stance) + 1 == len(commands), "every other step is a stance command"
    gate = [c for c in stance if "--offline" in c]
    assert gate and all("--baseline evals/baseline.json" in c and "--max-drop" in c for c in gate)


@pytest.fixture
def in_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if MODEL_PATH is None and not os.environ.get("CI"):
        pytest.skip(f"the replay needs the embedded model's file for its identity: {MISSING}")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STANCE_PROMPT", raising=False)
    return tmp_path


@pytest.mark.parametrize("read", [github_commands, gitlab_commands], ids=["github", "gitlab"])
def test_the_examples_stance_commands_pass_here(read: Any, in_repo: Path) -> None:
    for command in read()[1:]:
        moved = command.replace("gate-report.", f"{in_repo}/gate-report.")
        result = run(moved)
        assert result.exit_code == 0, f"{command}\n{result.output}"
    report = json.loads((in_repo / "gate-report.json").read_text(encoding="utf-8"))
    assert report["metrics"]["claim_f1"]["value"] >= 0.7
    assert (in_repo / "gate-report.md").exists()


def test_the_gate_fails_on_a_drop(in_repo: Path) -> None:
    """A baseline 0.05 above today's claim F1: the copied gate command must exit 1."""
    (gate,) = [c for c in github_commands() if "--offline" in c]
    assert gate in gitlab_commands()
    baseline = json.loads((ROOT / "evals" / "baseline.json").read_text(encoding="utf-8"))
    baseline["metrics"]["claim_f1"]["value"] += 0.05
    better = in_repo / "better-baseline.json"
    better.write_text(json.dumps(baseline), encoding="utf-8")
    command = gate.replace("evals/baseline.json", str(better))
    command = command.replace("gate-report.", f"{in_repo}/gate-report.")
    result = run(command)
    assert result.exit_code == 1, result.output
    assert re.search(r"claim_f1", result.output)
