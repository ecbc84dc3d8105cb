"""Batch throughput against a loopback OpenAI-compatible server with a fixed latency.

    python benchmarks/throughput.py [--articles 1000] [--latency 0.2] [--concurrency 32]
        [--workers N] [--judge model]

Writes N one-paragraph synthetic articles, starts tests/openai_server.py with the given
latency, and runs the real `stance extract` process against it. The default reader asks no
model (code finds, the learned heads judge), so the reader that talks to an endpoint is the
default reader with ``--judge model`` (spaCy parse, rules, then one judging call an article);
``--judge`` picks another. It runs cold (every call goes to the server) and again into a new
output with everything in the response cache, and once with the default reader (no calls,
pure CPU). Prints wall time against the ideal (calls x latency / concurrency, with the calls
the server counted), also after the start-up (the wall of a one-article run: importing and
loading spaCy, which a longer batch pays once), the client's CPU time (worker processes
included) and share of the wall, and its resident memory, summed over the client's
processes and sampled during the run (peak, and at each quarter of the run, to show whether
it grows with the number of articles done).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["Marta Quell", "Tomas Brandt", "Rena Holt", "Ivo Marsh", "Lena Sorvik", "Paul Henning"]


def write_articles(folder: Path, n: int) -> None:
    """One JSONL file of n articles, one attributed quote each, all different."""
    lines = []
    for i in range(n):
        name = NAMES[i % len(NAMES)]
        text = (
            f"Harbour update {i}\n\n"
            f"“Berth {i} will reopen after the dredging of section {i * 7 % 101} is done,” "
            f"{name} said on Monday.\n"
        )
        lines.append(json.dumps({"id": f"a{i}", "text": text}, ensure_ascii=False))
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_server(latency: float) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "openai_server.py"), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.startswith("PORT "):
        server.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return server, int(line.split()[1])


def server_stats(port: int) -> dict[str, object]:
    from urllib.request import urlopen

    with urlopen(f"http://127.0.0.1:{port}/stats", timeout=30) as response:
        stats: dict[str, object] = json.loads(response.read())
    return stats


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process (the loopback server shares the machine)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_rss_kib(pid: int) -> int:
    """RSS of a process and its descendants (the --workers processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                parent = int(f.read().rpartition(")")[2].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss_kib(current) or 0
        todo.extend(children.get(current, []))
    return total


def run_client(args: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run one `stance extract`, sampling its memory; returns wall, CPU and memory."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples: list[tuple[float, int]] = []

    def sample() -> None:
        while proc.poll() is None:
            kib = tree_rss_kib(proc.pid)
            if kib:
                samples.append((time.perf_counter() - started, kib))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    assert proc.stderr is not None
    summary = proc.stderr.read().decode().strip().splitlines()
    quarters = []
    for q in (0.25, 0.5, 0.75, 1.0):
        upto = [kib for t, kib in samples if t <= q * wall]
        quarters.append(max(upto) if upto else 0)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,  # the workers' too: the client waits for them
        "peak_kib": max((kib for _, kib in samples), default=usage.ru_maxrss),
        "quarters_kib": quarters,
        "exit": proc.returncode,
        "summary": summary[-1] if summary else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="stance extract --workers")
    parser.add_argument("--judge", default="model", help="stance extract --judge (model: asks)")
    opts = parser.parse_args()
    stance = str(Path(sys.executable).with_name("stance"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_articles(folder, opts.articles)
        server, port = start_server(opts.latency)
        env = {
            **os.environ,
            "OPENAI_API_KEY": "sk-benchmark",
            "STANCE_CACHE_DIR": str(folder / "cache"),
        }
        base = [
            stance,
            "extract",
            "--model",
            "openai:bench",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--concurrency",
            str(opts.concurrency),
            "--workers",
            str(opts.workers),
        ]
        articles = folder / "articles.jsonl"
        asking = [*base, "--judge", opts.judge]
        one = folder / "one.jsonl"  # its first article alone: the start-up run
        one.write_text(articles.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
        try:
            startup = run_client([*asking, str(one), "-o", str(folder / "startup.jsonl")], env)
            before_calls = int(server_stats(port)["requests"])
            server_before = cpu_seconds(server.pid)
            cold = run_client([*asking, str(articles), "-o", str(folder / "cold.jsonl")], env)
            server_cpu = cpu_seconds(server.pid) - server_before
            calls = int(server_stats(port)["requests"]) - before_calls
            cached = run_client([*asking, str(articles), "-o", str(folder / "cached.jsonl")], env)
            default = run_client([*base, str(articles), "-o", str(folder / "default.jsonl")], env)
        finally:
            server.kill()
            server.wait()
    ideal = calls * opts.latency / opts.concurrency
    start = float(startup["wall"])  # type: ignore[arg-type]
    print(
        f"{opts.articles} articles, --judge {opts.judge}: {calls} model calls, "
        f"{opts.latency * 1000:.0f} ms latency, concurrency {opts.concurrency}, "
        f"{opts.workers} worker(s), {os.cpu_count()} cores; ideal {ideal:.2f} s "
        f"(calls x latency / concurrency); start-up {start:.2f} s (a one-article run)"
    )
    runs = (("cold", cold), ("cached re-run", cached), ("default reader, no calls", default))
    for name, run in runs:
        wall = float(run["wall"])  # type: ignore[arg-type]
        cpu = float(run["cpu"])  # type: ignore[arg-type]
        quarters = ", ".join(f"{k / 1024:.0f}" for k in run["quarters_kib"])  # type: ignore[attr-defined]
        against = (
            f"{wall / ideal:.2f}x ideal; after start-up {(wall - start) / ideal:.2f}x"
            if ideal and name == "cold"
            else f"{opts.articles / max(wall - start, 1e-9):.0f} articles/s after start-up"
        )
        print(
            f"{name}: {wall:.2f} s wall ({against}), client CPU {cpu:.2f} s "
            f"({cpu / wall:.0%} of wall), peak RSS {int(run['peak_kib']) / 1024:.0f} MiB "  # type: ignore[call-overload]
            f"(MiB at each quarter: {quarters}), exit {run['exit']}"
        )
        print(f"  {run['summary']}")
        if name == "cold":
            print(f"  loopback server CPU during the cold run: {server_cpu:.2f} s")


if __name__ == "__main__":
    main()
