"""``stance extract``: articles in, grounded records out (tables, JSONL, or a file).

Exit codes: 0 all articles extracted, 1 some failed (or unreadable paragraphs), 2 bad usage
or configuration, 130 interrupted. The API key is read only from OPENAI_API_KEY, never from
a flag that would land in shell history. ``--workers`` and ``--engine ray`` send the
extractor as a recipe (``stance.api.ExtractorRecipe``) that each process or actor builds.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from stance.cli.run_refs import keep_batch
from stance.cli.support import (
    JudgeOption,
    ReaderOption,
    fail,
    injected,
    prompt_for,
    readers_help,
    reported,
)
from stance.runs.text_decoding import DEFAULT_ENCODING, DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    from stance.runs.summary import BatchSummary

__all__ = ["EXTRACT_HELP", "extract_command"]


def extract_command(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt .md .json .jsonl .parquet .arrow .feather .html), directories, "
            "or - for stdin"
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write JSONL records to this file (--engine ray: any other path is a "
            "directory of partitions)",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="local, local:/path.gguf or openai:NAME (default: $STANCE_MODEL, else local)"
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp)")
    ] = None,
    prompt: Annotated[
        str | None,
        typer.Option(
            help="Prompt name in prompts/ or a .yaml path (default: see `stance prompts`)"
        ),
    ] = None,
    reader: ReaderOption = None,
    judge: JudgeOption = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Articles in flight at once")] = 4,
    rpm: Annotated[
        float | None, typer.Option(min=0.01, help="Client-side limit: requests per minute")
    ] = None,
    tpm: Annotated[
        float | None, typer.Option(min=1, help="Client-side limit: tokens per minute")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Skip articles already in the output; retry failed ones")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the response cache")
    ] = False,
    cache: Annotated[Path | None, typer.Option(help="Response cache file")] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per model request")] = 300.0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Without -o: JSONL on stdout instead of tables")
    ] = False,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Longest article accepted, in characters")
    ] = DEFAULT_MAX_CHARS,
    encoding: Annotated[
        str, typer.Option(help="Encoding of input files and stdin, e.g. latin-1 or cp1252")
    ] = DEFAULT_ENCODING,
    store_run: Annotated[
        bool, typer.Option("--store/--no-store", help="Keep the batch summary in the run store")
    ] = True,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes (or Ray actors) for the CPU stages (parse, rules); "
            "default 1, under Ray the cluster's CPUs",
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option(help="local (threads, or --workers processes) or ray (Ray Data)")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="With --engine ray: the cluster (auto, or HOST:PORT); default: local"),
    ] = None,
    partition_format: Annotated[
        str, typer.Option(help="With --engine ray and -o DIR: jsonl or parquet partitions")
    ] = "jsonl",
    text_column: Annotated[
        str, typer.Option(help="Column of parquet/Arrow inputs holding the article text")
    ] = "text",
    id_column: Annotated[
        str | None,
        typer.Option(help="Column of parquet/Arrow inputs holding the id (default: id if any)"),
    ] = None,
) -> None:
    """Extract per-actor claims from articles.

    Exit status: 0 when every article was fully extracted; 1 when an article failed or a
    paragraph could not be read (both are recorded); 2 for bad usage or configuration;
    130 when interrupted (finished records are kept; rerun with --resume).
    """
    from rich.console import Console

    from stance.api import ClientOptions, ExtractorRecipe, build_extractor
    from stance.llm.ratelimit import RateLimiter
    from stance.llm.response_cache import ResponseCache, default_cache_path
    from stance.reading.ask.prompts import default_prompt
    from stance.runs.inputs import Columns
    from stance.runs.runner import run_batch
    from stance.schema import OutputRecord
    from stance.views.terminal import render_record

    http_client = injected(ctx).get("http_client")
    stdout = Console(highlight=False)

    def print_record(record: OutputRecord) -> None:
        if as_json:
            typer.echo(record.model_dump_json())
        else:
            render_record(record, stdout)

    columns = Columns(text=text_column, id=id_column)
    if engine not in ("local", "ray"):
        fail(f"--engine must be local or ray, not {engine!r}", 2)
    if engine != "ray" and (address is not None or partition_format != "jsonl"):
        fail("--address and --partition-format are for --engine ray", 2)
    if partition_format != "jsonl" and (output is None or output.suffix.lower() == ".jsonl"):
        fail("--partition-format is for partitions: give -o a directory, not a .jsonl file", 2)
    if engine == "ray" or (workers or 1) > 1:
        with reported():
            # each worker process or actor builds its own extractor from this recipe
            recipe = ExtractorRecipe(
                model,
                base_url=base_url,
                prompt=prompt_for(reader, prompt) or default_prompt(),
                cache=not no_cache,
                cache_path=cache,  # None: each machine's own default cache
                timeout_s=timeout,
                rpm=rpm,
                tpm=tpm,
                judge=judge,
            )
            if engine == "ray":
                from stance.runs.ray_engine import RayOptions, run_on_ray

                ray_options = RayOptions(
                    address=address,
                    workers=workers,
                    partition_format=partition_format,
                    concurrency=concurrency,
                )
                summary = _interruptible(
                    output,
                    lambda: run_on_ray(
                        inputs,
                        recipe,
                        output=output,
                        resume=resume,
                        options=ray_options,
                        encoding=encoding,
                        max_chars=max_chars,
                        columns=columns,
                        on_record=None if output is not None else print_record,
                        progress=sys.stderr.isatty()
                        and (output is not None or not sys.stdout.isatty()),
                    ),
                )
            else:
                summary = _interruptible(
                    output,
                    lambda: run_batch(
                        inputs,
                        recipe,
                        output=output,
                        resume=resume,
                        concurrency=concurrency,
                        encoding=encoding,
                        max_chars=max_chars,
                        columns=columns,
                        workers=workers or 1,
                        on_record=None if output is not None else print_record,
                        progress=sys.stderr.isatty()
                        and (output is not None or not sys.stdout.isatty()),
                    ),
                )
        _finish(summary, inputs, prompt_for(reader, prompt) or default_prompt(), store_run)

    with reported():
        store = None if no_cache else ResponseCache(cache or default_cache_path())
        limiter = RateLimiter(rpm, tpm) if rpm or tpm else None
        options = ClientOptions(timeout_s=timeout, http_client=http_client, limiter=limiter)
        # Cheap: the model is loaded on the first call that misses the cache.
        extractor = build_extractor(
            model,
            base_url=base_url,
            prompt=prompt_for(reader, prompt),
            cache=store,
            options=options,
            judge=judge,
        )
        try:
            summary = run_batch(
                inputs,
                lambda: extractor,
                output=output,
                resume=resume,
                concurrency=concurrency,
                encoding=encoding,
                max_chars=max_chars,
                columns=columns,
                on_record=None if output is not None else print_record,
                # tables on a terminal show progress themselves
                progress=sys.stderr.isatty() and (output is not None or not sys.stdout.isatty()),
            )
        except KeyboardInterrupt:
            where = f"; finished articles are in {output}, rerun with --resume" if output else ""
            fail(f"interrupted{where}", 130)
        finally:
            if store is not None:
                store.close()
    if limiter is not None:
        summary.rate_limit_wait_s = limiter.waited_s
    _finish(summary, inputs, prompt_for(reader, prompt) or default_prompt(), store_run)


def _interruptible(output: Path | None, run: Callable[[], BatchSummary]) -> BatchSummary:
    """Ctrl-C ends the command with 130 and says how to go on."""
    try:
        return run()
    except KeyboardInterrupt:
        where = f"; finished articles are in {output}, rerun with --resume" if output else ""
        fail(f"interrupted{where}", 130)


def _finish(summary: BatchSummary, inputs: list[str], prompt: str, store_run: bool) -> NoReturn:
    """The closing summary, the run store, and the exit code every engine shares."""
    typer.echo(summary.render(), err=True)
    if store_run:
        keep_batch(summary, inputs, prompt)
    raise typer.Exit(1 if summary.incomplete else 0)


# The docstring, then one line per reader (click's \b keeps them as lines).
EXTRACT_HELP = f"{inspect.getdoc(extract_command)}\n\n{readers_help()}"
