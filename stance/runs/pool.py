"""``--workers N``: the CPU stages of a batch in N processes, model calls still overlapping.

The reader parses every article with spaCy and runs rules over the parse: CPU work that
threads share under one GIL. Here each worker is a process of its own (started with
``spawn``, so it is safe whatever threads or libraries the parent holds) that builds one
extractor (spaCy and the reader loaded once) and runs ``concurrency / workers`` threads,
so a worker's model calls still overlap while another worker parses.

The parent stays the only writer: it feeds articles, at most ``concurrency`` in flight
(memory does not grow with the batch), takes records back in the order they finish and
hands each to ``emit``, which appends and fsyncs it as the thread runner does. A worker
that dies (killed, out of memory, a crash in native code) costs only the articles it held:
each becomes an error record that ``--resume`` retries, and a new worker takes its place.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, Protocol, runtime_checkable

from stance.errors import ConfigError
from stance.reading.extractor import Extractor
from stance.runs.inputs import InputFailure
from stance.runs.records import extract_record, input_error, warm
from stance.schema import Article, ErrorRecord, OutputRecord

__all__ = ["SharedLimits", "run_in_processes"]

_POLL_S = 0.5  # how often the parent looks for dead workers while it waits


@runtime_checkable
class SharedLimits(Protocol):
    """A recipe that paces its model calls (``--rpm/--tpm``) and can split its limits.

    Each of N workers gets ``for_workers(N)``, a recipe with 1/N of each limit, so the
    workers together stay within the limits; ``rate_limit_wait_s`` reports, in the worker,
    how long its calls waited, for the summary."""

    def for_workers(self, workers: int) -> Callable[[], Extractor]: ...

    def rate_limit_wait_s(self) -> float: ...


@dataclass
class PoolStats:
    """What the workers report beyond their records."""

    rate_limit_wait_s: float = 0.0
    restarted: int = 0


def run_in_processes(
    items: Iterable[Article | InputFailure],
    recipe: Callable[[], Extractor],
    *,
    workers: int,
    concurrency: int,
    emit: Callable[[OutputRecord], None],
) -> PoolStats:
    """Extract ``items`` in ``workers`` processes; each record goes to ``emit`` (in this
    thread) as it finishes. A ConfigError in any worker stops the batch once the articles
    in flight are done, and is raised here."""
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    try:
        pickle.dumps(recipe)
    except Exception as exc:
        msg = f"--workers needs an extractor recipe that can be pickled: {exc}"
        raise ConfigError(msg) from exc
    if isinstance(recipe, SharedLimits):
        recipe = recipe.for_workers(workers)
    pool = _Pool(recipe, workers, threads=max(1, -(-concurrency // workers)))
    try:
        pool.run(iter(items), emit)
    except BaseException:  # Ctrl-C or a failed write: no worker outlives the batch
        pool.stop(grace_s=0)
        raise
    pool.stop(grace_s=30)
    if pool.fatal is not None:
        raise pool.fatal
    return pool.stats


@dataclass
class _Worker:
    process: BaseProcess
    tasks: Queue[tuple[int, Article] | None]
    held: dict[int, Article] = field(default_factory=dict)
    ready: bool = False


class _Pool:
    """The parent's side: which worker holds which article, and what came back."""

    def __init__(self, recipe: Callable[[], Extractor], workers: int, threads: int) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.recipe = recipe
        self.threads = threads
        self.results: Queue[tuple[Any, ...]] = self.context.Queue()
        self.size = workers
        self.workers: list[_Worker] = []
        self.fatal: ConfigError | None = None
        self.stats = PoolStats()
        self.seq = 0

    def start(self, slot: int) -> _Worker:
        tasks: Queue[tuple[int, Article] | None] = self.context.Queue()
        process = self.context.Process(
            target=_worker_main,
            args=(slot, self.recipe, self.threads, tasks, self.results),
            name=f"stance-worker-{slot}",
            daemon=True,
        )
        process.start()
        return _Worker(process, tasks)

    def run(
        self, items: Iterator[Article | InputFailure], emit: Callable[[OutputRecord], None]
    ) -> None:
        exhausted = False
        while True:
            while not exhausted and self.fatal is None:
                target = self.free_worker()
                if target is None:
                    break
                item = next(items, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, InputFailure):
                    emit(input_error(item))
                else:
                    self.seq += 1
                    target.held[self.seq] = item
                    target.tasks.put((self.seq, item))
            if not any(w.held for w in self.workers):
                if exhausted or self.fatal is not None:
                    return
                continue
            try:
                message = self.results.get(timeout=_POLL_S)
            except queue.Empty:
                self.bury_dead(emit)
                continue
            self.receive(message, emit)

    def free_worker(self) -> _Worker | None:
        """The least busy worker with a free thread; workers start when first needed."""
        if len(self.workers) < self.size and all(w.held for w in self.workers):
            self.workers.append(self.start(len(self.workers)))
        best = min(self.workers, key=lambda w: len(w.held))
        return best if len(best.held) < self.threads else None

    def receive(self, message: tuple[Any, ...], emit: Callable[[OutputRecord], None]) -> None:
        kind, slot = message[0], message[1]
        worker = self.workers[slot]
        if kind == "ready":
            worker.ready = True
        elif kind == "done":
            if worker.held.pop(message[2], None) is not None:
                emit(message[3])
        elif kind == "fatal":  # (fatal, slot, seq or None, message)
            if message[2] is not None:
                worker.held.pop(message[2], None)
            else:  # the worker could not start: nothing it held will be done
                worker.held.clear()
            self.fatal = self.fatal or ConfigError(message[3])
        elif kind == "stats":
            self.stats.rate_limit_wait_s += message[2]

    def bury_dead(self, emit: Callable[[OutputRecord], None]) -> None:
        """A worker that died takes no record with it: its articles become error records
        (``--resume`` retries them) and a new worker takes its place."""
        for slot, worker in enumerate(self.workers):
            if worker.process.is_alive() or not worker.held:
                continue
            self.drain(emit)  # records it sent before dying count
            code = worker.process.exitcode
            for article in worker.held.values():
                emit(_died(article, code))
            worker.held.clear()
            if not worker.ready:  # it died before its extractor was built: so would the next
                self.fatal = self.fatal or ConfigError(
                    f"a worker process exited with code {code} before it was ready"
                )
                continue
            self.stats.restarted += 1
            self.workers[slot] = self.start(slot)

    def drain(self, emit: Callable[[OutputRecord], None]) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self.receive(self.results.get_nowait(), emit)

    def stop(self, grace_s: float) -> None:
        """Ask every worker to finish and collect its stats; end any still running after
        ``grace_s``. Results are read while waiting: a worker cannot exit while its
        queue's pipe is full."""
        for worker in self.workers:
            with contextlib.suppress(Exception):
                worker.tasks.put(None)
        deadline = time.monotonic() + grace_s
        while any(w.process.is_alive() for w in self.workers) and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                message = self.results.get(timeout=0.1)
                if message[0] == "stats":
                    self.stats.rate_limit_wait_s += message[2]
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
            worker.process.join(timeout=5)
        with contextlib.suppress(Exception):
            while True:
                message = self.results.get_nowait()
                if message[0] == "stats":
                    self.stats.rate_limit_wait_s += message[2]
        self.results.close()
        for worker in self.workers:
            worker.tasks.close()


def _died(article: Article, code: int | None) -> ErrorRecord:
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited ({code})"
    return ErrorRecord(
        article_id=article.id,
        source=article.source,
        error_type="internal",
        message=f"the worker process extracting this article {how}; --resume retries it",
        created_at=datetime.now(timezone.utc),
    )


def _worker_main(
    slot: int,
    recipe: Callable[[], Extractor],
    threads: int,
    tasks: Queue[tuple[int, Article] | None],
    results: Queue[tuple[Any, ...]],
) -> None:
    """A worker process: one extractor, ``threads`` threads taking articles in turn.

    Ctrl-C reaches the whole process group; the parent decides what it means, so the
    worker ignores it and is stopped by the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        extractor = recipe()
        warm(extractor)  # spaCy once per worker, before its threads start
    except Exception as exc:
        results.put(("fatal", slot, None, f"a worker could not start: {exc}"))
        return
    results.put(("ready", slot))
    if extractor.client.serial:  # the local model answers one call at a time
        threads = 1

    def loop() -> None:
        while True:
            task = tasks.get()
            if task is None:
                tasks.put(None)  # the next thread stops too
                return
            seq, article = task
            try:
                record = extract_record(extractor, article)
            except ConfigError as exc:
                results.put(("fatal", slot, seq, str(exc)))
                continue
            results.put(("done", slot, seq, record))

    running = [threading.Thread(target=loop, daemon=True) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    waited = recipe.rate_limit_wait_s() if isinstance(recipe, SharedLimits) else 0.0
    results.put(("stats", slot, waited))
