"""Readers named for what they do: three to choose from, the old names still replay.

`stance extract --help` lists the three readers a user chooses among, one line each; the
names of earlier rounds (model, questions, pointer) are accepted without being listed, and
prompts moved to prompts/archive/ still load by name, so recorded comparisons replay.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stance.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold"
WIDE = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=WIDE)


def reader_lines(help_text: str) -> list[str]:
    """The lines under 'Readers (--reader):' up to the first blank line."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Readers (--reader):" in line)
    block = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        block.append(line.strip())
    return block


def test_extract_help_lists_three_readers_one_line_each() -> None:
    result = run("extract", "--help")
    assert result.exit_code == 0, result.output
    block = reader_lines(result.stdout)
    assert [line.split()[0] for line in block] == ["default", "rules", "paragraph"]
    assert all(len(line.split()) > 4 for line in block)  # each says what it does
    assert "no model" in block[1] and "baseline" in block[2]
    # the names of earlier rounds are accepted but not offered
    for old in ("pointer", "questions"):
        assert not re.search(rf"\b{old}\b", result.stdout), old


def test_an_unknown_reader_names_the_three() -> None:
    result = run("extract", str(ROOT / "examples" / "ministers.txt"), "--reader", "fast")
    assert result.exit_code == 2
    assert "--reader must be one of default, rules, paragraph, not 'fast'" in result.stderr


@pytest.mark.parametrize("old_name", ["questions", "model", "default"])
def test_the_default_reader_under_its_old_names_replays_the_recording(
    old_name: str, tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    result = run("eval", str(GOLD), "--reader", old_name, "--offline", "--limit", "2",
                 "--no-store", "--report", str(report))  # fmt: skip
    assert result.exit_code == 0, result.output
    prompt = json.loads(report.read_text(encoding="utf-8"))["manifest"]["prompt"]
    assert prompt["name"] == "claims" and prompt["version"] == "11"


def test_an_archived_prompt_replays_by_name(tmp_path: Path) -> None:
    assert not (ROOT / "prompts" / "claims-v9.yaml").exists()
    assert (ROOT / "prompts" / "archive" / "claims-v9.yaml").exists()
    recording = ROOT / "evals" / "recordings" / "gold-claims-v9.jsonl"
    result = run("eval", str(GOLD), "--prompt", "claims-v9", "--offline", "--limit", "2",
                 "--recording", str(recording), "--no-store")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "0 model calls" in result.stdout


def test_the_pointer_reader_loads_its_archived_prompt() -> None:
    from stance.cli.support import prompt_for
    from stance.reading.ask.prompts import load_prompt

    template = load_prompt(prompt_for("pointer", None))
    assert (template.name, template.reader) == ("claims", "pointer")
    assert template.path.parent.name == "archive"


def test_prompts_says_which_are_current_and_how_to_load_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STANCE_PROMPT", raising=False)
    result = run("prompts")
    assert result.exit_code == 0, result.output
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert rows["claims-v11"][3] == "current: the default reader"
    assert rows["rules-v1"][3] == "current: --reader rules"
    assert rows["claims-v2"][3] == "current: --reader paragraph"
    assert rows["claims-v7"][3] == "archived: --prompt claims-v7"
    current = [name for name, row in rows.items() if row[3].startswith("current")]
    assert len(current) == 3
    # current first, then the archive
    assert list(rows)[:3] == current


def test_an_unknown_prompt_lists_the_archived_ones_too() -> None:
    result = run("extract", str(ROOT / "examples" / "ministers.txt"), "--prompt", "claims-v99")
    assert result.exit_code == 2
    assert "not found" in result.stderr and "claims-v7" in result.stderr
