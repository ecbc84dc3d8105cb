"""`stance batch prepare | run | collect`: thin shells over stance.batchfile.

Exit codes: 0 everything done, 1 done with failures (unreadable inputs, failed or missing
requests, bad lines: each one reported on stderr), 2 bad usage or configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from stance.cli.support import injected, reported

__all__ = [
    "Format",
    "batch_app",
    "collect_command",
    "prepare_command",
    "register_batch_commands",
    "run_command",
]

batch_app = typer.Typer(
    help="OpenAI Batch API files: prepare requests, run them on a server, collect records.",
    no_args_is_help=True,
)
Format = Literal["json_schema", "llama"]


@batch_app.command("prepare")
def prepare_command(
    inputs: Annotated[
        list[str], typer.Argument(help="Files (.txt .md .json .jsonl), directories, or - for stdin")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Requests file (.jsonl); manifest beside it")
    ],
    model: Annotated[
        str | None, typer.Option(help="local, local:/path.gguf or openai:NAME, as for extract")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Endpoint recorded in provenance (vLLM, llama.cpp)")
    ] = None,
    prompt: Annotated[str | None, typer.Option(help="Prompt name or .yaml path")] = None,
    response_format: Annotated[
        str | None,
        typer.Option(help="json_schema (OpenAI, vLLM) or llama (llama.cpp); default by --model"),
    ] = None,
    max_requests: Annotated[
        int, typer.Option(min=1, help="Requests per file before a .partN.jsonl (OpenAI: 50,000)")
    ] = 50_000,
    force: Annotated[bool, typer.Option(help="Replace an existing requests file")] = False,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Longest article accepted, in characters")
    ] = 2_000_000,
    encoding: Annotated[
        str, typer.Option(help="Encoding of input files and stdin, e.g. latin-1 or cp1252")
    ] = "utf-8",
) -> None:
    """Write OpenAI Batch API requests (one per paragraph) and their manifest."""
    from stance.api import ClientOptions, build_extractor
    from stance.batchfile import prepare_batch
    from stance.errors import ConfigError

    with reported():
        # offline: this client never reaches a model; its requests are captured instead
        extractor = build_extractor(
            model, base_url=base_url, prompt=prompt, options=ClientOptions(offline=True)
        )
        local = extractor.client.model_id.startswith("local:")
        style = response_format or ("llama" if local else "json_schema")
        if style not in ("json_schema", "llama"):
            raise ConfigError(f"--response-format must be json_schema or llama, got {style!r}")
        fmt: Format = "llama" if style == "llama" else "json_schema"
        summary = prepare_batch(
            inputs, extractor, output, response_format=fmt, max_requests=max_requests,
            force=force, on_failure=lambda f: typer.echo(f"stance: {f.message}", err=True),
            encoding=encoding, max_chars=max_chars,
        )  # fmt: skip
    typer.echo(summary.render(), err=True)
    raise typer.Exit(1 if summary.failed_inputs else 0)


@batch_app.command("run")
def run_command(
    ctx: typer.Context,
    requests: Annotated[list[Path], typer.Argument(help="Requests files from batch prepare")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Results file (OpenAI batch output format)")
    ],
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight at once")] = 4,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per request")] = 300.0,
    resume: Annotated[
        bool, typer.Option(help="Keep answered requests of the results file; retry the rest")
    ] = False,
) -> None:
    """Send prepared requests to a server, as `vllm run-batch` does."""
    from stance.batchfile import run_requests

    def problem(message: str) -> None:
        typer.echo(f"stance: {message}", err=True)

    with reported():
        try:
            summary = run_requests(
                requests, output, base_url=base_url, timeout_s=timeout, concurrency=concurrency,
                resume=resume, http_client=injected(ctx).get("http_client"), on_problem=problem,
            )  # fmt: skip
        except KeyboardInterrupt:
            typer.echo(f"stance: interrupted; answers so far are in {output}, rerun with --resume",
                       err=True)  # fmt: skip
            raise typer.Exit(130) from None
    typer.echo(summary.render(), err=True)
    raise typer.Exit(1 if summary.failed or summary.bad_lines else 0)


@batch_app.command("collect")
def collect_command(
    results: Annotated[list[Path], typer.Argument(help="Results files (OpenAI batch output)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Write JSONL records here")],
    manifest: Annotated[
        Path | None,
        typer.Option(help="Manifest from batch prepare (default: found by the batch id)"),
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Keep articles already in the output; redo failed ones")
    ] = False,
) -> None:
    """Turn batch results into grounded extraction records."""
    from stance.batchfile import collect_results

    with reported():
        summary = collect_results(results, output, manifest=manifest, resume=resume)
    for problem in summary.problems:
        typer.echo(f"stance: {problem}", err=True)
    typer.echo(summary.render(), err=True)
    raise typer.Exit(0 if summary.complete else 1)


def register_batch_commands(app: typer.Typer) -> None:
    app.add_typer(batch_app, name="batch")
