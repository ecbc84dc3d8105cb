"""A model provider for tests, registered like the real ones.

``fake_model("x", create)`` registers ``create`` (an OpenAI-style ``chat.completions.create``
callable) and returns the spec ``"fake:x"``, which ``build_extractor``, the CLI and the
Python API accept like ``local`` or ``openai:NAME``: tests go through the one factory and
the one registry instead of assembling clients by hand.
"""

from __future__ import annotations

from typing import Any

from openai.types.chat import ChatCompletion

from stance.errors import ConfigError
from stance.llm.client import ChatCreate, StructuredClient
from stance.llm.registry import ClientOptions, ModelChoice, Provider, register_provider
from stance.llm.response_cache import ResponseCache

__all__ = ["completion", "fake_model"]

_CREATES: dict[str, ChatCreate] = {}


def completion(content: str) -> ChatCompletion:
    """An OpenAI chat completion whose answer is ``content``: what a fake ``create`` returns."""
    return ChatCompletion.model_validate(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "x",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
        }
    )


def fake_model(name: str, create: ChatCreate) -> str:
    """Answer ``fake:NAME`` with ``create``; the latest registration of a name wins."""
    _CREATES[name] = create
    return f"fake:{name}"


def _parse(rest: str, base_url: str | None) -> ModelChoice:
    if rest not in _CREATES:
        raise ConfigError(f"no fake model {rest!r} is registered")
    return ModelChoice("fake", rest, base_url=base_url)


def _open(
    choice: ModelChoice, cache: ResponseCache | None, options: ClientOptions
) -> StructuredClient:
    create: Any = _CREATES[choice.name]
    return StructuredClient(
        create,
        model_id=choice.model_id,
        request_model=choice.name,
        cache=cache,
        endpoint=choice.base_url,
        offline=options.offline,
    )


register_provider(Provider("fake", _parse, _open, "a Python callable, for tests"))
