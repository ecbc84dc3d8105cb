"""The README's "Comparing models" walk-through, run command by command as a user would.

The commands are read from the README between the ``walkthrough`` markers, so the README
cannot drift from what works: each must exit 0 in a fresh run store, from the recorded
responses (no model, no key), with ``out/`` redirected to a temporary folder.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RECORDING = ROOT / "evals" / "recordings" / "gold-grid.jsonl"


def walkthrough_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    markers = r"<!-- walkthrough -->\s*```bash\n(.*?)```\s*<!-- /walkthrough -->"
    block = re.search(markers, text, re.S)
    assert block, "README.md lost its walkthrough markers"
    joined = block.group(1).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("stance ")]


@pytest.mark.skipif(not RECORDING.exists(), reason="no grid recording")
def test_the_walkthrough_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    commands = walkthrough_commands()
    assert len(commands) >= 6
    outputs: list[str] = []
    for command in commands:
        args = [a.replace("out/", f"{tmp_path}/") for a in shlex.split(command)[1:]]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        outputs.append(result.stdout)
    # the grid stored four runs and wrote its comparison page
    assert (tmp_path / "grid.html").exists()
    listed = CliRunner().invoke(app, ["runs", "list", "--json"])
    assert len([json.loads(line) for line in listed.stdout.splitlines()]) == 4
    # the export wrote tidy tables of the latest run
    assert (tmp_path / "tables" / "matches.csv").exists()
