"""Every endpoint fault through the real CLI process and a real loopback server.

One article of four hits the fault; the others must come out whole, and the record, the
closing summary and the exit code must say exactly what happened to the faulty one.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from openai_server import INVENTED, get, run_stance, running, stance_env

from stance.schema import ErrorRecord, Extraction, OutputRecord, parse_record

pytestmark = pytest.mark.usefixtures("paragraph_reader")

ARTICLES = {
    "harbour": "Harbour talks collapse\n\n"
    "“We will not pay a cent more until the dredging is finished,” Marta Quell said.\n\n"
    "“The fees are fair and they were agreed last year,” Tomas Brandt said.\n",
    "bridge": "Bridge tolls to rise\n\n"
    "The council announced on Friday that tolls on the Kessel bridge would rise in March.\n\n"
    "“Drivers will probably pay twice what they pay today,” Rena Holt warned.\n\n"
    "“Nobody will pay twice, that is simply untrue,” Ivo Marsh denied.\n",
    "ferry": "Ferry line reopens\n\n"
    "“The crossing will run every hour from June,” Lena Vogt said.\n\n"
    "“Nobody asked the islanders about the timetable,” Piet Adler warned.\n",
    "market": "Market hall sold\n\n"
    "“The buyer has promised to keep every stall,” Omar Keane said.\n",
}
FAULTY = "Rena Holt warned"  # in the third paragraph (segment 2) of "bridge"
RENA = "“Drivers will probably pay twice what they pay today,” Rena Holt warned."
CLAIMS = {"harbour": 2, "bridge": 2, "ferry": 2, "market": 1}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def extract(
    tmp_path: Path, inputs: Path, faults: list[str], *, always: bool = False, **env: str
) -> tuple[Any, dict[str, OutputRecord], dict[str, Any]]:
    """Run the batch with FAULTY scripted; (process, records by id, server stats)."""
    script = [{"match": FAULTY, "faults": faults, "always": always}]
    out = tmp_path / "out.jsonl"
    with running("--hang", "2.5", script=script, tmp=tmp_path) as url:
        result = run_stance(
            url, str(inputs), "-o", str(out), "--timeout", "1", env=stance_env(tmp_path, **env)
        )
        stats = get(url, "/stats")
    assert "Traceback" not in result.stderr, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    records = {r.article_id: r for r in map(parse_record, lines)}
    assert len(records) == len(lines) == len(ARTICLES)  # one record per article
    return result, records, stats


def assert_others_whole(records: dict[str, OutputRecord]) -> None:
    for name in ("harbour", "ferry", "market"):
        record = records[name]
        assert isinstance(record, Extraction), record
        assert len(record.claims) == CLAIMS[name] and not record.errors and not record.rejected


TRANSPORT = ["429", "500", "503", "timeout", "reset", "not_json"]


@pytest.mark.parametrize("fault", TRANSPORT)
def test_transient_fault_is_retried(tmp_path: Path, inputs: Path, fault: str) -> None:
    result, records, stats = extract(tmp_path, inputs, [fault])
    assert result.returncode == 0, result.stderr
    assert stats["served"][RENA] == [fault, "ok"]  # one retry, then the answer
    assert_others_whole(records)
    bridge = records["bridge"]
    assert isinstance(bridge, Extraction) and len(bridge.claims) == 2 and not bridge.errors
    assert "4 articles: 4 extracted; 7 claims;" in result.stderr


EXPECTED = {
    "429": "HTTP 429 from 127.0.0.1: Rate limit reached (scripted 429)",
    "500": "HTTP 500 from 127.0.0.1: The server had an error (scripted 500)",
    "503": "HTTP 503 from 127.0.0.1: The engine is currently overloaded (scripted 503)",
    "timeout": "APITimeoutError from 127.0.0.1: Request timed out.",
    "reset": "APIConnectionError from 127.0.0.1: Connection error.",
    "not_json": "HTTP 200 from 127.0.0.1 with a body that is not JSON: "
    "'<html><body>upstream hiccup</body></html>'",
}


@pytest.mark.parametrize("fault", TRANSPORT)
def test_persistent_fault_becomes_error_record(tmp_path: Path, inputs: Path, fault: str) -> None:
    result, records, stats = extract(
        tmp_path, inputs, [fault], always=True, STANCE_RETRY_ATTEMPTS="3"
    )
    assert result.returncode == 1
    assert stats["served"][RENA] == [fault] * 3  # the bound holds: no fourth attempt
    error = records["bridge"]
    assert isinstance(error, ErrorRecord)
    assert error.error_type == "provider" and error.model == "openai:fake"
    assert error.message.startswith("model endpoint failed after 3 attempts: ")
    assert EXPECTED[fault] in error.message
    assert_others_whole(records)
    assert "4 articles: 3 extracted, 1 failed; 5 claims;" in result.stderr
    assert "The failure is an error record; --resume retries it." in result.stderr


def test_resume_retries_the_failed_article(tmp_path: Path, inputs: Path) -> None:
    extract(tmp_path, inputs, ["503"], always=True, STANCE_RETRY_ATTEMPTS="2")
    out = tmp_path / "out.jsonl"
    before = out.read_text(encoding="utf-8").splitlines()
    with running() as url:  # the endpoint recovered
        result = run_stance(url, str(inputs), "-o", str(out), "--resume", env=stance_env(tmp_path))
        stats = get(url, "/stats")
    assert result.returncode == 0, result.stderr
    assert stats["requests"] == 3  # only the bridge article's three paragraphs
    after = out.read_text(encoding="utf-8").splitlines()
    assert [line for line in before if '"record":"extraction"' in line] == after[:3]
    bridge = parse_record(after[3])
    assert isinstance(bridge, Extraction) and len(bridge.claims) == 2
    assert "3 already done (resumed)" in result.stderr


def test_invalid_answer_is_reasked(tmp_path: Path, inputs: Path) -> None:
    result, records, stats = extract(tmp_path, inputs, ["bad_schema"])
    assert result.returncode == 0, result.stderr
    assert stats["served"][RENA] == ["bad_schema", "ok"]
    bridge = records["bridge"]
    assert isinstance(bridge, Extraction) and len(bridge.claims) == 2 and not bridge.errors


@pytest.mark.parametrize(
    ("fault", "attempts", "message"),
    [
        (
            "bad_schema",
            3,
            "openai:fake: answer still invalid after 3 attempts: "
            "11 validation errors for ParagraphAnswer",
        ),
        ("length", 1, "openai:fake: output cut off at the token limit"),
    ],
)
def test_unreadable_paragraph_is_a_segment_error(
    tmp_path: Path, inputs: Path, fault: str, attempts: int, message: str
) -> None:
    result, records, stats = extract(tmp_path, inputs, [fault], always=True)
    assert result.returncode == 1  # a paragraph is missing: not a clean run
    assert stats["served"][RENA] == [fault] * attempts
    bridge = records["bridge"]
    assert isinstance(bridge, Extraction)
    [error] = bridge.errors
    assert error.segment == 2 and error.message.startswith(message)
    assert [c.quote for c in bridge.claims] == ["Nobody will pay twice, that is simply untrue"]
    assert_others_whole(records)
    assert "4 articles: 4 extracted; 6 claims, 1 unreadable paragraph;" in result.stderr


def test_wrong_quote_is_rejected_after_one_reask(tmp_path: Path, inputs: Path) -> None:
    result, records, stats = extract(tmp_path, inputs, ["wrong_quote"], always=True)
    assert result.returncode == 0, result.stderr  # nothing unread: the quote was judged
    assert stats["served"][RENA] == ["wrong_quote", "wrong_quote"]  # read, one re-ask
    assert stats["reasks"] == {RENA: 1}
    bridge = records["bridge"]
    assert isinstance(bridge, Extraction)
    [rejected] = bridge.rejected
    assert rejected.quote == INVENTED and rejected.speaker == "Rena Holt"
    assert rejected.reason.startswith("quote not found in the paragraph read, after one re-ask")
    assert [c.quote for c in bridge.claims] == ["Nobody will pay twice, that is simply untrue"]
    assert INVENTED not in json.dumps([c.model_dump() for c in bridge.claims])
    assert "6 claims, 1 rejected quote;" in result.stderr


def test_bad_retry_setting_is_a_usage_error(tmp_path: Path, inputs: Path) -> None:
    with running() as url:
        env = stance_env(tmp_path, STANCE_RETRY_ATTEMPTS="zero")
        result = run_stance(url, str(inputs), "-o", str(tmp_path / "out.jsonl"), env=env)
        assert get(url, "/stats")["requests"] == 0
    assert result.returncode == 2
    assert "STANCE_RETRY_ATTEMPTS='zero': expected a number of at least 1" in result.stderr


def test_default_retry_policy_is_six_attempts_from_one_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import httpx
    import openai

    from stance.errors import ProviderError
    from stance.llm.transport import with_transport_retries

    monkeypatch.delenv("STANCE_RETRY_ATTEMPTS", raising=False)
    monkeypatch.delenv("STANCE_RETRY_WAIT_S", raising=False)
    calls, waits = [], []

    def timing_out(**kwargs: Any) -> Any:
        calls.append(kwargs)
        raise openai.APITimeoutError(request=httpx.Request("POST", "http://model.test/v1"))

    create = with_transport_retries(timing_out, sleep=waits.append)
    with pytest.raises(ProviderError, match=r"after 6 attempts: APITimeoutError from model\.test"):
        create(model="m")
    assert len(calls) == 6 and len(waits) == 5
    assert 1.0 <= waits[0] <= 2.0 and 16.0 <= waits[4] <= 17.0  # 1, 2, 4, 8, 16 s + jitter


def test_a_slow_article_does_not_hold_up_the_others(tmp_path: Path, inputs: Path) -> None:
    """The endpoint takes 3 s over one paragraph of "bridge" (within the client timeout):
    the other articles are written first, and the batch takes about that one delay."""
    script = [{"match": FAULTY, "faults": ["timeout"]}]  # slow, not failed: --timeout is 30
    out = tmp_path / "out.jsonl"
    with running("--hang", "3", script=script, tmp=tmp_path) as url:
        started = time.perf_counter()
        result = run_stance(
            url, str(inputs), "-o", str(out), "--concurrency", "2", "--timeout", "30",
            env=stance_env(tmp_path),
        )  # fmt: skip
        wall = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    order = [parse_record(line).article_id for line in out.read_text("utf-8").splitlines()]
    assert order[-1] == "bridge" and sorted(order) == sorted(ARTICLES)
    assert wall < 3 + 6  # the 3 s delay plus start-up, not the articles one after another
