"""Run many articles through one Extractor, writing a JSONL record as each one finishes.

A batch holds thousands of articles and may be killed at any moment, so every record is
appended and fsynced the moment its article is done, a failed article becomes an error
record instead of stopping the run, and ``resume`` picks up where a killed run stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .decoding import DEFAULT_ENCODING, DEFAULT_MAX_CHARS
from .errors import ConfigError, ExtractionError, InputError, ProviderError, StanceError
from .inputs import InputFailure, iter_articles
from .output import OutputFile
from .pipeline import Extractor
from .pricing import cost_usd
from .schema import Article, ErrorRecord, OutputRecord, Usage

# Most specific first: the first class an error is an instance of names its error_type.
_ERROR_TYPES: tuple[tuple[type[StanceError], str], ...] = (
    (ProviderError, "provider"),
    (ExtractionError, "extraction"),
    (InputError, "input"),
    (StanceError, "stance"),
)


@dataclass
class BatchSummary:
    """What a batch did: the numbers behind the closing summary line."""

    articles: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped_resumed: int = 0
    claims: int = 0
    rejected: int = 0
    segment_errors: int = 0
    model_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    live: Usage = field(default_factory=Usage)  # spent by this run (cache hits excluded)
    model: str | None = None
    article_seconds: float = 0.0  # summed per-article latency, for the mean
    slowest_s: float = 0.0
    slowest_id: str | None = None
    rate_limit_wait_s: float = 0.0
    wall_s: float = 0.0
    output: Path | None = None

    @property
    def incomplete(self) -> bool:
        """Something was not extracted: a failed article or an unreadable paragraph."""
        return bool(self.failed or self.segment_errors)

    @property
    def cost_usd(self) -> float | None:
        """What this run's live calls cost, when the model's price is known."""
        return None if self.model is None else cost_usd(self.model, self.live)

    def add(self, record: OutputRecord) -> None:
        self.articles += 1
        if isinstance(record, ErrorRecord):
            self.failed += 1
            return
        self.succeeded += 1
        self.claims += len(record.claims)
        self.rejected += len(record.rejected)
        self.segment_errors += len(record.errors)
        usage = record.provenance.usage
        self.model = record.provenance.model
        self.live = self.live + usage.live
        latency = record.provenance.latency_s or 0.0
        self.article_seconds += latency
        if latency > self.slowest_s:
            self.slowest_s, self.slowest_id = latency, record.article_id
        self.model_calls += usage.calls
        self.cached_calls += usage.cached_calls
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens

    def render(self) -> str:
        """One paragraph for the terminal; failures and missing paragraphs are never hidden."""
        done = f"{self.articles} article{_s(self.articles)}: {self.succeeded} extracted"
        done += f", {self.failed} failed" if self.failed else ""
        done += f", {self.skipped_resumed} already done (resumed)" if self.skipped_resumed else ""
        found = f"{self.claims} claim{_s(self.claims)}"
        found += f", {self.rejected} rejected quote{_s(self.rejected)}" if self.rejected else ""
        if self.segment_errors:
            found += f", {self.segment_errors} unreadable paragraph{_s(self.segment_errors)}"
        calls = f"{self.model_calls} model call{_s(self.model_calls)}"
        calls += f" + {self.cached_calls} from cache" if self.cached_calls else ""
        calls += f" ({self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion tokens)"
        text = f"{done}; {found}; {calls}; {self.wall_s:.1f} s"
        if self.succeeded and self.article_seconds:  # records collected from a batch: none
            mean = self.article_seconds / self.succeeded
            text += f" ({mean:.2f} s per article, slowest {self.slowest_s:.1f} s"
            text += f" for {self.slowest_id})" if self.slowest_id else ")"
        if self.rate_limit_wait_s >= 0.05:
            text += f"; {self.rate_limit_wait_s:.1f} s waited for --rpm/--tpm"
        cost = self.cost_usd
        if self.model is not None and not self.model.startswith("local:"):
            text += (
                "; cost unknown (no price for this model)"
                if cost is None
                else (f"; cost ${cost:.4f}")
            )
        text += "."
        text += f" Records in {self.output}." if self.output is not None else ""
        if self.failed and self.output is not None:
            n = self.failed
            what = (
                "The failure is an error record"
                if n == 1
                else f"The {n} failures are error records"
            )
            text += f" {what}; --resume retries {'it' if n == 1 else 'them'}."
        return text


def _s(n: int) -> str:
    return "" if n == 1 else "s"


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
) -> BatchSummary:
    """Extract every article of ``inputs``; only ConfigError and KeyboardInterrupt stop it.

    ``extractor_factory`` is called once, when the first article needs it (an input list
    of unreadable files never loads a model), or up front when resuming a file whose
    records must come from the same model and prompt.
    """
    started = time.perf_counter()
    if concurrency < 1:
        raise ConfigError(f"--concurrency must be at least 1, got {concurrency}")
    if resume and output is None:
        raise ConfigError("--resume needs the output file to resume (-o PATH)")
    run = _Run(extractor_factory, on_record, BatchSummary(output=output))
    if output is not None:
        run.out = OutputFile(output, resume=resume, inputs=inputs)
        if run.out.runs:  # before the file is touched
            extractor = run.open_extractor()
            run.out.check_same_run(extractor.client.model_id, extractor.prompt.sha256)
    items: Iterable[Article | InputFailure] = run.pending(
        iter_articles(inputs, encoding=encoding, max_chars=max_chars)
    )
    try:
        if run.out is not None:
            run.out.open()
        if progress:
            items = list(items)  # a known total gives the bar its ETA
            with _progress_bar(len(items)) as run.advance:
                asyncio.run(run.drive(items, concurrency))
        else:
            asyncio.run(run.drive(items, concurrency))
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

    def open_extractor(self) -> Extractor:
        if self.extractor is None:
            self.extractor = self.factory()
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
                self.emit(_input_error(item))
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
        if self.fatal is not None:
            if self.out is not None:  # say what survives and how to go on
                raise type(self.fatal)(
                    f"{self.fatal}; the batch stopped: finished articles are in "
                    f"{self.out.path}, rerun with --resume once this is fixed"
                ) from self.fatal
            raise self.fatal

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
        try:
            return extractor.extract(article)
        except ConfigError:
            raise
        except StanceError as exc:
            kind = next(name for cls, name in _ERROR_TYPES if isinstance(exc, cls))
            message = str(exc)
        except Exception as exc:  # a bug must cost one article, not the batch
            where = traceback.extract_tb(exc.__traceback__)[-1]
            at = f"{Path(where.filename).name}:{where.lineno}"
            kind, message = "internal", f"{type(exc).__name__}: {exc} (at {at})"
        return ErrorRecord(
            article_id=article.id,
            source=article.source,
            error_type=kind,
            message=message,
            model=extractor.client.model_id,
            prompt=extractor.prompt.info,
            created_at=datetime.now(timezone.utc),
        )

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


def _input_error(failure: InputFailure) -> ErrorRecord:
    return ErrorRecord(
        article_id=failure.article_id,
        source=failure.source,
        error_type="input",
        message=failure.message,
        created_at=datetime.now(timezone.utc),
    )


@contextlib.contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[BatchSummary], None]]:
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
