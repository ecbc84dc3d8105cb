"""The embedded model's sampler: llama-cpp-python's stock chain against the checked greedy one.

    python benchmarks/sampler_speed.py [N_ARTICLES]   # default: the first 3 gold articles

1. Runs the default reader over the first N gold articles (a temporary response cache, so
   every question reaches the model) and keeps the exact requests it sent.
2. Replays them through a freshly loaded stock ``Llama`` and a ``CheckedGreedyLlama``, in
   turn, twice each (so a machine that slows down mid-run shows in both). Each model sees
   the same requests in the same order, so llama.cpp's prompt-prefix reuse, and with it the
   logits, are the same for both, as in a real run.
3. Prints, per call: wall time, llama.cpp's prompt and generation time, and the rest (the
   sampler); and how many answers the two samplers give alike (they must all be alike).
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import llama_cpp
from llama_cpp import Llama

from stance.llm.client import StructuredClient, adapt_response_format
from stance.llm.providers.checked_greedy import CheckedGreedyLlama
from stance.llm.providers.local import DEFAULT_CONTEXT, local_create
from stance.llm.registry import parse_model
from stance.reading.extractor import Extractor
from stance.schema import Article

GOLD = Path(__file__).resolve().parents[1] / "evals" / "gold"


def capture(path: Path, articles: int) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = []
    create = local_create(path)

    def keep(**kwargs: Any) -> Any:
        requests.append(copy.deepcopy(kwargs))
        return create(**kwargs)

    client = StructuredClient(
        adapt_response_format(keep, "llama"),
        model_id="local:sampler-bench",
        request_model=path.name,
        parameters={"temperature": 0.0, "seed": 0, "max_tokens": 768},
        serial=True,
        validation_retries=1,
    )
    for text in sorted(GOLD.glob("*.txt"))[:articles]:
        Extractor(client).extract(Article(id=text.stem, text=text.read_text(encoding="utf-8")))
    return requests


def replay(
    llama: Any, requests: list[dict[str, Any]]
) -> tuple[list[str], list[float], list[float], list[float]]:
    answers: list[str] = []
    wall: list[float] = []
    prompt: list[float] = []
    gen: list[float] = []
    llama.reset()  # every round starts from an empty prompt cache
    for request in requests:
        kwargs = {k: v for k, v in request.items() if k != "model"}
        llama_cpp.llama_perf_context_reset(llama._ctx.ctx)
        started = time.perf_counter()
        out = llama.create_chat_completion(**kwargs)
        wall.append(time.perf_counter() - started)
        perf = llama_cpp.llama_perf_context(llama._ctx.ctx)
        prompt.append(perf.t_p_eval_ms / 1000)
        gen.append(perf.t_eval_ms / 1000)
        answers.append(str(out["choices"][0]["message"]["content"]))
    return answers, wall, prompt, gen


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    choice = parse_model("local")
    assert choice.path is not None
    with tempfile.TemporaryDirectory() as cache:
        os.environ["STANCE_CACHE_DIR"] = cache
        requests = capture(choice.path, articles)
    print(f"{len(requests)} requests from the first {articles} gold articles", flush=True)
    threads = os.cpu_count() or 2
    samplers = {
        "stock": Llama(model_path=str(choice.path), n_ctx=DEFAULT_CONTEXT, n_threads=threads,
                       seed=0, verbose=False),
        "checked": CheckedGreedyLlama(model_path=str(choice.path), n_ctx=DEFAULT_CONTEXT,
                                      n_threads=threads, seed=0, verbose=False),
    }  # fmt: skip
    answers: dict[str, list[str]] = {}
    for round_ in (1, 2):
        for name, llama in samplers.items():
            said, wall, prompt, gen = replay(llama, requests)
            answers.setdefault(name, said)
            n = len(wall)
            print(
                f"round {round_} {name:8} {sum(wall) / n:.3f} s per call: prompt "
                f"{sum(prompt) / n:.3f}, generation {sum(gen) / n:.3f}, "
                f"sampler and the rest {(sum(wall) - sum(prompt) - sum(gen)) / n:.3f}",
                flush=True,
            )
    alike = sum(a == b for a, b in zip(answers["stock"], answers["checked"], strict=True))
    print(f"answers alike: {alike} of {len(requests)}")


if __name__ == "__main__":
    main()
