"""The embedded model on one article: our pipeline against raw llama-cpp-python calls.

    python benchmarks/model_overhead.py [ARTICLE.txt [OUT.jsonl]]   # default: ../shared/seed/*.txt

OUT.jsonl, when given, receives the extraction (e.g. for benchmarks/seed_check.py).

1. The pipeline, no response cache: seconds, calls and tokens for the article, and how
   much of the wall time is model calls (the rest is our overhead: segmenting, grounding,
   instructor, merging).
2. The first paragraph's exact request sent raw to a freshly loaded llama.cpp (no KV
   cache), again unchanged (the whole prompt cached), and the second paragraph's request
   (only the shared system and few-shot prefix cached): what prompt-prefix reuse saves.
"""

from __future__ import annotations

import copy
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from stance.llm.client import StructuredClient, adapt_response_format
from stance.llm.providers.local import DEFAULT_CONTEXT, local_create
from stance.llm.registry import parse_model
from stance.reading.extractor import Extractor
from stance.schema import Article

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"


def article_path() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    found = sorted(SEED.glob("*.txt"))
    if not found:
        raise SystemExit(f"no article given and none in {SEED}")
    return found[0]


def main() -> None:
    path = article_path()
    text = path.read_text(encoding="utf-8")
    choice = parse_model("local")
    assert choice.path is not None
    requests: list[dict[str, Any]] = []
    call_seconds: list[float] = []
    create = local_create(choice.path)

    def timed(**kwargs: Any) -> Any:
        requests.append(copy.deepcopy(kwargs))
        started = time.perf_counter()
        try:
            return create(**kwargs)
        finally:
            call_seconds.append(time.perf_counter() - started)

    client = StructuredClient(
        adapt_response_format(timed, "llama"),
        model_id=f"local:{choice.name}",
        request_model=choice.name,
        parameters={"temperature": 0.0, "seed": 0, "max_tokens": 768},
        serial=True,
        validation_retries=1,
    )
    timed(messages=[{"role": "user", "content": "hi"}], max_tokens=1)  # load the model
    requests.clear()
    call_seconds.clear()
    started = time.perf_counter()
    record = Extractor(client).extract(Article(id=path.stem, text=text))
    wall = time.perf_counter() - started
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_text(record.model_dump_json() + "\n", encoding="utf-8")
    usage = record.provenance.usage
    model_s = sum(call_seconds)
    print(f"{path.name}: {len(text.split())} words, {record.segments} segments")
    print(
        f"pipeline: {wall:.1f} s, {usage.calls} calls, {usage.prompt_tokens:,} prompt + "
        f"{usage.completion_tokens:,} completion tokens, {len(record.claims)} claims"
    )
    print(
        f"  model calls {model_s:.1f} s (mean {statistics.mean(call_seconds):.1f} s, "
        f"max {max(call_seconds):.1f} s); our overhead {wall - model_s:.2f} s "
        f"({(wall - model_s) / wall:.1%} of wall)"
    )

    from llama_cpp import Llama

    fresh = Llama(
        model_path=str(choice.path), n_ctx=DEFAULT_CONTEXT, n_threads=2, seed=0, verbose=False
    )
    first, second = requests[0], requests[1]

    def raw(request: dict[str, Any]) -> tuple[float, int]:
        kwargs = {k: v for k, v in request.items() if k != "model"}
        started = time.perf_counter()
        out = fresh.create_chat_completion(**kwargs)
        return time.perf_counter() - started, int(out["usage"]["prompt_tokens"])

    cold, tokens = raw(first)
    again, _ = raw(first)
    other, other_tokens = raw(second)
    print(
        f"raw llama-cpp-python, paragraph 1 ({tokens:,} prompt tokens): cold {cold:.1f} s, "
        f"same prompt again {again:.1f} s"
    )
    print(
        f"raw, paragraph 2 after paragraph 1 ({other_tokens:,} prompt tokens, shared "
        f"prefix cached): {other:.1f} s; "
        f"pipeline mean per call {statistics.mean(call_seconds):.1f} s"
    )


if __name__ == "__main__":
    main()
