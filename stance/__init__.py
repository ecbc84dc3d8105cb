"""stance: grounded per-actor claims, stances and denials from news articles.

>>> from stance import extract
>>> result = extract(text)            # the embedded local model by default
>>> for view in result.by_actor(): ...
>>> report = evaluate_dataset("evals/gold", offline=True)   # scored against hand labels
>>> report.metrics["claim_f1"]                               # value with its 95% interval
"""

from .api import extract, make_extractor
from .errors import (
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
from .eval_run import evaluate_dataset
from .evaluate import score_dataset
from .gold import GoldArticle, load_gold_dir
from .pipeline import Extractor
from .report import EvalReport
from .schema import (
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

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "ActorKind",
    "AlignmentStatus",
    "Article",
    "Attribution",
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
    "evaluate_dataset",
    "extract",
    "load_gold_dir",
    "make_extractor",
    "score_dataset",
]
