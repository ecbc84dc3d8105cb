"""The one model-call interface: structured output through instructor, behind a cache.

The model call is an injected OpenAI-style ``create`` callable (llama.cpp in-process,
the OpenAI SDK, or a fake in tests). Schema-validation failures are re-asked by
instructor; transport failures are handled below it (see transport.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from stance.errors import ExtractionError, ProviderError, ReplayMissError, StanceError
from stance.llm.response_cache import ResponseCache, cache_key

__all__ = [
    "ANSWER_KEY_VERSION",
    "REASK_TEXT",
    "CallResult",
    "ChatCreate",
    "ResponseFormatStyle",
    "StructuredClient",
    "T",
    "adapt_response_format",
]

# instructor logs every failed attempt at ERROR; with no logging set up Python prints that
# to stderr, raw (an echoed key included). Failures reach the user as records instead.
logging.getLogger("instructor").addHandler(logging.NullHandler())

T = TypeVar("T", bound=BaseModel)
# Part of every cache key. It was the record schema's version (1.0) when responses were first
# recorded; a model's answer depends on the request (messages, response schema, parameters,
# all in the key), not on how records are written, so it stays fixed when records gain fields
# and recorded responses stay valid.
ANSWER_KEY_VERSION = "1.0"
ChatCreate = Callable[..., Any]
ResponseFormatStyle = Literal["json_schema", "llama", "auto"]


def adapt_response_format(create: ChatCreate, style: ResponseFormatStyle) -> ChatCreate:
    """Rewrite instructor's ``json_schema`` response_format for llama.cpp backends.

    llama.cpp (in-process and its server) constrains output only with
    ``{"type": "json_object", "schema": ...}``; its server rejects ``json_schema``.
    ``auto`` starts with the OpenAI form and switches for good on the first 400/422 that
    names response_format (llama-cpp-python's server answers such a request with a 500).
    """
    state = {"style": style}

    def to_llama(kwargs: dict[str, Any]) -> dict[str, Any]:
        fmt = kwargs.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            schema = fmt.get("json_schema", {}).get("schema", {})
            kwargs = {**kwargs, "response_format": {"type": "json_object", "schema": schema}}
        return kwargs

    def adapted(**kwargs: Any) -> Any:
        if state["style"] == "llama":
            return create(**to_llama(kwargs))
        try:
            return create(**kwargs)
        except ProviderError as exc:
            import openai  # a request failed, so the SDK is loaded: a dict lookup

            cause = exc.__cause__
            rejected_format = (
                state["style"] == "auto"
                and isinstance(cause, openai.APIStatusError)
                and cause.status_code in (400, 422, 500)  # llama.cpp server: 500
                and "response_format" in str(cause.message) + str(cause.body)
            )
            if not rejected_format:
                raise
            state["style"] = "llama"
            return create(**to_llama(kwargs))

    return adapted


@dataclass(frozen=True)
class CallResult(Generic[T]):
    value: T
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cached: bool
    recorded_latency_s: float = 0.0


class StructuredClient:
    """Asks a model for a Pydantic-typed answer, through the response cache."""

    def __init__(
        self,
        create: ChatCreate,
        *,
        model_id: str,
        request_model: str,
        parameters: dict[str, Any] | None = None,
        cache: ResponseCache | None = None,
        validation_retries: int = 2,
        serial: bool = False,
        endpoint: str | None = None,
        offline: bool = False,
    ) -> None:
        self.model_id = model_id
        self.endpoint = endpoint
        self.request_model = request_model
        self.parameters = dict(parameters or {})
        self.cache = cache
        self.validation_retries = validation_retries
        self.serial = serial
        self.calls = 0
        self.offline = offline
        self.used_keys: set[str] = set()  # every response this client read or wrote
        self._lock = threading.Lock() if serial else None
        self._raw = create
        self._patched: Any = None  # instructor's create, built on the first re-ask

    def _instructor_create(self) -> Any:
        """Instructor loads in about a second: only a re-ask needs it, so only a re-ask
        pays for it (a cached re-run never does)."""
        if self._patched is None:
            import instructor

            self._patched = instructor.patch(create=self._raw, mode=instructor.Mode.JSON_SCHEMA)
        return self._patched

    def ask(
        self, messages: list[dict[str, str]], response_model: type[T], *, prompt_hash: str
    ) -> CallResult[T]:
        key = cache_key(
            model=self.model_id,
            endpoint=self.endpoint,
            prompt_hash=prompt_hash,
            schema_version=ANSWER_KEY_VERSION,
            response_schema=_json_schema(response_model),
            parameters=self.parameters,
            messages=messages,
        )
        self.used_keys.add(key)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and hit.error is not None and self.offline:
                raise ExtractionError(hit.error)
            if hit is not None and hit.error is None:
                return CallResult(
                    value=response_model.model_validate_json(hit.content),
                    prompt_tokens=hit.prompt_tokens,
                    completion_tokens=hit.completion_tokens,
                    latency_s=0.0,
                    cached=True,
                    recorded_latency_s=hit.latency_s,
                )
        if self.offline:
            raise ReplayMissError(
                f"no recorded response for prompt {prompt_hash[:12]} on the paragraph "
                f"{_paragraph_of(messages)!r}"
            )
        started = time.perf_counter()
        try:
            if self._lock is not None:
                with self._lock:
                    value, usage = self._call(messages, response_model)
            else:
                value, usage = self._call(messages, response_model)
        except ExtractionError as exc:
            if self.cache is not None:  # kept for replays; a live run asks the model again
                self.cache.put(
                    key,
                    model=self.model_id,
                    prompt_hash=prompt_hash,
                    content="",
                    prompt_tokens=0,
                    completion_tokens=0,
                    latency_s=time.perf_counter() - started,
                    error=str(exc),
                )
            raise
        latency = time.perf_counter() - started
        if self.cache is not None:
            self.cache.put(
                key,
                model=self.model_id,
                prompt_hash=prompt_hash,
                content=value.model_dump_json(),
                prompt_tokens=usage[0],
                completion_tokens=usage[1],
                latency_s=latency,
            )
        return CallResult(value, usage[0], usage[1], latency, cached=False)

    def _call(
        self, messages: list[dict[str, str]], response_model: type[T]
    ) -> tuple[T, tuple[int, int]]:
        """One answer: a direct first attempt, then instructor's re-asks if it is invalid.

        The first request is exactly the one instructor's JSON_SCHEMA mode sends, and most
        answers are valid, so it is sent and validated here: instructor rebuilds a wrapped
        model class and its JSON schema on every call (1.5 ms of CPU, a quarter of a batch's
        per-article work). An invalid answer goes to instructor with the validation errors,
        as instructor itself would re-ask, for the remaining attempts.
        """
        self.calls += 1
        request: dict[str, Any] = {
            "messages": messages,
            "model": self.request_model,
            **self.parameters,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": response_model.__name__,
                                "schema": _json_schema(response_model)},
            },
        }  # fmt: skip
        try:
            completion = self._raw(**request)
        except StanceError:
            raise
        except (json.JSONDecodeError, ValueError) as exc:
            raise ExtractionError(f"{self.model_id}: unusable answer: {exc}") from exc
        usage = _usage_of(completion)
        choices = getattr(completion, "choices", None) or []
        if not choices:
            raise ExtractionError(f"{self.model_id}: unusable answer: no choices in the response")
        if choices[0].finish_reason == "length":
            raise self._cut_off()
        content = choices[0].message.content or ""
        try:
            return response_model.model_validate_json(_unfenced(content)), usage
        except ValueError as exc:  # pydantic's ValidationError included
            if self.validation_retries < 1:
                raise ExtractionError(
                    f"{self.model_id}: answer still invalid after 1 attempt: "
                    f"{_first_line(str(exc))}"
                ) from exc
            reask = [
                *messages,
                {"role": "assistant", "content": content},
                {"role": "user", "content": f"{REASK_TEXT}\n{exc}"},
            ]
        value, more = self._reask(reask, response_model)
        return value, (usage[0] + more[0], usage[1] + more[1])

    def _cut_off(self) -> ExtractionError:
        return ExtractionError(
            f"{self.model_id}: output cut off at the token limit "
            f"(max_tokens={self.parameters.get('max_tokens')})"
        )

    def _reask(
        self, messages: list[dict[str, str]], response_model: type[T]
    ) -> tuple[T, tuple[int, int]]:
        """Instructor's validation loop for the attempts left after the first."""
        from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

        try:
            value = self._instructor_create()(
                response_model=response_model,
                messages=messages,
                model=self.request_model,
                max_retries=self.validation_retries - 1,
                **self.parameters,
            )
        except IncompleteOutputException as exc:
            raise self._cut_off() from exc
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, StanceError):
                raise cause from None
            attempts = getattr(exc, "n_attempts", None)
            total = attempts + 1 if isinstance(attempts, int) else "?"
            raise ExtractionError(
                f"{self.model_id}: answer still invalid after {total} attempts: "
                f"{_first_line(str(exc.__cause__ or exc))}"
            ) from exc
        except StanceError:
            raise
        except (json.JSONDecodeError, ValueError) as exc:
            raise ExtractionError(f"{self.model_id}: unusable answer: {exc}") from exc
        return value, _usage_of(getattr(value, "_raw_response", None))


# instructor's own wording for a JSON_SCHEMA re-ask, so a re-asked model sees what it would
REASK_TEXT = "Correct your JSON ONLY RESPONSE, based on the following errors:"


def _usage_of(response: Any) -> tuple[int, int]:
    usage = getattr(response, "usage", None)
    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    return prompt_tokens, completion_tokens


def _unfenced(content: str) -> str:
    """The JSON inside a ```json fence, which some servers add around constrained output."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:300] if text.strip() else "no detail"


def _paragraph_of(messages: list[dict[str, str]]) -> str:
    """The start of the last user message: names what changed when a replay misses."""
    last = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    if "<<<" in last:
        last = last.rpartition("<<<")[2].partition(">>>")[0]
    flat = " ".join(last.split())
    return flat[:80] + ("..." if len(flat) > 80 else "")


@lru_cache(maxsize=1024)
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A response model's JSON Schema, built once: it is part of every call's cache key.
    Bounded: a reader that built a new class per call must not grow the process with it."""
    return model.model_json_schema()
