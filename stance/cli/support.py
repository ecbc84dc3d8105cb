"""Helpers shared by the CLI modules: one-line errors with exit codes, the injected obj."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer

from stance.errors import ConfigError, StanceError

__all__ = [
    "READERS",
    "JudgeOption",
    "ReaderOption",
    "fail",
    "injected",
    "prompt_for",
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


# --reader NAME: the prompt file that defines each reader ("model": the default prompt).
READERS = {
    "model": None, "rules": "rules-v1", "pointer": "claims-v5", "questions": "claims-v11",
    "paragraph": "claims-v2",
}  # fmt: skip
ReaderOption = Annotated[
    str | None,
    typer.Option(
        help="rules: candidates found by code, no model; pointer: the model decides "
        "about those candidates in windows; questions: one question per candidate; "
        "paragraph: the model copies claims out of each paragraph; model: the default prompt"
    ),
]


JudgeOption = Annotated[
    str,
    typer.Option(
        help="Who decides claim types, denial links and stances of the candidates code finds: "
        "learned (heads trained on evals/gold/train, no model), model (the endpoint, asked by "
        "pointer in one call per article), rules (the hand rules)"
    ),
]


def prompt_for(reader: str | None, prompt: str | None) -> str | None:
    """The prompt to load for ``--reader`` and ``--prompt`` (at most one of them)."""
    if reader is None:
        return prompt
    if reader not in READERS:
        raise ConfigError(f"--reader must be one of {', '.join(READERS)}, not {reader!r}")
    if prompt is not None:
        raise ConfigError("--reader and --prompt both choose the reader: give one of them")
    return READERS[reader]
