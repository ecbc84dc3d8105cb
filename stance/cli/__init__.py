"""The ``stance`` command line: one module per command group, over the packages below.

May import every other package of stance (it sits on top); nothing imports it. Heavy
imports (the model SDKs, numpy, matplotlib) happen inside commands, so ``stance --help``
stays fast. ``stance.cli:main`` is the console-script entry point.
"""

from stance.cli.app import app, main

__all__ = ["app", "main"]
