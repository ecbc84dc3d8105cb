"""``--judge NAME``: the judge object for a name, built once per extractor."""

from __future__ import annotations

from stance.errors import ConfigError
from stance.reading.base.model_interface import StructuredModel
from stance.reading.judge.protocol import JUDGES, Judge

__all__ = ["make_judge"]


def make_judge(name: str, client: StructuredModel) -> Judge | None:
    """The judge called ``name``; None for ``rules`` (the rules' own decisions stand)."""
    if name == "learned":
        from stance.reading.judge.learned import LearnedJudge

        return LearnedJudge()
    if name == "model":
        from stance.reading.judge.model_judge import ModelJudge

        return ModelJudge(client)
    if name == "rules":
        return None
    raise ConfigError(f"--judge must be one of {', '.join(JUDGES)}, not {name!r}")
