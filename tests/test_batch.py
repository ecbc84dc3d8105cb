"""run_batch with a stub extractor: failure isolation, concurrency, resume safety."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from stance.errors import ConfigError, ExtractionError, ModelNotAvailableError
from stance.runs.runner import run_batch
from stance.schema import (
    Article,
    ErrorRecord,
    Extraction,
    OutputRecord,
    PromptInfo,
    Provenance,
    Usage,
    parse_record,
)

PROMPT = PromptInfo(name="stub", version="1", hash="f" * 64)


class _Client:
    def __init__(self, serial: bool, model_id: str) -> None:
        self.serial = serial
        self.model_id = model_id


class _Prompt:
    info = PROMPT
    sha256 = PROMPT.hash


class StubExtractor:
    """Extracts with a behaviour per article id; records how many ran at once."""

    def __init__(self, *, serial: bool = False, model_id: str = "stub:model", delay: float = 0):
        self.client = _Client(serial, model_id)
        self.prompt = _Prompt()
        self.delay = delay
        self.raises: dict[str, BaseException] = {}
        self.interrupt_at: str | None = None
        self.seen: list[str] = []
        self.running = self.peak = 0
        self._lock = threading.Lock()

    def extract(self, article: Article) -> Extraction:
        with self._lock:
            self.seen.append(article.id)
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            if article.id == self.interrupt_at:  # Ctrl-C while this article is read
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)
            time.sleep(self.delay)
            if article.id in self.raises:
                raise self.raises[article.id]
            return Extraction(
                article_id=article.id,
                text=article.text,
                provenance=Provenance(
                    model=self.client.model_id,
                    prompt=PROMPT,
                    stance_version="test",
                    usage=Usage(calls=1, prompt_tokens=10, completion_tokens=2),
                    created_at=datetime.now(timezone.utc),
                ),
            )
        finally:
            with self._lock:
                self.running -= 1


def make_inputs(tmp_path: Path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        path = tmp_path / f"art{i}.txt"
        path.write_text(f"Article {i} text, Someone said.", encoding="utf-8")
        paths.append(str(path))
    return paths


def run(stub: StubExtractor, inputs: list[str], out: Path | None, **kw: Any) -> Any:
    kw.setdefault("resume", False)
    kw.setdefault("concurrency", 4)
    return run_batch(inputs, lambda: stub, output=out, **kw)  # type: ignore[arg-type, return-value]


def read(out: Path) -> dict[str, OutputRecord]:
    records = [parse_record(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert len({r.article_id for r in records}) == len(records)
    return {r.article_id: r for r in records}


def test_failures_are_isolated(tmp_path: Path) -> None:
    stub = StubExtractor()
    stub.raises = {"art1": ExtractionError("answer still invalid"), "art2": KeyError("boom")}
    out = tmp_path / "out.jsonl"
    summary = run(stub, make_inputs(tmp_path, 4), out)
    records = read(out)
    assert (summary.succeeded, summary.failed, summary.model_calls) == (2, 2, 2)
    err1, err2 = records["art1"], records["art2"]
    assert isinstance(err1, ErrorRecord) and isinstance(err2, ErrorRecord)
    assert (err1.error_type, err1.message) == ("extraction", "answer still invalid")
    assert err1.model == "stub:model" and err1.prompt == PROMPT
    assert err2.error_type == "internal" and err2.message.startswith("KeyError: 'boom' (at ")


def test_config_error_stops_the_batch(tmp_path: Path) -> None:
    stub = StubExtractor()
    stub.raises = {"art0": ModelNotAvailableError("model file not found")}
    with pytest.raises(ModelNotAvailableError):
        run(stub, make_inputs(tmp_path, 3), tmp_path / "out.jsonl", concurrency=1)


def test_interrupt_propagates_and_keeps_finished_records(tmp_path: Path) -> None:
    stub = StubExtractor()
    stub.interrupt_at = "art2"
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run(stub, make_inputs(tmp_path, 4), out, concurrency=1)
    # the article in flight when Ctrl-C came is finished and kept; none starts after it
    assert list(read(out)) == ["art0", "art1", "art2"]
    assert "art3" not in stub.seen


def test_concurrency_and_serial_clients(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path, 6)
    parallel = StubExtractor(delay=0.05)
    run(parallel, inputs, None, concurrency=3)
    assert parallel.peak == 3
    serial = StubExtractor(delay=0.01, serial=True)
    summary = run(serial, inputs, None, concurrency=3)
    assert serial.peak == 1 and summary.succeeded == 6


def test_on_record_sees_every_record(tmp_path: Path) -> None:
    seen: list[str] = []
    inputs = [*make_inputs(tmp_path, 2), str(tmp_path / "missing.txt")]
    summary = run(StubExtractor(), inputs, None, on_record=lambda r: seen.append(r.article_id))
    assert sorted(seen) == ["art0", "art1", "missing"]
    assert summary.failed == 1 and "1 failed" in summary.render()


def test_factory_not_called_without_articles(tmp_path: Path) -> None:
    def factory() -> Any:
        raise AssertionError("no article needs a model")

    summary = run_batch(
        [str(tmp_path / "nope.txt")], factory, output=None, resume=False, concurrency=2
    )
    assert summary.failed == 1


def test_resume_refuses_another_model(tmp_path: Path) -> None:
    inputs, out = make_inputs(tmp_path, 2), tmp_path / "out.jsonl"
    run(StubExtractor(), inputs[:1], out)
    before = out.read_bytes()
    with pytest.raises(ConfigError, match="holds records from model stub:model"):
        run(StubExtractor(model_id="stub:other"), inputs, out, resume=True)
    assert out.read_bytes() == before
    summary = run(StubExtractor(), inputs, out, resume=True)
    assert summary.skipped_resumed == 1 and sorted(read(out)) == ["art0", "art1"]


def test_output_checks(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path, 1)
    with pytest.raises(ConfigError, match="inside"):
        run(StubExtractor(), [str(tmp_path)], tmp_path / "out.jsonl")
    with pytest.raises(ConfigError, match="--resume needs"):
        run(StubExtractor(), inputs, None, resume=True)
    garbage = tmp_path / "other" / "out.jsonl"
    garbage.parent.mkdir()
    garbage.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"out\.jsonl:1 is not a stance record"):
        run(StubExtractor(), inputs, garbage, resume=True)
