"""Every command of the README runs, and so does the docs' model-comparison walk-through.

The README's commands are read from its ``bash`` blocks, so it cannot show a command that
does not work: each ``stance`` command of the usage block runs in a fresh folder (``out/``
redirected to a temporary one) and must exit 0; ``make`` lines must name a target whose
recipe resolves (``make -n``), and the stance commands of ``make demo`` run too. A remote
model is answered by a fake endpoint, the default reader by the embedded model (skipped,
saying why, where it is not installed; in CI a missing model fails). The walk-through of
docs/evaluation/grids.md replays the recorded grid: no model, no key.
"""

from __future__ import annotations

import glob
import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from real_model import MISSING, MODEL_PATH
from typer.testing import CliRunner

from stance.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
GRIDS = ROOT / "docs" / "evaluation" / "grids.md"
RECORDING = ROOT / "evals" / "recordings" / "gold-grid.jsonl"


def bash_lines(text: str) -> list[str]:
    """The commands of every ``bash`` block: continuations joined, comments dropped."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(shlex.join(words))
    return lines


def walkthrough_commands() -> list[str]:
    text = GRIDS.read_text(encoding="utf-8")
    markers = r"<!-- walkthrough -->\s*```bash\n(.*?)```\s*<!-- /walkthrough -->"
    block = re.search(markers, text, re.S)
    assert block, f"{GRIDS} lost its walkthrough markers"
    joined = block.group(1).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("stance ")]


def usage_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- usage[^>]*-->\s*(```bash\n.*?```)\s*<!-- /usage -->", text, re.S)
    assert block, "README.md lost its usage markers"
    return bash_lines(block.group(1))


def test_the_readme_is_a_front_door() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert 8 <= len(usage_commands()) <= 10
    # every command in the README is a make target or a command of the usage block
    others = [c for c in bash_lines(text) if c not in usage_commands()]
    assert others == ["make demo", "make test"], others
    assert "docs/viewer-demo.png" in text


@pytest.mark.parametrize("target", ["demo", "test"])
def test_the_readme_make_targets_resolve(target: str) -> None:
    """`make -n` walks the target and its prerequisites without running them."""
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "stance extract examples/ministers.txt" in result.stdout or target == "test"


def _answer(request: httpx.Request) -> httpx.Response:
    """A remote model that answers every question the default reader asks."""
    content = json.dumps({"about": "the sardine quota", "stance": "against"})
    body: dict[str, Any] = {
        "id": "chatcmpl-readme", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
    }  # fmt: skip
    return httpx.Response(200, json=body)


def _uses_the_embedded_model(args: list[str]) -> bool:
    return args[0] == "extract" and "--reader" not in args and "--model" not in args


def test_every_command_of_the_readme_usage_block_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-readme-test")
    monkeypatch.delenv("STANCE_PROMPT", raising=False)
    ran = 0
    for command in usage_commands():
        words = shlex.split(command)
        assert words[0] == "stance", command
        args = [a.replace("out/", f"{tmp_path}/") for a in words[1:]]
        args = [a for arg in args for a in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
        if _uses_the_embedded_model(args):
            continue  # the slow test below runs it with the real model
        client = httpx.Client(transport=httpx.MockTransport(_answer))
        result = CliRunner().invoke(app, args, obj={"http_client": client})
        assert result.exit_code == 0, f"{command}\n{result.output}"
        ran += 1
    assert ran >= 8
    # the batch, the page and the tables the block promises
    assert (tmp_path / "gold.jsonl").stat().st_size > 0
    assert (tmp_path / "view.html").exists()
    assert (tmp_path / "tables" / "claims.csv").exists()


@pytest.mark.slow
def test_the_readme_commands_of_the_embedded_model_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`stance extract examples/ministers.txt`: the block's default-reader line and `make demo`."""
    import os

    if MODEL_PATH is None and not os.environ.get("CI"):
        pytest.skip(MISSING)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STANCE_PROMPT", raising=False)
    demo = subprocess.run(["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True)
    from_make = [
        line.split("/bin/", 1)[1] for line in demo.stdout.splitlines() if "/bin/stance " in line
    ]
    commands = [c for c in usage_commands() if _uses_the_embedded_model(shlex.split(c)[1:])]
    assert commands and from_make
    for command in dict.fromkeys(commands + from_make):
        result = CliRunner().invoke(app, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}\n{result.output}"
        if command.startswith("stance extract"):
            assert "Daniel Robles" in result.stdout and "denies c1" in result.stdout


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
