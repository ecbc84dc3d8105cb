"""stance: grounded per-actor claims, stances and denials from news articles.

>>> from stance import extract
>>> result = extract(text)            # the embedded local model by default
>>> for view in result.by_actor(): ...
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
    StanceError,
)
from .pipeline import Extractor
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
    "Extraction",
    "ExtractionError",
    "Extractor",
    "InputError",
    "ModelNotAvailableError",
    "Polarity",
    "PromptError",
    "ProviderError",
    "Span",
    "Stance",
    "StanceError",
    "extract",
    "make_extractor",
]
