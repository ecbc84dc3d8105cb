"""--workers N: the process pool gives the thread runner's records, loses nothing to a
killed worker, stops on a configuration error, and shares --rpm/--tpm among its workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from openai_server import get, run_stance, running, stance_env
from scale_articles import write_jsonl

from stance.api import ExtractorRecipe
from stance.errors import AuthError, ConfigError
from stance.runs.runner import run_batch
from stance.schema import (
    Article,
    ErrorRecord,
    Extraction,
    OutputRecord,
    PromptInfo,
    Provenance,
    parse_record,
)

STANCE = Path(sys.executable).with_name("stance")
PROMPT = PromptInfo(name="stub", version="1", hash="e" * 64)


class _Client:
    serial = False
    model_id = "stub:pool"


class _Prompt:
    info = PROMPT
    sha256 = PROMPT.hash
    reader = "stub"


@dataclass
class StubRecipe:
    """A picklable recipe for a stub extractor. ``kill_once`` names an article whose worker
    is SIGKILLed the first time it is read (``marker`` remembers it); ``refuse`` one that
    raises an AuthError, as a revoked API key would."""

    marker: Path
    kill_once: str | None = None
    refuse: str | None = None
    pad: int = 0  # characters added to each record's text: records that take long to send

    def __call__(self) -> Any:
        return _StubExtractor(self)


class _StubExtractor:
    client = _Client()
    prompt = _Prompt()

    def __init__(self, recipe: StubRecipe) -> None:
        self.recipe = recipe

    def extract(self, article: Article) -> Extraction:
        if article.id == self.recipe.kill_once and not self.recipe.marker.exists():
            self.recipe.marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        if article.id == self.recipe.refuse:
            raise AuthError("the endpoint refused the API key (401)")
        return Extraction(
            article_id=article.id,
            text=article.text + " " * self.recipe.pad,
            provenance=Provenance(
                model="stub:pool",
                prompt=PROMPT,
                stance_version="test",
                created_at=datetime.now(timezone.utc),
            ),
        )


def records(out: Path) -> dict[str, OutputRecord]:
    found = [parse_record(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len({r.article_id for r in found}) == len(found), "an id written twice"
    return {r.article_id: r for r in found}


def without_provenance(out: Path) -> dict[str, Any]:
    """Records as the user compares them: the run's own times and provenance aside."""
    rows = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        row.pop("provenance", None)
        row.pop("created_at", None)
        rows[row["article_id"]] = row
    return rows


def test_workers_write_the_records_threads_write(tmp_path: Path) -> None:
    """The real rules reader (spaCy in each worker) on 50 articles plus a bad line: the
    same records, the same summary counts and the same exit code from the CLI."""
    source = tmp_path / "in.jsonl"
    write_jsonl(source, 50)
    with source.open("a", encoding="utf-8") as f:
        f.write('{"id": "no-text"}\n')
    runs = {}
    for name, extra in (("threads", []), ("pool", ["--workers", "2"])):
        out = tmp_path / f"{name}.jsonl"
        command = [str(STANCE), "extract", str(source), "--reader", "rules", "-o", str(out)]
        done = subprocess.run(
            [*command, *extra], capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 1, done.stderr  # the bad line is a failure, as before
        assert "51 articles: 50 extracted, 1 failed" in done.stderr
        runs[name] = without_provenance(out)
    assert runs["pool"] == runs["threads"]
    assert sum(len(r.get("claims", [])) for r in runs["pool"].values()) > 200


def test_workers_judge_with_the_judge_asked_for(tmp_path: Path) -> None:
    """--judge reaches every worker: with --judge model and --workers 2 each article's
    claims are judged by the endpoint (one call an article), as they are on threads."""
    source = tmp_path / "in.jsonl"
    write_jsonl(source, 6)
    with running() as url:
        out = tmp_path / "pool.jsonl"
        done = run_stance(
            url, str(source), "--judge", "model", "--workers", "2", "-o", str(out),
            env=stance_env(tmp_path), timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        asked = get(url, "/stats")["requests"]
    found = records(out)
    assert len(found) == 6
    assert {r.provenance.judge.get("judge") for r in found.values()} == {"model"}
    assert asked >= 6


def test_a_killed_worker_costs_its_article_only_and_resume_finishes(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    ids = write_jsonl(source, 30)
    recipe = StubRecipe(tmp_path / "killed", kill_once=ids[7])
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(source)], recipe, output=out, resume=False, concurrency=4, workers=2)
    first = records(out)
    assert len(first) == 30 and summary.failed >= 1
    failed = [r for r in first.values() if isinstance(r, ErrorRecord)]
    assert ids[7] in {r.article_id for r in failed}
    assert all("killed by signal 9; --resume retries it" in r.message for r in failed)
    again = run_batch([str(source)], recipe, output=out, resume=True, concurrency=4, workers=2)
    assert again.failed == 0 and again.skipped_resumed == 30 - len(failed)
    assert all(isinstance(r, Extraction) for r in records(out).values())


def test_a_worker_killed_while_others_send_big_records_does_not_hang_the_batch(
    tmp_path: Path,
) -> None:
    """Records of 4 MB keep every worker's channel busy when one worker is killed. With one
    results queue shared by all workers, written by a feeder thread under a lock shared
    across processes, a killed worker could take with it messages it had already "sent"
    (its "ready": the batch stopped as if the worker never started) or the lock itself
    (every other worker blocked on it for ever: the batch hung, as CI did). The batch runs
    in a child process so that a hang fails here instead of stalling the suite."""
    source = tmp_path / "in.jsonl"
    ids = write_jsonl(source, 24)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from test_pool import StubRecipe\n"
        "from stance.runs.runner import run_batch\n"
        "tmp = Path(sys.argv[2])\n"
        "recipe = StubRecipe(tmp / 'killed', kill_once=sys.argv[3], pad=4_000_000)\n"
        "s = run_batch([str(tmp / 'in.jsonl')], recipe, output=tmp / 'out.jsonl',\n"
        "              resume=False, concurrency=6, workers=3)\n"
        "print(s.failed)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path), ids[5]],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = records(tmp_path / "out.jsonl")
    assert len(written) == 24 and int(done.stdout) >= 1
    assert isinstance(written[ids[5]], ErrorRecord)


def test_a_refused_key_in_a_worker_stops_the_batch(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    ids = write_jsonl(source, 40)
    out = tmp_path / "out.jsonl"
    recipe = StubRecipe(tmp_path / "unused", refuse=ids[3])
    with pytest.raises(ConfigError, match=r"refused the API key.*rerun with --resume"):
        run_batch([str(source)], recipe, output=out, resume=False, concurrency=2, workers=2)
    written = records(out)
    assert ids[3] not in written and len(written) < 40  # it stopped, keeping what was done


def test_an_unpicklable_factory_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(source, 2)
    with pytest.raises(ConfigError, match="--workers needs an extractor recipe that can be"):
        run_batch([str(source)], lambda: None, output=None, resume=False, concurrency=2, workers=2)  # type: ignore[arg-type, return-value]


def test_workers_share_the_rate_limits() -> None:
    recipe = ExtractorRecipe("openai:x", rpm=600, tpm=90_000)
    each = recipe.for_workers(3)
    assert (each.rpm, each.tpm) == (200, 30_000) and each.model == "openai:x"
    assert ExtractorRecipe(prompt="rules-v1").for_workers(2).rpm is None


def test_engine_options_are_checked_before_any_work(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(source, 1)
    cases = {
        ("--engine", "spark"): "--engine must be local or ray, not 'spark'",
        ("--address", "auto"): "--address and --partition-format are for --engine ray",
        ("--engine", "ray", "--partition-format", "parquet", "-o", str(tmp_path / "o.jsonl")): (
            "--partition-format is for partitions: give -o a directory"
        ),
    }
    for args, message in cases.items():
        command = [str(STANCE), "extract", str(source), "--reader", "rules", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 2 and message in done.stderr, done.stderr
