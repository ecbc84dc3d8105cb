"""Helpers shared by the CLI modules: one-line errors with exit codes, the injected obj."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer

from stance.errors import ConfigError, StanceError

__all__ = ["fail", "injected", "reported"]


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
