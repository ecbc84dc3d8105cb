"""Recordings: what a run used is saved, replays answer from it alone, failures included."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pipeline import ScriptedModel, claim

from stance.errors import InputError, ReplayMissError
from stance.evaluation.recording import read_recording, replay_cache, save_recording
from stance.llm.client import StructuredClient
from stance.llm.response_cache import ResponseCache
from stance.reading.ask.prompts import load_prompt
from stance.reading.extractor import Extractor

pytestmark = pytest.mark.usefixtures("paragraph_reader")

TEXT = "Quota row\n\n“The quota is fair,” Ana Lima said.\n\n“It is robbery,” Joe Park said."


def extractor(
    model: ScriptedModel | None, cache: ResponseCache, offline: bool = False
) -> Extractor:
    def unreachable(**_: object) -> object:
        raise AssertionError("a replay must not call the model")

    client = StructuredClient(
        create=model or unreachable,
        model_id="fake:x",
        request_model="x",
        cache=cache,
        offline=offline,
        validation_retries=0,
    )
    return Extractor(client, load_prompt())


def test_replay_reproduces_answers_and_failures_without_a_model(tmp_path: Path) -> None:
    model = ScriptedModel(
        {"Ana Lima": [claim("Ana Lima", "The quota is fair")], "Joe Park": "this is not JSON"}
    )
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        live = extractor(model, cache)
        first = live.extract(TEXT)
        assert [e.segment for e in first.errors] == [2]  # the invalid answer
        path = tmp_path / "rec.jsonl"
        assert save_recording(path, cache, live.client.used_keys) == 2
    rows = read_recording(path)
    assert sorted(bool(r["error"]) for r in rows) == [False, True]
    with replay_cache(path) as replay:
        again = extractor(None, replay, offline=True).extract(TEXT)
    assert [c.quote for c in again.claims] == [c.quote for c in first.claims]
    assert again.errors == first.errors
    assert again.provenance.usage.calls == 0


def test_a_live_run_asks_again_after_a_recorded_failure(tmp_path: Path) -> None:
    broken = ScriptedModel({"Joe Park": "this is not JSON"})
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        extractor(broken, cache).extract(TEXT)
        fixed = ScriptedModel({"Joe Park": [claim("Joe Park", "It is robbery")]})
        result = extractor(fixed, cache).extract(TEXT)
    assert [c.quote for c in result.claims] == ["It is robbery"]
    assert len(fixed.requests) == 1  # only the failed paragraph went back to the model


def test_replay_miss_names_the_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    with replay_cache(path) as replay, pytest.raises(ReplayMissError, match="Ana Lima"):
        extractor(None, replay, offline=True).extract(TEXT)


def test_recording_keeps_other_configurations_and_drops_stale_rows(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        for key, model in (("k1", "m1"), ("k2", "m1"), ("k3", "m2")):
            cache.put(
                key,
                model=model,
                prompt_hash="p",
                content="{}",
                prompt_tokens=1,
                completion_tokens=1,
                latency_s=0.1,
            )
        save_recording(path, cache, ["k1", "k2", "k3"])
        save_recording(path, cache, ["k1"])  # a new run of m1 used only k1
    assert sorted(str(r["key"]) for r in read_recording(path)) == ["k1", "k3"]


def test_a_damaged_recording_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"key": "k", "content": "{}"}\nnot json\n')
    with pytest.raises(InputError, match="line 2"):
        read_recording(path)
