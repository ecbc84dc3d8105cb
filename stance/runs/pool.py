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
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, Protocol, runtime_checkable

from stance.errors import ConfigError
from stance.reading.extractor import Extractor
from stance.runs.inputs import InputFailure
from stance.runs.records import extract_record, input_error, warm
from stance.schema import Article, ErrorRecord, OutputRecord

__all__ = ["SharedLimits", "run_in_processes"]

_POLL_S = 0.5  # the longest the parent waits before it looks again


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
    """One worker process and its two channels. Tasks go down a queue of the worker's own
    (only the parent writes it); records come back up a pipe of its own, written under a
    lock that lives in the worker. A shared results queue would be guarded by one lock
    across processes: a worker killed while holding it leaves every other worker blocked
    on it for ever, and the batch hangs (seen in CI)."""

    process: BaseProcess
    tasks: Queue[tuple[int, Article] | None]
    results: Connection
    held: dict[int, Article] = field(default_factory=dict)
    ready: bool = False
    gone: bool = False  # exited and accounted for: no longer waited on


class _Pool:
    """The parent's side: which worker holds which article, and what came back."""

    def __init__(self, recipe: Callable[[], Extractor], workers: int, threads: int) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.recipe = recipe
        self.threads = threads
        self.size = workers
        self.workers: list[_Worker] = []
        self.fatal: ConfigError | None = None
        self.stats = PoolStats()
        self.seq = 0

    def start(self) -> _Worker:
        tasks: Queue[tuple[int, Article] | None] = self.context.Queue()
        receive, send = self.context.Pipe(duplex=False)
        process = self.context.Process(
            target=_worker_main,
            args=(self.recipe, self.threads, tasks, send),
            name="stance-worker",
            daemon=True,
        )
        process.start()
        send.close()  # the worker holds the only writing end: its death ends the pipe
        return _Worker(process, tasks, receive)

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
            self.listen(emit, timeout=_POLL_S)

    def free_worker(self) -> _Worker | None:
        """The least busy worker with a free thread; workers start when first needed."""
        if len(self.workers) < self.size and all(w.held for w in self.workers):
            self.workers.append(self.start())
        best = min(self.workers, key=lambda w: len(w.held))
        return best if len(best.held) < self.threads else None

    def listen(self, emit: Callable[[OutputRecord], None], timeout: float) -> None:
        """Wait up to ``timeout`` for a record or a worker's exit, and take what came."""
        live = [w for w in self.workers if not w.gone]
        ready = set(wait([w.results for w in live] + [w.process.sentinel for w in live], timeout))
        for worker in live:
            if worker.results in ready and not self.read(worker, emit):
                self.bury(worker, emit)
            elif worker.process.sentinel in ready:
                self.read(worker, emit)
                self.bury(worker, emit)

    def read(self, worker: _Worker, emit: Callable[[OutputRecord], None]) -> bool:
        """Every message waiting on the worker's pipe; False once the pipe has ended (the
        worker exited, or died part way through a message)."""
        try:
            while worker.results.poll():
                self.receive(worker, worker.results.recv(), emit)
        except (EOFError, OSError):
            return False
        return True

    def receive(
        self, worker: _Worker, message: tuple[Any, ...], emit: Callable[[OutputRecord], None]
    ) -> None:
        kind = message[0]
        if kind == "ready":
            worker.ready = True
        elif kind == "done":
            if worker.held.pop(message[1], None) is not None:
                emit(message[2])
        elif kind == "fatal":  # (fatal, seq or None, message)
            if message[1] is not None:
                worker.held.pop(message[1], None)
            else:  # the worker could not start: nothing it held will be done
                worker.held.clear()
            self.fatal = self.fatal or ConfigError(message[2])
        elif kind == "stats":
            self.stats.rate_limit_wait_s += message[1]

    def bury(self, worker: _Worker, emit: Callable[[OutputRecord], None]) -> None:
        """A worker that died takes no record with it: its articles become error records
        (``--resume`` retries them) and a new worker takes its slot, unless the batch is
        stopping on a fatal error."""
        worker.process.join(timeout=5)
        worker.gone = True
        worker.tasks.cancel_join_thread()  # what it was sent is lost with it: never wait on it
        code = worker.process.exitcode
        held = list(worker.held.values())
        worker.held.clear()
        for article in held:
            emit(_died(article, code))
        if self.fatal is not None:
            return
        if not worker.ready:  # it died before its extractor was built: so would the next
            msg = f"a worker process exited with code {code} before it was ready"
            self.fatal = ConfigError(msg)
            return
        self.stats.restarted += 1
        self.workers[self.workers.index(worker)] = self.start()

    def stop(self, grace_s: float) -> None:
        """Ask every worker to finish and collect its stats; end any still running after
        ``grace_s``. Records are read while waiting: a worker cannot exit while its pipe
        is full."""
        for worker in self.workers:
            for _ in range(self.threads):  # one stop for each of its threads
                with contextlib.suppress(Exception):
                    worker.tasks.put(None)
        deadline = time.monotonic() + grace_s
        while any(not w.gone for w in self.workers) and time.monotonic() < deadline:
            for worker in [w for w in self.workers if not w.gone]:
                if not self.read(worker, _discard) or not worker.process.is_alive():
                    worker.process.join(timeout=5)
                    worker.gone = not worker.process.is_alive()
            wait([w.process.sentinel for w in self.workers if not w.gone], 0.1)
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
            worker.process.join(timeout=5)
            worker.tasks.cancel_join_thread()
            worker.tasks.close()
            worker.results.close()


def _discard(record: OutputRecord) -> None:
    """Records that arrive after the batch stopped have no writer: a fatal error or Ctrl-C
    ended it, and ``--resume`` redoes their articles."""


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
    recipe: Callable[[], Extractor],
    threads: int,
    tasks: Queue[tuple[int, Article] | None],
    results: Connection,
) -> None:
    """A worker process: one extractor, ``threads`` threads taking articles in turn.

    Ctrl-C reaches the whole process group; the parent decides what it means, so the
    worker ignores it and is stopped by the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sending = threading.Lock()  # dies with this process, unlike a lock shared across them

    def send(*message: Any) -> None:
        with sending:
            results.send(message)

    try:
        extractor = recipe()
        warm(extractor)  # spaCy once per worker, before its threads start
    except Exception as exc:
        send("fatal", None, f"a worker could not start: {exc}")
        return
    send("ready")
    if extractor.client.serial:  # the local model answers one call at a time
        threads = 1

    def loop() -> None:
        while True:
            task = tasks.get()
            if task is None:  # the parent sends one stop for each thread
                return
            seq, article = task
            try:
                record = extract_record(extractor, article)
            except ConfigError as exc:
                send("fatal", seq, str(exc))
                continue
            send("done", seq, record)

    running = [threading.Thread(target=loop, daemon=True) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    waited = recipe.rate_limit_wait_s() if isinstance(recipe, SharedLimits) else 0.0
    send("stats", waited)
