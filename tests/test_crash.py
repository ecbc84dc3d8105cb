"""SIGKILL the real CLI process mid-batch, again and again, and resume: nothing is lost,
nothing is written twice, and the cache survives."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from openai_server import STANCE, running, stance_env

from stance.schema import Extraction, parse_record

pytestmark = pytest.mark.usefixtures("paragraph_reader")

SPEAKERS = ["Marta Quell", "Tomas Brandt", "Rena Holt", "Ivo Marsh", "Lena Vogt", "Piet Adler"]


def write_articles(folder: Path, n: int = 40) -> list[str]:
    folder.mkdir()
    ids = []
    for i in range(n):
        a, b, c = (SPEAKERS[(i + k) % len(SPEAKERS)] for k in range(3))
        text = (
            f"Council vote {i}\n\n"
            f"“Budget line {i} will pass before the summer,” {a} said.\n\n"
            f"“Line {i} was never costed properly,” {b} warned.\n\n"
            f"“We did not hide the cost of line {i},” {c} denied.\n"
        )
        (folder / f"a{i:02d}.txt").write_text(text, encoding="utf-8")
        ids.append(f"a{i:02d}")
    return ids


def complete_lines(path: Path) -> list[bytes]:
    """Lines ended by a newline: records a kill cannot take back."""
    data = path.read_bytes() if path.exists() else b""
    return data[: data.rfind(b"\n") + 1].split(b"\n")[:-1]


def command(url: str, folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        str(STANCE),
        "extract",
        str(folder),
        "-o",
        str(out),
        "--concurrency",
        "4",
        "--model",
        "openai:fake",
        "--base-url",
        url,
        *extra,
    ]


def kill_after_progress(cmd: list[str], env: dict[str, str], out: Path, wait: float) -> bool:
    """Start a run, SIGKILL it ``wait`` s after its first new record; False if it finished."""
    start = len(complete_lines(out))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(complete_lines(out)) <= start and proc.poll() is None:
        assert time.monotonic() < deadline, "no progress in 60 s"
        time.sleep(0.01)
    time.sleep(wait)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate()
    assert b"Traceback" not in stderr, stderr.decode()
    return not finished


def test_repeated_sigkill_then_resume_loses_nothing(tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in")
    out, env, rng = tmp_path / "out.jsonl", stance_env(tmp_path), random.Random(20240611)
    seen: set[bytes] = set()
    kills = 0
    with running("--latency", "0.04") as url:
        for round_ in range(5):
            extra = ("--resume",) if round_ else ()
            cmd = command(url, tmp_path / "in", out, *extra)
            kills += kill_after_progress(cmd, env, out, rng.uniform(0.0, 0.3))
            lines = complete_lines(out)
            assert len(lines) == len({parse_record(x.decode()).article_id for x in lines})
            seen.update(x for x in lines if b'"record":"extraction"' in x)
        final = subprocess.run(
            command(url, tmp_path / "in", out, "--resume"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert kills >= 4  # the kills landed mid-batch, not after it had finished
    assert final.returncode == 0, final.stderr
    data = out.read_bytes()
    assert data.endswith(b"\n")
    lines = data.split(b"\n")[:-1]
    records = [parse_record(line.decode()) for line in lines]
    assert sorted(r.article_id for r in records) == ids  # each exactly once
    assert all(isinstance(r, Extraction) and len(r.claims) == 3 for r in records)
    assert seen <= set(lines)  # every record written before a kill is still there, unchanged
    done = len(seen)
    assert f"{done} already done (resumed)" in final.stderr
    with sqlite3.connect(tmp_path / "cache" / "cache.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # every paragraph answer was stored once, whichever run asked for it
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone() == (3 * len(ids),)


def test_torn_last_line_after_kill_is_repaired(tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", n=12)
    out, env = tmp_path / "out.jsonl", stance_env(tmp_path)
    with running("--latency", "0.04") as url:
        reference = tmp_path / "reference.jsonl"
        subprocess.run(
            command(url, tmp_path / "in", reference),
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert kill_after_progress(command(url, tmp_path / "in", out, "--no-cache"), env, out, 0.05)
        kept = complete_lines(out)
        done = {parse_record(x.decode()).article_id for x in kept}
        torn = next(
            x for x in complete_lines(reference) if parse_record(x.decode()).article_id not in done
        )
        with out.open("ab") as f:  # what a kill inside write(2) leaves: half a record
            f.write(torn[: len(torn) // 2])
        shown = subprocess.run(
            [str(STANCE), "show", str(out)], env=env, capture_output=True, text=True, timeout=60
        )
        assert shown.returncode == 1 and "torn last line" in shown.stderr
        resumed = subprocess.run(
            command(url, tmp_path / "in", out, "--resume"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert resumed.returncode == 0, resumed.stderr
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b"" and lines[: len(kept)] == kept
    assert sorted(parse_record(x.decode()).article_id for x in lines[:-1]) == ids
