"""``stance train``: rebuild the learned judge's heads from the training split.

Reads only ``train`` in ``GOLD/splits.json``; writes the four heads and ``heads.json`` (the
card: data hash, version, cross-validated figures). ``make train`` runs it into the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stance.cli.support import reported

__all__ = ["train_command"]


def train_command(
    gold: Annotated[Path, typer.Option(help="The gold root with splits.json")] = Path("evals/gold"),
    out: Annotated[
        Path | None, typer.Option(help="Where to write the heads (default: the package's)")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse the articles")] = 2,
) -> None:
    """Fit the judge's heads (type, link, polarity, target) on the train split."""
    with reported():
        try:
            from stance.training.train import train
        except ImportError as exc:  # scikit-learn is the [train] extra
            from stance.errors import ConfigError

            raise ConfigError(f"stance train needs the [train] extra: {exc}") from exc
        from stance.reading.judge.learned import HEADS_DIR

        card = train(gold, out or HEADS_DIR, workers)
    cv = card["cross_validation"]
    typer.echo(f"heads {card['version']} from {card['articles']} articles ({card['data_hash']})")
    for name in ("type", "polarity"):
        c = cv[name]
        typer.echo(
            f"  {name:8} {c['examples']:5} examples  cv accuracy {c['cv_accuracy']:.3f} "
            f"(majority {c['majority_baseline']:.3f}, C={c['C']})"
        )
    for name in ("link", "target"):
        c = cv[name]
        typer.echo(
            f"  {name:8} {c['groups']:5} groups    cv pick accuracy {c['cv_pick_accuracy']:.3f} "
            f"(C={c['C']}, threshold {c['threshold']})"
        )
