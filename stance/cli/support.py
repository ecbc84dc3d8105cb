"""Helpers shared by the CLI modules: one-line errors with exit codes, the injected obj."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer

from stance.errors import ConfigError, StanceError

__all__ = [
    "HIDDEN_READERS",
    "READERS",
    "READER_LINES",
    "JudgeOption",
    "ReaderOption",
    "fail",
    "injected",
    "prompt_for",
    "readers_help",
    "reported",
]


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"stance: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """StanceErrors become one line on stderr: 2 for configuration, else 1; no traceback."""
    try:
        yield
    except ConfigError as exc:
        fail(str(exc), 2)
    except StanceError as exc:
        fail(str(exc), 1)


def injected(ctx: typer.Context) -> dict[str, Any]:
    return ctx.obj if isinstance(ctx.obj, dict) else {}


# --reader NAME: the prompt file behind each reader (None: the default prompt, which
# $STANCE_PROMPT may pin). Users choose among these three; `stance extract --help` gives each
# one line.
READERS: dict[str, str | None] = {"default": None, "rules": "rules-v1", "paragraph": "claims-v2"}
READER_LINES = {
    "default": "code finds claims, speakers and spans; a decider judges type, links, stance",
    "rules": "code and hand rules alone, no model and no learned heads: the baseline",
    "paragraph": "the model copies claims out of each paragraph: the old reader, a baseline",
}
# Older names, accepted but not listed, so that scripts and recorded comparisons replay:
# "model" was the default's name, "questions" the default's prompt, "pointer" an earlier
# reader (claims@5) that took the model's decisions by number.
HIDDEN_READERS: dict[str, str | None] = {
    "model": None, "questions": "claims-v11", "pointer": "claims-v5",
}  # fmt: skip
ReaderOption = Annotated[
    str | None,
    typer.Option(
        help="default (when omitted), rules or paragraph: see Readers in `stance extract --help`"
    ),
]


JudgeOption = Annotated[
    str | None,
    typer.Option(
        help="Who decides claim types, denial links and stances of the claims code finds: "
        "learned (heads trained on evals/gold/train, no model; the default), model (the "
        "endpoint picks among numbered claims and phrases, one call per article), rules "
        "(the hand rules; the default of --reader rules)"
    ),
]


def prompt_for(reader: str | None, prompt: str | None) -> str | None:
    """The prompt to load for ``--reader`` and ``--prompt`` (at most one of them)."""
    if reader is None:
        return prompt
    known = {**READERS, **HIDDEN_READERS}
    if reader not in known:
        raise ConfigError(f"--reader must be one of {', '.join(READERS)}, not {reader!r}")
    if prompt is not None:
        raise ConfigError("--reader and --prompt both choose the reader: give one of them")
    return known[reader]


def readers_help() -> str:
    """The readers, one line each, for a command's help (kept as lines by click's \\b)."""
    width = max(map(len, READERS))
    lines = [f"  {name.ljust(width)}  {READER_LINES[name]}" for name in READERS]
    return "\b\nReaders (--reader):\n" + "\n".join(lines)
