"""--engine ray: Ray Data gives the records the thread runner and the pool give; bad input
in one input file costs its rows only; a killed actor loses nothing; and a two-node cluster
on loopback, started and stopped here, runs a job to completion.

Each run starts Ray (10-20 s on two shared cores), so these tests are few and each checks
several things a user would notice.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scale_articles import write_jsonl

from stance.runs.partitions import read_partition

pytest.importorskip("ray", reason="the [ray] extra is not installed: pip install 'stance[ray]'")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

BIN = Path(sys.executable).parent
STANCE, RAY = BIN / "stance", BIN / "ray"


def env_for(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "STANCE_"))}
    # the token is for clusters reachable from a network; this one is loopback, started here
    env.update(STANCE_CACHE_DIR=str(tmp / "cache"), RAY_AUTH_MODE="disabled", COLUMNS="200")
    env["STANCE_RUNS_DB"] = os.environ["STANCE_RUNS_DB"]
    return env


def extract(tmp: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    command = [str(STANCE), "extract", *args, "--reader", "rules"]
    return subprocess.run(
        command, env=env_for(tmp), capture_output=True, text=True, timeout=timeout, check=False
    )


def comparable(lines: list[str]) -> dict[str, Any]:
    """Records keyed by id, the run's own provenance and times aside."""
    rows = {}
    for line in lines:
        row = json.loads(line)
        row.pop("provenance", None)
        row.pop("created_at", None)
        assert row["article_id"] not in rows, f"{row['article_id']} written twice"
        rows[row["article_id"]] = row
    return rows


def partition_lines(folder: Path) -> list[str]:
    return [line for part in sorted(folder.glob("part-*")) for _, _, line in read_partition(part)]


def test_threads_pool_and_ray_write_the_same_records(tmp_path: Path) -> None:
    source = tmp_path / "fifty.jsonl"
    write_jsonl(source, 50)
    outputs = {}
    for name, extra in (
        ("threads", ["-o", str(tmp_path / "threads.jsonl")]),
        ("pool", ["-o", str(tmp_path / "pool.jsonl"), "--workers", "2"]),
        ("ray", ["-o", str(tmp_path / "ray.jsonl"), "--engine", "ray", "--workers", "2"]),
    ):
        done = extract(tmp_path, str(source), *extra)
        assert done.returncode == 0, done.stderr
        assert "50 articles: 50 extracted;" in done.stderr
        outputs[name] = comparable((tmp_path / f"{name}.jsonl").read_text().splitlines())
    assert outputs["pool"] == outputs["threads"]
    assert outputs["ray"] == outputs["threads"]
    assert sum(len(r["claims"]) for r in outputs["ray"].values()) > 200


def test_bad_rows_in_one_input_cost_those_rows_and_parquet_partitions_hold_the_rest(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = tmp_path / "good.jsonl"
    ids = write_jsonl(good, 24)
    rows = [json.loads(line) for line in good.read_text().splitlines()]
    for n, chunk in enumerate((rows[:8], rows[8:16], rows[16:])):
        table = {"doc": [r["id"] for r in chunk], "body": [r["text"] for r in chunk]}
        if n == 1:  # the bad input: an empty text and a missing one among good rows
            table["body"][2], table["body"][5] = "", None
        pq.write_table(pa.table(table), inputs / f"part{n}.parquet")
    (inputs / "notes.jsonl").write_text('{"id": "broken", "text": \n', encoding="utf-8")
    out = tmp_path / "out"
    args = ["--text-column", "body", "--id-column", "doc", "--engine", "ray"]
    done = extract(tmp_path, str(inputs), "-o", str(out), "--partition-format", "parquet", *args)
    assert done.returncode == 1, done.stderr  # some failed: said by the exit code
    assert "25 articles: 22 extracted, 3 failed" in done.stderr
    records = comparable(partition_lines(out))
    errors = {k: r for k, r in records.items() if r["record"] == "error"}
    assert set(errors) == {ids[10], ids[13], f"{inputs / 'notes.jsonl'}:1"}
    assert errors[ids[10]]["message"].endswith("'text' is empty; expected article text")
    assert all(records[i]["record"] == "extraction" for i in ids if i not in errors)
    assert all(p.suffix == ".parquet" for p in out.iterdir())


def ray_workers_of(marker: str) -> list[int]:
    """Pids of the Ray actor processes reading for the run whose environment has ``marker``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if b"MapBatches(_Reader)" in command and marker.encode() in environ:
            found.append(int(pid))
    return found


def test_a_killed_actor_loses_nothing(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    ids = write_jsonl(source, 400)
    out = tmp_path / "out.jsonl"
    command = [str(STANCE), "extract", str(source), "--reader", "rules", "-o", str(out)]
    command += ["--engine", "ray", "--workers", "2"]
    log = (tmp_path / "stderr.txt").open("w")  # a pipe nobody reads would stall the job
    job = subprocess.Popen(command, env=env_for(tmp_path), stderr=log, text=True)
    killed = None
    while job.poll() is None and killed is None:  # an actor dies once records flow
        workers = ray_workers_of(str(tmp_path))
        if workers and out.exists() and out.read_bytes().count(b"\n") >= 40:
            os.kill(workers[0], signal.SIGKILL)
            killed = workers[0]
        time.sleep(0.1)
    job.wait(timeout=600)
    log.close()
    stderr = (tmp_path / "stderr.txt").read_text()
    assert killed is not None, "the job ended before an actor could be killed"
    if job.returncode != 0:  # Ray could not retry: --resume finishes the job
        done = extract(tmp_path, str(source), "-o", str(out), "--engine", "ray", "--resume")
        assert done.returncode == 0, done.stderr
    else:
        assert "400 articles: 400 extracted;" in stderr
    records = comparable(out.read_text(encoding="utf-8").splitlines())
    assert sorted(records) == sorted(ids)
    assert all(r["record"] == "extraction" for r in records.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def ray_node(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``ray start --block`` in a session of its own, ended with its whole group."""
    with log.open("wb") as sink:
        node = subprocess.Popen(
            [str(RAY), "start", "--block", "--disable-usage-stats", *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield node
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            node.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.pid, signal.SIGKILL)
        node.wait(timeout=10)


def wait_for_nodes(env: dict[str, str], address: str, count: int) -> None:
    probe = (
        "import ray, sys, time\n"
        f"ray.init(address={address!r}, logging_level=40)\n"
        "deadline = time.monotonic() + 120\n"
        f"while sum(n['Alive'] for n in ray.nodes()) < {count}:\n"
        "    if time.monotonic() > deadline: sys.exit('nodes did not join')\n"
        "    time.sleep(0.5)\n"
    )
    subprocess.run([sys.executable, "-c", probe], env=env, check=True, timeout=180)


def test_a_two_node_loopback_cluster_completes_a_job(tmp_path: Path) -> None:
    source = tmp_path / "fifty.jsonl"
    ids = write_jsonl(source, 50)
    env = env_for(tmp_path)
    port = free_port()
    address = f"127.0.0.1:{port}"
    store = ["--object-store-memory", str(100 * 1024 * 1024)]
    # socket paths must stay short: a temp dir of its own under /tmp
    with tempfile.TemporaryDirectory(prefix="ray", dir="/tmp") as temp:
        head = ["--head", "--port", str(port), "--node-ip-address", "127.0.0.1", "--temp-dir", temp]
        head += ["--num-cpus", "1", "--include-dashboard", "false", *store]
        second = ["--address", address, "--node-ip-address", "127.0.0.1", "--num-cpus", "1"]
        second += ["--resources", '{"second_node": 1}', *store]
        with ray_node(env, tmp_path / "head.log", *head):
            wait_for_nodes(env, address, 1)
            with ray_node(env, tmp_path / "node.log", *second):
                wait_for_nodes(env, address, 2)
                out = tmp_path / "out"
                # two actors of one CPU each: one of them can only run on the second node
                args = ["--engine", "ray", "--address", address, "--workers", "2"]
                done = extract(tmp_path, str(source), "-o", str(out), *args)
    assert done.returncode == 0, done.stderr
    assert "50 articles: 50 extracted;" in done.stderr
    records = comparable(partition_lines(out))
    assert sorted(records) == sorted(ids)
    assert all(r["record"] == "extraction" and r["claims"] for r in records.values())
