"""Start-up costs only what a command uses: the model SDKs load on a real model call.

Importing openai and instructor takes over a second; llama.cpp's library more. A user who
asks for help, reads records back or re-runs a batch answered from the cache never pays for
them. Each command runs in a fresh process, as a user runs it, and reports which of the
heavy packages it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import HARBOUR, MODEL, extract, fake_endpoint

HEAVY = ("openai", "instructor", "llama_cpp", "httpx")

# Runs the CLI, then prints the heavy packages it imported as the last line of stderr.
PROBE = f"""
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(
    m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr))
from stance.cli import main
sys.argv[0] = "stance"
main()
"""


def run_stance(
    *args: str, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    imported = json.loads(result.stderr.strip().splitlines()[-1])
    return result, imported


pytestmark = pytest.mark.usefixtures("paragraph_reader")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"OPENAI_API_KEY", "OPENAI_BASE_URL", "STANCE_MODEL", "STANCE_MODEL_PATH"}
    }
    clean["STANCE_CACHE_DIR"] = str(tmp_path / "cache")
    return clean


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"], ["schema"], ["prompts"]])
def test_help_and_info_commands_load_no_model_sdk(args: list[str], env: dict[str, str]) -> None:
    result, imported = run_stance(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert imported == []


def test_an_error_before_any_model_work_loads_no_model_sdk(
    tmp_path: Path, env: dict[str, str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(HARBOUR, encoding="utf-8")
    existing = tmp_path / "out.jsonl"
    existing.write_text("{}\n", encoding="utf-8")  # another run's output
    result, imported = run_stance("extract", str(article), "-o", str(existing), *MODEL, env=env)
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert imported == []


def test_a_rerun_answered_from_the_cache_loads_no_model_sdk(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "harbour.txt"
    article.write_text(HARBOUR, encoding="utf-8")
    monkeypatch.setenv("STANCE_CACHE_DIR", env["STANCE_CACHE_DIR"])
    first = extract(fake_endpoint(), str(article), "-o", str(tmp_path / "first.jsonl"))
    assert first.exit_code == 0, first.output

    # The endpoint in MODEL does not exist: every answer must come from the cache.
    again = tmp_path / "again.jsonl"
    result, imported = run_stance("extract", str(article), "-o", str(again), *MODEL, env=env)

    assert result.returncode == 0, result.stderr
    assert "0 model calls" in result.stderr
    assert imported == []
    claims = [json.loads(line)["claims"] for line in (tmp_path / "first.jsonl").open()]
    assert [json.loads(line)["claims"] for line in again.open()] == claims
