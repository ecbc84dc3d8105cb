"""The exception tree: every error stance raises on purpose derives from StanceError.

Messages are written for the person at the terminal: they name the input, model or
file involved and, where there is one, the command that fixes it.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "CacheError",
    "ConfigError",
    "ExtractionError",
    "InputError",
    "ModelNotAvailableError",
    "PromptError",
    "ProviderError",
    "ReplayMissError",
    "StanceError",
]


class StanceError(Exception):
    """Base of every error raised on purpose by stance."""


class ConfigError(StanceError):
    """A bad option, model spec, prompt name or environment setting."""


class AuthError(ConfigError):
    """The endpoint refused the API key (401/403): every article would fail the same way."""


class InputError(StanceError):
    """An article that cannot be read or has no usable text."""


class PromptError(ConfigError):
    """A prompt template that is missing or fails its own validation."""


class ModelNotAvailableError(ConfigError):
    """The requested model (GGUF file, chunk packages, backend library) is not installed."""


class ProviderError(StanceError):
    """The model endpoint failed after transport retries were exhausted."""


class ExtractionError(StanceError):
    """The model's output stayed invalid after the bounded re-asks."""


class CacheError(StanceError):
    """The SQLite cache cannot be opened or written."""


class ReplayMissError(StanceError):
    """Offline replay found no recorded response: the prompt, article or model changed."""
