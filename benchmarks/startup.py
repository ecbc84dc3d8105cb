"""Start-up cost of the commands people run most, median of N runs, and what they import.

    python benchmarks/startup.py [--runs 5] [--article PATH --cache DIR]

Times, as separate processes (so every run pays the imports a user pays):
  - ``stance --help`` and ``stance extract --help``;
  - the error path: ``stance extract a.txt -o EXISTING`` (exit 2 before any model work);
  - with ``--article`` and ``--cache``: a re-run of that article answered wholly from the
    response cache in DIR (run it once cold first, e.g. with ``STANCE_CACHE_DIR=DIR stance
    extract ARTICLE -o /tmp/x.jsonl``).
For each, prints the median and range of wall seconds, and whether openai, instructor and
llama_cpp were imported (from ``python -X importtime``), with their cumulative import time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("openai", "instructor", "llama_cpp", "numpy", "matplotlib", "httpx")


def stance_command() -> list[str]:
    return [sys.executable, "-c", "from stance.cli import main; main()"]


def timed(args: list[str], env: dict[str, str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [*stance_command(), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def heavy_imports(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Top-level heavy packages imported by the command, with cumulative seconds."""
    command = [sys.executable, "-X", "importtime", "-c", "from stance.cli import main; main()"]
    result = subprocess.run(
        [*command, *args], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    found: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line.rstrip())
        if match and match.group(2) in HEAVY:
            found[match.group(2)] = int(match.group(1)) / 1e6
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--article", type=Path)
    parser.add_argument("--cache", type=Path, help="STANCE_CACHE_DIR holding the article's answers")
    options = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        existing = Path(tmp) / "exists.jsonl"
        existing.write_text("{}\n", encoding="utf-8")  # another run's output: exit 2
        article = Path(tmp) / "a.txt"
        article.write_text("Nothing to read.\n", encoding="utf-8")
        cases: list[tuple[str, list[str], dict[str, str]]] = [
            ("stance --help", ["--help"], env),
            ("stance extract --help", ["extract", "--help"], env),
            ("error path (-o exists)", ["extract", str(article), "-o", str(existing)], env),
        ]
        if options.article is not None and options.cache is not None:
            cached_env = {**env, "STANCE_CACHE_DIR": str(options.cache)}
            # --json: records to stdout, so every run extracts anew (no output file to resume)
            args = ["extract", str(options.article), "--json"]
            cases.append(("cached re-run", args, cached_env))
        print(
            f"{'command':<26} {'median s':>9} {'min':>6} {'max':>6}  heavy imports (cumulative s)"
        )
        for name, args, case_env in cases:
            seconds = timed(args, case_env, options.runs)
            heavy = heavy_imports(args, case_env)
            shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(heavy.items())) or "none"
            print(
                f"{name:<26} {statistics.median(seconds):>9.2f} {min(seconds):>6.2f} "
                f"{max(seconds):>6.2f}  {shown}"
            )


if __name__ == "__main__":
    main()
