"""Run many articles through one Extractor, writing a JSONL record as each one finishes.

A batch holds thousands of articles and may be killed at any moment, so every record is
appended and fsynced the moment its article is done, a failed article becomes an error
record instead of stopping the run, and ``resume`` picks up where a killed run stopped.
Articles run on threads here; ``workers > 1`` hands them to the process pool (``pool``)
with the same output, resume, progress and summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from stance.errors import ConfigError
from stance.reading.extractor import Extractor
from stance.runs.inputs import Columns, InputFailure, iter_articles
from stance.runs.output import OutputFile
from stance.runs.records import extract_record, input_error, warm
from stance.runs.summary import BatchSummary
from stance.runs.text_decoding import DEFAULT_ENCODING, DEFAULT_MAX_CHARS
from stance.schema import Article, OutputRecord

__all__ = ["progress_bar", "run_batch"]


def run_batch(
    inputs: Sequence[str],
    extractor_factory: Callable[[], Extractor],
    *,
    output: Path | None,
    resume: bool,
    concurrency: int,
    on_record: Callable[[OutputRecord], None] | None = None,
    progress: bool = False,
    encoding: str = DEFAULT_ENCODING,
    max_chars: int = DEFAULT_MAX_CHARS,
    columns: Columns | None = None,
    workers: int = 1,
) -> BatchSummary:
    """Extract every article of ``inputs``; only ConfigError and KeyboardInterrupt stop it.

    ``extractor_factory`` is called once, when the first article needs it (an input list
    of unreadable files never loads a model), or up front when resuming a file whose
    records must come from the same model and prompt. With ``workers > 1`` it is pickled
    and called once in each worker process (``pool.run_in_processes``).
    """
    started = time.perf_counter()
    if concurrency < 1:
        raise ConfigError(f"--concurrency must be at least 1, got {concurrency}")
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    if resume and output is None:
        raise ConfigError("--resume needs the output file to resume (-o PATH)")
    run = _Run(extractor_factory, on_record, BatchSummary(output=output))
    if output is not None:
        run.out = OutputFile(output, resume=resume, inputs=inputs)
        if run.out.runs:  # before the file is touched
            extractor = run.open_extractor()
            run.out.check_same_run(extractor.client.model_id, extractor.prompt.sha256)
    items: Iterable[Article | InputFailure] = run.pending(
        iter_articles(inputs, encoding=encoding, max_chars=max_chars, columns=columns)
    )
    try:
        if run.out is not None:
            run.out.open()
        if progress:
            items = list(items)  # a known total gives the bar its ETA
            with progress_bar(len(items)) as run.advance:
                run.start(items, concurrency, workers)
        else:
            run.start(items, concurrency, workers)
    finally:
        run.close()
        run.summary.wall_s = round(time.perf_counter() - started, 2)
    return run.summary


@dataclass
class _Run:
    """State of one batch; every method runs on the event loop thread except _extract."""

    factory: Callable[[], Extractor]
    on_record: Callable[[OutputRecord], None] | None
    summary: BatchSummary
    out: OutputFile | None = None
    advance: Callable[[BatchSummary], None] | None = None
    extractor: Extractor | None = None
    fatal: ConfigError | None = None

    def pending(self, items: Iterator[Article | InputFailure]) -> Iterator[Article | InputFailure]:
        for item in items:
            if isinstance(item, Article) and self.out is not None and item.id in self.out.done:
                self.summary.skipped_resumed += 1
                self.summary.articles += 1
            else:
                yield item

    def start(
        self, items: Iterable[Article | InputFailure], concurrency: int, workers: int
    ) -> None:
        if workers == 1:
            asyncio.run(self.drive(items, concurrency))
            return
        from stance.runs.pool import run_in_processes

        try:
            stats = run_in_processes(
                items, self.factory, workers=workers, concurrency=concurrency, emit=self.emit
            )
        except ConfigError as exc:
            self.fatal = exc
            self.raise_fatal()
        self.summary.rate_limit_wait_s = stats.rate_limit_wait_s

    def raise_fatal(self) -> None:
        if self.fatal is None:
            return
        if self.out is not None:  # say what survives and how to go on
            raise type(self.fatal)(
                f"{self.fatal}; the batch stopped: finished articles are in "
                f"{self.out.path}, rerun with --resume once this is fixed"
            ) from self.fatal
        raise self.fatal

    def open_extractor(self) -> Extractor:
        if self.extractor is None:
            self.extractor = self.factory()
            warm(self.extractor)
        return self.extractor

    async def drive(self, items: Iterable[Article | InputFailure], concurrency: int) -> None:
        # Articles run in worker threads: asyncio's default pool has min(32, cores + 4)
        # of them, which would quietly cap --concurrency at 6 on a two-core machine.
        workers = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="stance")
        asyncio.get_running_loop().set_default_executor(workers)
        tasks: set[asyncio.Task[None]] = set()
        limit: asyncio.Semaphore | None = None
        for item in items:
            if self.fatal is not None:
                break
            if isinstance(item, InputFailure):
                self.emit(input_error(item))
                continue
            if limit is None:
                serial = self.open_extractor().client.serial
                limit = asyncio.Semaphore(1 if serial else concurrency)
            await limit.acquire()
            task = asyncio.create_task(self.extract(item, limit))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)
        self.raise_fatal()

    async def extract(self, article: Article, limit: asyncio.Semaphore) -> None:
        try:
            record = await asyncio.to_thread(self._extract_and_write, article)
        except ConfigError as exc:  # the same for every article: stop the batch
            self.fatal = self.fatal or exc
            return
        finally:
            limit.release()
        self.report(record)

    def _extract_and_write(self, article: Article) -> OutputRecord:
        """In the worker thread: the fsync (about 1 ms) must not stall the event loop,
        which would delay starting the next article."""
        record = self._extract(article)
        if self.out is not None:
            self.out.append(record)
        return record

    def _extract(self, article: Article) -> OutputRecord:
        extractor = self.extractor
        assert extractor is not None
        return extract_record(extractor, article)

    def emit(self, record: OutputRecord) -> None:
        """Write one record the moment it is done, then report it."""
        if self.out is not None:
            self.out.append(record)
        self.report(record)

    def report(self, record: OutputRecord) -> None:
        """Count a written record and show it (on the event loop thread)."""
        self.summary.add(record)
        if self.advance is not None:
            self.advance(self.summary)
        if self.on_record is not None:
            self.on_record(record)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


@contextlib.contextmanager
def progress_bar(total: int | None) -> Iterator[Callable[[BatchSummary], None]]:
    """A rich bar on stderr with ETA, claims so far and failures."""
    from rich import progress as rp
    from rich.console import Console

    columns = (
        rp.TextColumn("extracting"),
        rp.BarColumn(),
        rp.MofNCompleteColumn(),
        rp.TextColumn("{task.fields[claims]} claims, {task.fields[failed]} failed"),
        rp.TextColumn("{task.fields[tokens]} tokens{task.fields[cost]}"),
        rp.TimeElapsedColumn(),
        rp.TextColumn("ETA"),
        rp.TimeRemainingColumn(),
    )
    # stdout is not redirected into the bar: it may carry JSONL records
    with rp.Progress(*columns, console=Console(stderr=True), redirect_stdout=False) as bar:
        task = bar.add_task("extract", total=total, claims=0, failed=0, tokens=0, cost="")

        def advance(summary: BatchSummary) -> None:
            cost = summary.cost_usd
            bar.update(
                task,
                advance=1,
                claims=summary.claims,
                failed=summary.failed,
                tokens=f"{summary.prompt_tokens + summary.completion_tokens:,}",
                cost=f", ${cost:.4f}" if cost else "",
            )

        yield advance
