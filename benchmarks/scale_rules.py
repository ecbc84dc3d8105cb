"""Rules-mode articles per second with 1 and 2 workers, in the process pool and under Ray.

    python benchmarks/scale_rules.py [--articles 2000] [--root ../shared/benchmarks/polnear/train]
        [--workers 1,2] [--engines pool,ray] [--rpm 10000]

The articles are PolNeAR train texts (news articles of ordinary length), repeated under new
ids until there are ``--articles`` of them, written to a temporary JSONL file that is deleted
afterwards: no PolNeAR text enters the repository. Each configuration is one real
``stance extract --reader rules`` process (``--workers N``, or ``--engine ray --workers N``
with a Ray started for the run); its wall time includes start-up, so a one-article run of
each engine is timed too and its start-up subtracted for the per-article figures.

Prints, per configuration: wall, articles per second (after start-up), the speed-up of N
workers over one, and Ray's overhead per article over the pool with the same workers.
Then a projection from these figures: the time for 1 million articles in rules mode on
N cores, and with a capable remote model judging (``--judge model``) paced at ``--rpm``
requests per minute. The default reader asks no model; the model judge asks one call per
12 claims of an article, counted here from the claims the runs found.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stance.reading.judge.model_judge import MAX_CLAIMS_PER_CALL

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = ROOT.parent / "shared" / "benchmarks" / "polnear" / "train"


def write_articles(root: Path, count: int, path: Path) -> float:
    """``count`` PolNeAR texts (repeated in sorted order) as JSONL; returns mean characters."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "text").glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no PolNeAR texts under {root / 'text'}; pass --root")
    chars = 0
    with path.open("w", encoding="utf-8") as f:
        for n in range(count):
            text = texts[n % len(texts)]
            chars += len(text)
            f.write(json.dumps({"id": f"polnear-{n:06d}", "text": text}) + "\n")
    return chars / count


def judge_calls(out: Path) -> int:
    """The calls ``--judge model`` would make for these records: one per 12 claims (its
    MAX_CLAIMS_PER_CALL), an article with none asking nothing."""
    total = 0
    with out.open(encoding="utf-8") as f:
        for line in f:
            claims = len(json.loads(line).get("claims", []))
            total += math.ceil(claims / MAX_CLAIMS_PER_CALL)
    return total


def run(
    source: Path, out: Path, engine: str, workers: int, env: dict[str, str]
) -> tuple[float, float]:
    """Wall and CPU seconds of one `stance extract --reader rules` process (its worker
    processes and Ray's included, as far as they are reaped); fails loudly."""
    stance = str(Path(sys.executable).with_name("stance"))
    command = [stance, "extract", str(source), "--reader", "rules", "-o", str(out)]
    command += ["--workers", str(workers), "--no-store"]
    if engine == "ray":
        command += ["--engine", "ray"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    print(f"  {engine} x{workers}: {done.stderr.strip().splitlines()[-1]}", flush=True)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--engines", default="pool,ray")
    parser.add_argument("--rpm", type=float, default=10_000)
    opts = parser.parse_args()
    counts = [int(w) for w in opts.workers.split(",")]
    engines = opts.engines.split(",")
    env = {**os.environ, "RAY_AUTH_MODE": os.environ.get("RAY_AUTH_MODE", "disabled")}
    walls: dict[tuple[str, int], float] = {}
    cpus: dict[tuple[str, int], float] = {}
    startup: dict[str, float] = {}
    calls: int | None = None
    with tempfile.TemporaryDirectory(prefix="scale-rules-") as tmp:
        folder = Path(tmp)
        source, one = folder / "articles.jsonl", folder / "one.jsonl"
        mean_chars = write_articles(opts.root, opts.articles, source)
        write_articles(opts.root, 1, one)
        print(
            f"{opts.articles} PolNeAR train articles (mean {mean_chars:,.0f} characters), "
            f"rules reader, {os.cpu_count()} cores (shared with other work)",
            flush=True,
        )
        for engine in engines:
            startup[engine] = run(one, folder / f"one-{engine}.jsonl", engine, 1, env)[0]
            for workers in counts:
                out = folder / f"{engine}-{workers}.jsonl"
                walls[engine, workers], cpus[engine, workers] = run(
                    source, out, engine, workers, env
                )
                if calls is None:  # every run writes the same records: count once
                    calls = judge_calls(out)
    print(
        f"\n{'engine':8} {'workers':>7} {'wall s':>8} {'start-up s':>10} {'art/s':>7} "
        f"{'x1':>6} {'CPU s':>8} {'cores used':>10}"
    )
    rate: dict[tuple[str, int], float] = {}
    for (engine, workers), wall in walls.items():
        work = max(wall - startup[engine], 1e-9)
        rate[engine, workers] = opts.articles / work
        base = rate.get((engine, counts[0]))
        scale = rate[engine, workers] / base if base else 1.0
        # Ray's workers are children of its raylet, not of stance: their CPU is not counted
        cpu = f"{cpus[engine, workers]:>8.1f} {cpus[engine, workers] / wall:>10.2f}"
        print(
            f"{engine:8} {workers:>7} {wall:>8.1f} {startup[engine]:>10.1f} "
            f"{rate[engine, workers]:>7.2f} {scale:>6.2f} "
            + (cpu if engine == "pool" else f"{'-':>8} {'-':>10}")
        )
    if "ray" in engines and "pool" in engines:
        for workers in counts:
            extra = (1 / rate["ray", workers] - 1 / rate["pool", workers]) * 1000
            print(f"Ray's overhead per article over the pool, {workers} worker(s): {extra:.1f} ms")
    # CPU seconds per article, not wall: on a shared machine the wall depends on the others.
    # Only the pool's CPU is all counted; the projection assumes it scales with the cores.
    counted = {key: cpu for key, cpu in cpus.items() if key[0] == "pool"}
    if not counted:
        return
    (engine, workers), cpu = min(counted.items(), key=lambda item: item[1])
    per_core = opts.articles / cpu
    print(
        f"\nProjection from {engine} x{workers}'s CPU time ({cpu / opts.articles * 1000:.0f} "
        f"ms an article, {per_core:.2f} articles/s per busy core, linear in the cores):"
    )
    for cores in (2, 16, 64, 256):
        hours = 1e6 / (per_core * cores) / 3600
        print(f"  1M articles, rules mode, {cores} cores: {hours:,.1f} h")
    per_article = (calls or 0) / opts.articles
    model_hours = 1e6 * per_article / opts.rpm / 60
    print(
        f"  1M articles, --judge model, remote model at {opts.rpm:,.0f} requests/min "
        f"({per_article:.2f} calls an article, one per {MAX_CLAIMS_PER_CALL} claims found): "
        f"{model_hours:,.1f} h, "
        "if the cores keep up with the stages above; the default reader asks no model"
    )


if __name__ == "__main__":
    main()
