"""How the pipeline scales with article length: time and memory at 5,000 to 80,000 words.

    python benchmarks/long_article.py [WORDS ...]

The generated article of tests/longdoc.py is read by a perfect reader (its gold claims,
answered instantly), so the figures are the pipeline's own cost: segmenting, grounding,
actor merging, de-duplication and denial linking, plus instructor and the cache key per
call. Prints seconds, seconds per 1,000 words, peak traced memory, claims found of those
labelled, and denial links.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from longdoc import generate, oracle_create

from stance.llm.client import StructuredClient
from stance.reading.extractor import Extractor
from stance.schema import Article


def main() -> None:
    sizes = [int(w) for w in sys.argv[1:]] or [5_000, 10_000, 20_000, 40_000, 80_000]
    generate(1000)  # warm imports and compiled patterns
    print("words    seconds  s/1k words  peak MiB  claims found/labelled  denial links")
    for words in sizes:
        text, gold = generate(words)
        client = StructuredClient(
            oracle_create(text, gold), model_id="oracle", request_model="oracle"
        )
        extractor = Extractor(client)
        tracemalloc.start()
        started = time.perf_counter()
        record = extractor.extract(Article(id="long", text=text))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        links = sum(1 for c in record.claims if c.denies)
        n = len(text.split())
        print(
            f"{n:6,}  {seconds:8.2f}  {seconds / n * 1000:10.3f}  {peak:8.1f}  "
            f"{len(record.claims):>10}/{len(gold['claims']):<10}  {links:>12}"
        )


if __name__ == "__main__":
    main()
