"""Linear heads over named features: small files in the package, read with numpy only.

A head is a logistic regression trained by ``stance train`` (scikit-learn, at training time
only) and saved as gzipped JSON: the classes, the feature names it learned, one weight row
per class and the intercepts, rounded so the file is the same bytes on every rebuild. At
reading time a claim's features are looked up by name and summed: no scikit-learn, no
pickle, nothing that breaks when a library moves.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

__all__ = ["DECIMALS", "LinearHead", "load_head"]

DECIMALS = 5  # weights are rounded so a rebuild writes the same bytes


@dataclass(frozen=True)
class LinearHead:
    """Multinomial (or binary, two classes) logistic regression over named features."""

    name: str
    classes: tuple[str, ...]
    features: tuple[str, ...]
    coef: np.ndarray  # (classes, features); binary heads keep one row, for the second class
    intercept: np.ndarray

    @cached_property
    def index(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.features)}

    def scores(self, feats: Sequence[str]) -> np.ndarray:
        """Probabilities of each class, in ``classes`` order."""
        columns = sorted({self.index[f] for f in feats if f in self.index})
        logits = self.coef[:, columns].sum(axis=1) + self.intercept
        if len(self.classes) == 2 and logits.shape[0] == 1:
            p = 1.0 / (1.0 + np.exp(-logits[0]))
            return np.array([1.0 - p, p])
        z = np.exp(logits - logits.max())
        return np.asarray(z / z.sum())

    def predict(self, feats: Sequence[str]) -> tuple[str, float]:
        """The most probable class and its probability."""
        probs = self.scores(feats)
        best = int(np.argmax(probs))
        return self.classes[best], float(probs[best])

    def to_bytes(self) -> bytes:
        """The file's bytes: deterministic (sorted keys, rounded weights, gzip mtime 0)."""
        body = {
            "name": self.name,
            "classes": list(self.classes),
            "features": list(self.features),
            "coef": np.round(self.coef, DECIMALS).tolist(),
            "intercept": np.round(self.intercept, DECIMALS).tolist(),
        }
        raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return gzip.compress(raw, compresslevel=9, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearHead:
        body = json.loads(gzip.decompress(data))
        return cls(
            name=body["name"],
            classes=tuple(body["classes"]),
            features=tuple(body["features"]),
            coef=np.asarray(body["coef"], dtype=np.float64),
            intercept=np.asarray(body["intercept"], dtype=np.float64),
        )

    def digest(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()


def load_head(path: Path) -> LinearHead:
    """Read one head file written by ``stance train``."""
    return LinearHead.from_bytes(path.read_bytes())
