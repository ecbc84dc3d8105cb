"""stance: grounded per-actor claims, stances and denials from news articles.

>>> from stance import extract
>>> result = extract(text)            # the embedded local model by default
>>> for view in result.by_actor(): ...
>>> report = evaluate_dataset("evals/gold", offline=True)   # scored against hand labels
>>> report.metrics["claim_f1"]                               # value with its 95% interval
>>> frames("out.jsonl").claims          # a pandas DataFrame per table (the [analysis] extra)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stance.errors import (
    AuthError,
    CacheError,
    ConfigError,
    ExtractionError,
    InputError,
    ModelNotAvailableError,
    PromptError,
    ProviderError,
    ReplayMissError,
    StanceError,
)
from stance.schema import (
    SCHEMA_VERSION,
    Actor,
    ActorKind,
    AlignmentStatus,
    Article,
    Attribution,
    Claim,
    ClaimType,
    ErrorRecord,
    Extraction,
    Polarity,
    Span,
    Stance,
)

if TYPE_CHECKING:
    from stance.analysis.frames import frames
    from stance.api import build_extractor, extract, make_extractor
    from stance.evaluation.dataset_scoring import score_dataset
    from stance.evaluation.evaluate import evaluate_dataset
    from stance.evaluation.gold import GoldArticle, load_gold_dir
    from stance.evaluation.report import EvalReport
    from stance.reading.extractor import Extractor

# Imported on first use: these pull in openai and instructor (seconds of start-up), which
# `stance --help`, `stance show` or a script that only reads records never need.
_LAZY = {
    "build_extractor": "api",
    "extract": "api",
    "make_extractor": "api",
    "evaluate_dataset": "evaluation.evaluate",
    "score_dataset": "evaluation.dataset_scoring",
    "GoldArticle": "evaluation.gold",
    "load_gold_dir": "evaluation.gold",
    "Extractor": "reading.extractor",
    "EvalReport": "evaluation.report",
    "frames": "analysis.frames",  # pandas itself only when called
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "ActorKind",
    "AlignmentStatus",
    "Article",
    "Attribution",
    "AuthError",
    "CacheError",
    "Claim",
    "ClaimType",
    "ConfigError",
    "ErrorRecord",
    "EvalReport",
    "Extraction",
    "ExtractionError",
    "Extractor",
    "GoldArticle",
    "InputError",
    "ModelNotAvailableError",
    "Polarity",
    "PromptError",
    "ProviderError",
    "ReplayMissError",
    "Span",
    "Stance",
    "StanceError",
    "build_extractor",
    "evaluate_dataset",
    "extract",
    "frames",
    "load_gold_dir",
    "make_extractor",
    "score_dataset",
]
