"""The embedded model's grammar-checked greedy sampler gives the stock sampler's answers.

``CheckedGreedySampler`` asks the response grammar about the model's first choice only, and
masks the whole vocabulary only when the grammar refuses it. The claim that makes it safe
is that the chosen tokens are exactly those of llama-cpp-python's stock chain (grammar over
the whole vocabulary, then greedy). Both samplers read the same logits from the same
process, so the comparison holds on any CPU: it asserts no model output, only equality.
"""

from __future__ import annotations

from typing import Any

import pytest
from real_model import MISSING, MODEL_PATH, REAL_MODEL_MARKS

pytestmark = REAL_MODEL_MARKS

# A key no model would write unprompted: the grammar must refuse the model's first choices.
ODD_KEY_SCHEMA = {
    "type": "object",
    "properties": {
        "xq7_topic": {"type": "string", "maxLength": 12},
        "mood": {"enum": ["favor", "against", "neutral"]},
    },
    "required": ["xq7_topic", "mood"],
}
MESSAGES = [
    {"role": "system", "content": "Answer in JSON."},
    {
        "role": "user",
        "content": "The mayor said the new ferry would be ready before winter."
        " What is this about, and is the mayor for or against it?",
    },
]


@pytest.fixture(scope="module")
def llama() -> Any:
    if MODEL_PATH is None:
        pytest.fail(f"CI must run the real-model tests: {MISSING}")
    from stance.llm.providers.local import load_llama

    return load_llama(MODEL_PATH)


def _answer(llama: Any, *, stock: bool) -> tuple[str, Any]:
    from llama_cpp import LogitsProcessorList

    # An identity logits processor sends the request through llama-cpp-python's own chain.
    identity = LogitsProcessorList([lambda _ids, scores: scores])
    extra = {"logits_processor": identity} if stock else {}
    # Evaluate the whole prompt each time: llama.cpp's logits differ in the last bits when a
    # cached prompt's final token is evaluated alone, whichever sampler reads them.
    llama.reset()
    out = llama.create_chat_completion(
        messages=MESSAGES,
        temperature=0.0,
        seed=0,
        max_tokens=40,
        response_format={"type": "json_object", "schema": ODD_KEY_SCHEMA},
        **extra,
    )
    return str(out["choices"][0]["message"]["content"]), llama._sampler


def test_checked_sampler_answers_as_the_stock_chain_does(llama: Any) -> None:
    from stance.llm.providers.checked_greedy import CheckedGreedySampler

    checked, sampler = _answer(llama, stock=False)
    stock, stock_sampler = _answer(llama, stock=True)
    assert isinstance(sampler, CheckedGreedySampler)
    assert not isinstance(stock_sampler, CheckedGreedySampler)
    assert sampler.refusals > 0  # the fallback over the whole vocabulary was exercised
    assert checked == stock
    assert checked.startswith("{") and '"xq7_topic"' in checked


def test_unconstrained_or_sampled_requests_keep_the_stock_chain(llama: Any) -> None:
    from stance.llm.providers.checked_greedy import CheckedGreedySampler

    llama.create_chat_completion(messages=MESSAGES, temperature=0.0, max_tokens=4)
    assert not isinstance(llama._sampler, CheckedGreedySampler)  # no grammar
    llama.create_chat_completion(
        messages=MESSAGES,
        temperature=0.7,
        seed=1,
        max_tokens=4,
        response_format={"type": "json_object", "schema": ODD_KEY_SCHEMA},
    )
    assert not isinstance(llama._sampler, CheckedGreedySampler)  # sampling, not greedy
