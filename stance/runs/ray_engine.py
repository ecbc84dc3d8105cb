"""``stance extract --engine ray``: the batch on Ray Data, on this machine or a cluster.

Where one machine is not enough, the work should run on an engine people already operate,
not on a home-made one. The job is a Ray Data pipeline:

1. the input files are listed here and each is read in a Ray task (``iter_articles`` on
   that file alone: the same checks, the same error records for bad rows or lines);
2. ``map_batches`` runs the reader in a pool of actors, one extractor (one spaCy, one
   reader, one model client) per actor, each overlapping its model calls on threads;
3. the records stream back here and are written as they arrive: to one JSONL file (the
   plain runner's ``OutputFile``, byte for byte the same kind of lines) or as partitions
   (``partitions``), with the progress bar and summary of the plain runner.

Resuming skips every id already written (the skip happens in the read tasks). Ray retries
an actor that dies, so a killed worker loses nothing; if the whole job dies, ``--resume``
finishes it. The model is whatever the recipe names: the embedded model once per actor
where memory allows, else a remote OpenAI-compatible endpoint such as vLLM.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import ConfigError
from stance.reading.extractor import Extractor
from stance.runs.inputs import Columns, InputFailure, input_files, iter_articles
from stance.runs.output import OutputFile
from stance.runs.partitions import PartitionDir
from stance.runs.pool import SharedLimits
from stance.runs.records import extract_record, input_error, warm
from stance.runs.runner import progress_bar
from stance.runs.summary import BatchSummary
from stance.runs.text_decoding import DEFAULT_ENCODING, DEFAULT_MAX_CHARS, TextRules
from stance.schema import Article, OutputRecord, parse_record

__all__ = ["RayOptions", "run_on_ray"]

_ENV_PREFIXES = ("STANCE_", "OPENAI_")  # what actors on other machines need of ours
_LOCAL_STORE_BYTES = 256 * 1024 * 1024  # articles and records are small: keep RAM for spaCy
_BLOCK_BYTES = 64 * 1024  # about a dozen news articles


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide: ``address`` None starts a Ray on this machine; ``workers`` None
    uses one actor per CPU of the cluster; ``concurrency`` articles in flight in all,
    shared among the actors."""

    address: str | None = None
    workers: int | None = None
    partition_format: str = "jsonl"
    batch_size: int = 8
    concurrency: int = 4
    partition_rows: int = 1000  # a partition is written at this many records
    partition_s: float = 30.0  # or when its first record is this old


def run_on_ray(
    inputs: Sequence[str],
    recipe: Callable[[], Extractor],
    *,
    output: Path | None,
    resume: bool,
    options: RayOptions,
    on_record: Callable[[OutputRecord], None] | None = None,
    progress: bool = False,
    encoding: str = DEFAULT_ENCODING,
    max_chars: int = DEFAULT_MAX_CHARS,
    columns: Columns | None = None,
) -> BatchSummary:
    """Extract every article of ``inputs`` on Ray; the plain runner's contract otherwise.

    ``output`` ending in ``.jsonl`` is one file; any other path is a partition directory.
    """
    started = time.perf_counter()
    TextRules.make(encoding, max_chars)  # a bad option stops the run before Ray starts
    if resume and output is None:
        raise ConfigError("--resume needs the output to resume (-o PATH)")
    if options.workers is not None and options.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {options.workers}")
    sink: OutputFile | PartitionDir | None = None
    if output is not None:
        sink = (
            OutputFile(output, resume=resume, inputs=inputs)
            if output.suffix.lower() == ".jsonl"
            else PartitionDir(output, fmt=options.partition_format, resume=resume, inputs=inputs)
        )
        if sink.runs:
            extractor = recipe()
            sink.check_same_run(extractor.client.model_id, extractor.prompt.sha256)
    job = _Job(sink, on_record, BatchSummary(output=output))
    try:
        if sink is not None:
            sink.open()
        with progress_bar(None) if progress else nullcontext() as advance:
            job.advance = advance
            files = []
            for item in input_files(inputs):
                if isinstance(item, InputFailure):
                    job.emit([input_error(item)])
                else:
                    files.append(item)
            if files:
                read = _ReadOptions(encoding, max_chars, columns or Columns())
                job.run(files, recipe, options, read)
    finally:
        job.flush()  # what finished before a Ctrl-C or a failure is kept
        if sink is not None:
            sink.close()
        job.summary.wall_s = round(time.perf_counter() - started, 2)
    return job.summary


@dataclass(frozen=True)
class _ReadOptions:
    encoding: str
    max_chars: int
    columns: Columns


class _Job:
    """The driver's side: write each record once, count it, show it."""

    def __init__(
        self,
        sink: OutputFile | PartitionDir | None,
        on_record: Callable[[OutputRecord], None] | None,
        summary: BatchSummary,
    ) -> None:
        self.sink = sink
        self.on_record = on_record
        self.summary = summary
        self.advance: Callable[[BatchSummary], None] | None = None
        self.seen: dict[str, str] = {}
        self.held: list[tuple[str, str, str]] = []  # records of the next partition
        self.held_since = 0.0
        self.partition_rows = RayOptions.partition_rows
        self.partition_s = RayOptions.partition_s

    def run(
        self,
        files: list[str],
        recipe: Callable[[], Extractor],
        options: RayOptions,
        read: _ReadOptions,
    ) -> None:
        ray = _import_ray()
        _init_ray(ray, options.address)
        self.partition_rows, self.partition_s = options.partition_rows, options.partition_s
        try:
            done = self.sink.done if self.sink is not None else set()
            workers = options.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            if isinstance(recipe, SharedLimits):
                recipe = recipe.for_workers(workers)
            threads = max(1, -(-options.concurrency // workers))  # --concurrency in all
            dataset = ray.data.from_items(
                [{"path": f} for f in files], override_num_blocks=min(len(files), 1000)
            )
            rows = dataset.flat_map(
                _file_rows,
                fn_kwargs={"done": ray.put(frozenset(done)), "read": read},
                num_cpus=0,  # reading is I/O: every CPU is left to the actors
                concurrency=min(len(files), workers),
            )
            records = rows.map_batches(
                _Reader,
                fn_constructor_args=(recipe, threads),
                batch_size=options.batch_size,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=workers),
                num_cpus=1,  # Ray Data restarts a killed actor and retries its batch
            )
            for batch in records.iter_batches(batch_size=None, batch_format="pyarrow"):
                self.take(batch.to_pylist())
            self.flush()
        except ConfigError:
            raise
        except ray.exceptions.RayError as exc:
            raise ConfigError(f"the Ray job failed: {_first_line(exc)}") from exc
        finally:
            ray.shutdown()

    def take(self, rows: list[dict[str, Any]]) -> None:
        records: list[OutputRecord] = []
        fatal = None
        for row in rows:
            if row["kind"] == "skipped":
                self.summary.skipped_resumed += 1
                self.summary.articles += 1
            elif row["kind"] == "fatal":
                fatal = fatal or row["json"]
            else:
                records.append(self.unique(parse_record(row["json"])))
        self.emit(records)
        if fatal is not None:  # the same for every article: stop, keeping what is done
            self.flush()
            where = self.sink.path if self.sink is not None else None
            more = f"; finished articles are in {where}, rerun with --resume" if where else ""
            raise ConfigError(f"{fatal}; the batch stopped{more}")

    def flush(self) -> None:
        """Write the records held as one partition (whole, or not at all after a kill)."""
        if isinstance(self.sink, PartitionDir) and self.held:
            self.sink.write(self.held)
            self.held = []

    def unique(self, record: OutputRecord) -> OutputRecord:
        """Ids are unique within a run, across files too: a later one is an input error."""
        first = self.seen.get(record.article_id)
        where = record.source or "?"
        if first is None:
            self.seen[record.article_id] = where
            return record
        msg = f"{where}: duplicate id {record.article_id!r} (first seen in {first})"
        return input_error(InputFailure(f"{where}#{record.article_id}", where, msg))

    def emit(self, records: list[OutputRecord]) -> None:
        if isinstance(self.sink, OutputFile):
            for record in records:
                self.sink.append(record)
        elif isinstance(self.sink, PartitionDir):
            if not self.held:
                self.held_since = time.monotonic()
            self.held += [(r.article_id, str(r.record), r.model_dump_json()) for r in records]
            old = time.monotonic() - self.held_since >= self.partition_s
            if len(self.held) >= self.partition_rows or old:
                self.flush()
        for record in records:
            self.summary.add(record)
            if self.advance is not None:
                self.advance(self.summary)
            if self.on_record is not None:
                self.on_record(record)


def _file_rows(row: dict[str, Any], done: Any, read: _ReadOptions) -> Iterator[dict[str, str]]:
    """In a Ray task: one input file's articles (or failures), ids already done skipped."""
    import ray

    skip: frozenset[str] = ray.get(done) if not isinstance(done, frozenset) else done
    items = iter_articles(
        [row["path"]], encoding=read.encoding, max_chars=read.max_chars, columns=read.columns
    )
    for item in items:
        if isinstance(item, InputFailure):
            failure = dataclasses.asdict(item)
            yield {"kind": "failure", "json": json.dumps(failure)}
        elif item.id in skip:
            yield {"kind": "skipped", "json": json.dumps({"article_id": item.id})}
        else:
            yield {"kind": "article", "json": item.model_dump_json()}


class _Reader:
    """A Ray actor: one extractor, built once; a batch's articles overlap on threads."""

    def __init__(self, recipe: Callable[[], Extractor], threads: int) -> None:
        self.extractor = recipe()
        warm(self.extractor)  # spaCy once per actor, before its threads start
        serial = self.extractor.client.serial
        self.threads = ThreadPoolExecutor(1 if serial else threads, thread_name_prefix="stance")

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        out = list(self.threads.map(self.one, batch.to_pylist()))
        return pa.table({name: [row[name] for row in out] for name in ("kind", "json")})

    def one(self, row: dict[str, str]) -> dict[str, str]:
        if row["kind"] == "skipped":
            return row
        record: OutputRecord
        if row["kind"] == "failure":
            record = input_error(InputFailure(**json.loads(row["json"])))
        else:
            article = Article.model_validate_json(row["json"])
            try:
                record = extract_record(self.extractor, article)
            except ConfigError as exc:
                return {"kind": "fatal", "json": str(exc)}
        return {"kind": "record", "json": record.model_dump_json()}


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'stance[ray]'") from None
    return ray


def _init_ray(ray: Any, address: str | None) -> None:
    """Join the cluster at ``address`` (``auto``: the one ``ray start`` made here), or start
    a Ray for this machine that ends with the run. Our STANCE_* and OPENAI_* variables go to
    every actor: on other machines they are not in the environment."""
    env = {k: v for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES)}
    kwargs: dict[str, Any] = {
        "runtime_env": {"env_vars": env},
        "log_to_driver": False,
        "logging_level": logging.ERROR,
        "configure_logging": True,
    }
    if address is None:
        kwargs.update(include_dashboard=False, object_store_memory=_LOCAL_STORE_BYTES)
    try:
        ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a local Ray"
        raise ConfigError(f"cannot start or join {where}: {_first_line(exc)}") from exc
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # ours shows articles, claims and failures
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    # One input file would be one block, read by one actor; small blocks share a big file
    # among the actors as it is read (Ray's repartition would need a CPU the actors hold).
    context.target_max_block_size = _BLOCK_BYTES


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
