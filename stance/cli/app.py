"""The ``stance`` command: a thin layer over the Python API, one module per command group.

Exit codes: 0 all articles extracted, 1 some failed (or unreadable records), 2 bad usage
or configuration. Data goes to stdout, summaries and errors to stderr.
Tests pass an ``httpx.Client`` as ``obj={"http_client": ...}`` instead of patching.
"""

from __future__ import annotations

import typer

from stance.cli.agree_command import agree_command
from stance.cli.batch_commands import register_batch_commands
from stance.cli.eval_commands import register_eval_commands
from stance.cli.export_command import export_command
from stance.cli.extract_command import EXTRACT_HELP, extract_command
from stance.cli.info_commands import models_app, prompts_command, schema_command
from stance.cli.label_command import label_command
from stance.cli.power_command import power_command
from stance.cli.runs_commands import runs_app
from stance.cli.show_command import show_command
from stance.cli.train_command import train_command

__all__ = ["app", "main"]

app = typer.Typer(
    name="stance",
    help="Grounded per-actor claims, stances and denials from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold an API key
)
app.add_typer(models_app, name="models")
app.add_typer(runs_app, name="runs")
register_eval_commands(app)
register_batch_commands(app)
app.command("extract", help=EXTRACT_HELP)(extract_command)
app.command("show")(show_command)
app.command("power")(power_command)
app.command("export")(export_command)
app.command("schema")(schema_command)
app.command("prompts")(prompts_command)
app.command("label")(label_command)
app.command("agree")(agree_command)
app.command("train")(train_command)


def main() -> None:
    """Console-script entry point."""
    app()
