"""One extractor shared by a batch's threads: the CPU work of one article at a time, the
waits on the model overlapped. Thirty-two threads parsing at once under the GIL spent more
time switching than parsing; holding the article's lock through a model call would instead
make a remote endpoint as slow as a serial one. Both are things a user running a batch
against an endpoint would notice."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel

from stance.reading import candidate_pipeline
from stance.reading.ask.prompts import load_prompt
from stance.reading.extractor import Extractor
from stance.reading.find import document
from stance.schema import Article

WAIT_S = 0.4
ARTICLES = 8
TEXT = """Council denies hiding flood report {n}

Opposition councillor Mara Vint accused the council of hiding flood report {n} from residents.

The council's chief executive, Tom Reyes, denied that report {n} had been withheld. "Every \
page was published on our website in March," he said.
"""


@dataclass
class _Answer:
    value: Any
    prompt_tokens: int = 10
    completion_tokens: int = 5
    latency_s: float = WAIT_S
    cached: bool = False
    recorded_latency_s: float = WAIT_S


class SlowJudge:
    """A model judge's endpoint that takes WAIT_S to answer and counts calls in flight."""

    model_id = "fake:slow-judge"
    endpoint = None
    serial = False

    def __init__(self) -> None:
        self.parameters: dict[str, Any] = {}
        self.in_flight = self.peak = 0
        self._lock = threading.Lock()

    def ask(
        self, messages: list[dict[str, str]], response_model: type[BaseModel], *, prompt_hash: str
    ) -> _Answer:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(WAIT_S)
        with self._lock:
            self.in_flight -= 1
        decision = {"type": "assertion", "denies": "none", "polarity": "none", "target": "none"}
        return _Answer(
            response_model.model_validate(dict.fromkeys(response_model.model_fields, decision))
        )


def articles() -> list[Article]:
    return [Article(id=f"a{n}", text=TEXT.format(n=n)) for n in range(ARTICLES)]


def comparable(record: Any) -> dict[str, Any]:
    row: dict[str, Any] = record.model_dump(mode="json")
    row.pop("provenance")
    return row


def test_threads_overlap_the_model_waits_and_read_as_one_thread_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsing = {"now": 0, "peak": 0}
    real_parse = document.parse

    def counted_parse(text: str) -> Any:
        parsing["now"] += 1
        parsing["peak"] = max(parsing["peak"], parsing["now"])
        try:
            time.sleep(0.02)  # long enough for another thread to come in, were it let in
            return real_parse(text)
        finally:
            parsing["now"] -= 1

    monkeypatch.setattr(candidate_pipeline, "parse", counted_parse)
    client = SlowJudge()
    extractor = Extractor(client, load_prompt(), judge="model")
    one_by_one = [comparable(extractor.extract(a)) for a in articles()]
    assert client.peak == 1
    started = time.perf_counter()
    with ThreadPoolExecutor(ARTICLES) as threads:
        together = [comparable(r) for r in threads.map(extractor.extract, articles())]
    wall = time.perf_counter() - started
    assert together == one_by_one
    assert parsing["peak"] == 1, "two articles were parsed at once"
    assert client.peak >= ARTICLES // 2, "the model calls did not overlap"
    # one after another the calls alone take ARTICLES x WAIT_S = 3.2 s
    assert wall < ARTICLES * WAIT_S / 2, f"{wall:.2f} s: the calls waited for each other"
