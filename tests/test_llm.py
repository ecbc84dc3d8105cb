"""StructuredClient: the request a model sees, and how invalid answers are re-asked."""

from __future__ import annotations

import json
from typing import Any

import instructor
import pytest
from openai.types.chat import ChatCompletion

from stance.errors import ExtractionError
from stance.llm.client import StructuredClient
from stance.reading.ask.answers import ParagraphAnswer

VALID = json.dumps({"claims": []})
INVALID = json.dumps({"claims": [{"speaker": 1}]})
MESSAGES = [{"role": "user", "content": "PARAGRAPH:\n<<<\nHello.\n>>>"}]


def completion(content: str, finish: str = "stop") -> ChatCompletion:
    return ChatCompletion.model_validate({
        "id": "t", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    })  # fmt: skip


class Scripted:
    def __init__(self, *answers: str, finish: str = "stop") -> None:
        self.answers = list(answers)
        self.finish = finish
        self.requests: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> ChatCompletion:
        self.requests.append(json.loads(json.dumps(kwargs)))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return completion(answer, self.finish)


def client(model: Scripted, retries: int = 2) -> StructuredClient:
    return StructuredClient(
        model, model_id="fake:m", request_model="m", parameters={"temperature": 0.0, "seed": 0},
        validation_retries=retries,
    )  # fmt: skip


def test_first_request_is_exactly_what_instructor_would_send() -> None:
    ours, theirs = Scripted(VALID), Scripted(VALID)
    result = client(ours).ask(MESSAGES, ParagraphAnswer, prompt_hash="h")
    patched = instructor.patch(create=theirs, mode=instructor.Mode.JSON_SCHEMA)
    patched(response_model=ParagraphAnswer, messages=MESSAGES, model="m", max_retries=0,
            temperature=0.0, seed=0)  # fmt: skip
    assert ours.requests == theirs.requests
    assert list(ours.requests[0]) == list(theirs.requests[0])  # same key order on the wire
    assert result.value == ParagraphAnswer(claims=[])
    assert (result.prompt_tokens, result.completion_tokens) == (10, 5)


def test_invalid_answer_is_reasked_with_its_errors_then_accepted() -> None:
    model = Scripted(INVALID, VALID)
    result = client(model).ask(MESSAGES, ParagraphAnswer, prompt_hash="h")
    assert isinstance(result.value, ParagraphAnswer) and result.value.claims == []
    assert len(model.requests) == 2
    reask = model.requests[1]["messages"]
    assert reask[:-2] == MESSAGES and reask[-2] == {"role": "assistant", "content": INVALID}
    assert reask[-1]["content"].startswith(
        "Correct your JSON ONLY RESPONSE, based on the following errors:"
    )
    assert "validation error" in reask[-1]["content"]
    assert (result.prompt_tokens, result.completion_tokens) == (20, 10)  # both calls counted


@pytest.mark.parametrize(("retries", "attempts"), [(0, 1), (1, 2), (2, 3)])
def test_attempts_are_bounded(retries: int, attempts: int) -> None:
    model = Scripted(INVALID)
    with pytest.raises(ExtractionError, match=f"still invalid after {attempts} attempt"):
        client(model, retries).ask(MESSAGES, ParagraphAnswer, prompt_hash="h")
    assert len(model.requests) == attempts


def test_fenced_json_is_accepted_and_a_cut_off_answer_is_an_error() -> None:
    fenced = client(Scripted(f"```json\n{VALID}\n```"))
    assert fenced.ask(MESSAGES, ParagraphAnswer, prompt_hash="h").value.claims == []
    cut = Scripted('{"claims": [', finish="length")
    with pytest.raises(ExtractionError, match="cut off at the token limit"):
        client(cut).ask(MESSAGES, ParagraphAnswer, prompt_hash="h")
    assert len(cut.requests) == 1  # never re-asked: the same limit would cut it again
