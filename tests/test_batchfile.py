"""`stance batch prepare | run | collect` as a user runs them, against the fake endpoint.

The round trip must give the records `stance extract` gives for the same answers, and
every request a batch could not answer must show up in the records, never vanish.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import test_integration
from fake_openai import FakeOpenAI, claim
from test_cli import BRIDGE, HARBOUR, fake_endpoint
from test_integration import ARTICLE, Server, assert_grounded
from typer.testing import CliRunner, Result

from stance.batchfile import parse_custom_id
from stance.cli import app
from stance.schema import REJECTED_NOT_FOUND, ErrorRecord, Extraction, OutputRecord, parse_record

pytestmark = pytest.mark.usefixtures("paragraph_reader")

MODEL = ["--model", "openai:fake", "--base-url", "http://fake.test/v1"]
URL = ["--base-url", "http://fake.test/v1"]
server = test_integration.server  # llama.cpp's server on loopback, for the slow round trip


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path / "models"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STANCE_MODEL", "STANCE_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    # ids may hold any character: custom_ids must not depend on them
    (folder / "odd.jsonl").write_text(
        json.dumps({"id": "harbour #1/ a b", "text": HARBOUR}) + "\n", encoding="utf-8"
    )
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    return [str(folder / "odd.jsonl"), str(folder / "bridge.txt")]


def invoke(fake: FakeOpenAI, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), obj={"http_client": fake.client()})


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def in_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Results lines by article and paragraph (they are written as requests finish)."""
    return sorted(rows, key=lambda r: parse_custom_id(r["custom_id"]) or ("", 0, 0))


def write_lines(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def by_id(path: Path) -> dict[str, OutputRecord]:
    found = [parse_record(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len({r.article_id for r in found}) == len(found)
    return {r.article_id: r for r in found}


def claims(record: OutputRecord) -> list[tuple[str, str, str, str | None]]:
    assert isinstance(record, Extraction), record
    for c in record.claims:
        assert c.quote == record.text[c.span.start : c.span.end]
    return [(record.actor(c.claimer).name, c.type.value, c.quote, c.denies) for c in record.claims]


def prepare(fake: FakeOpenAI, articles: list[str], tmp_path: Path, *extra: str) -> Path:
    requests = tmp_path / "requests.jsonl"
    result = invoke(fake, "batch", "prepare", *articles, "-o", str(requests), *MODEL, *extra)
    assert result.exit_code == 0, result.output
    return requests


def run(fake: FakeOpenAI, requests: Path, results: Path, *extra: str) -> Result:
    return invoke(fake, "batch", "run", str(requests), "-o", str(results), *URL, *extra)


def round_trip(fake: FakeOpenAI, articles: list[str], tmp_path: Path) -> tuple[Path, Path]:
    """Prepared requests and their results, answered by the fake."""
    requests = prepare(fake, articles, tmp_path)
    results = tmp_path / "results.jsonl"
    assert run(fake, requests, results).exit_code == 0
    return requests, results


def collect(fake: FakeOpenAI, out: Path, *args: str) -> Result:
    return invoke(fake, "batch", "collect", *args, "-o", str(out))


def without_context(body: dict[str, Any]) -> dict[str, Any]:
    """A live request with the earlier-speakers lines a batch cannot have taken out."""
    last = body["messages"][-1]["content"].split("\n")
    kept = [x for x in last if not x.startswith(("Speakers named earlier", "Last person quoted"))]
    messages = [*body["messages"][:-1], {**body["messages"][-1], "content": "\n".join(kept)}]
    return {**body, "messages": messages}


def test_prepare_writes_what_the_live_path_sends(tmp_path: Path, articles: list[str]) -> None:
    live = fake_endpoint()
    extract = ["extract", *articles, "-o", str(tmp_path / "live.jsonl"), "--no-cache"]
    assert invoke(live, *extract, *MODEL, "--concurrency", "1").exit_code == 0
    requests = prepare(fake_endpoint(), articles, tmp_path)

    rows = lines(requests)
    assert len(rows) == len(live.requests) == 6  # one per paragraph worth reading
    for row in rows:
        assert set(row) == {"custom_id", "method", "url", "body"}
        assert (row["method"], row["url"]) == ("POST", "/v1/chat/completions")
        assert row["body"]["response_format"]["type"] == "json_schema"
        assert (row["body"]["model"], row["body"]["temperature"], row["body"]["seed"]) == (
            "fake", 0.0, 0,
        )  # fmt: skip
    ids = [row["custom_id"] for row in rows]
    assert len(set(ids)) == len(ids) and all(parse_custom_id(i) for i in ids)
    assert rows[0]["body"] == live.requests[0]  # the first paragraph: byte for byte
    # later ones differ only in the earlier speakers, read from the text instead of answers
    assert [without_context(r["body"]) for r in rows] == [without_context(b) for b in live.requests]
    assert "Speakers named earlier" not in rows[1]["body"]["messages"][-1]["content"]
    third = rows[2]["body"]["messages"][-1]["content"]  # "“The fees …,” Tomas Brandt said."
    assert "Speakers named earlier in the article: Marta Quell (person)." in third
    assert "Last person quoted: Marta Quell." in third

    manifest = lines(tmp_path / "requests.manifest.jsonl")
    header, end = manifest[0], manifest[-1]
    assert header["model"] == "openai:fake" and header["response_format"] == "json_schema"
    assert len(header["prompt"]["hash"]) == 64 and header["context"] == "text"
    assert [e["article"]["id"] for e in manifest[1:-1]] == ["harbour #1/ a b", "bridge"]
    assert end == {"entry": "end", "requests": ["requests.jsonl"], "articles": 2,
                   "request_count": 6}  # fmt: skip


def test_prepare_llama_format_parts_and_bad_inputs(tmp_path: Path, articles: list[str]) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    requests = tmp_path / "req.jsonl"
    args = ["batch", "prepare", *articles, str(tmp_path / "empty.txt"), "-o", str(requests)]
    result = invoke(fake_endpoint(), *args, *MODEL, "--response-format", "llama",
                    "--max-requests", "4")  # fmt: skip
    assert result.exit_code == 1  # an unreadable input: reported, the batch still prepared
    assert "empty.txt: is empty" in result.stderr
    first, second = lines(requests), lines(tmp_path / "req.part2.jsonl")
    assert (len(first), len(second)) == (4, 2)
    fmt = first[0]["body"]["response_format"]
    assert fmt["type"] == "json_object" and "claims" in fmt["schema"]["properties"]
    again = invoke(fake_endpoint(), *args, *MODEL)
    assert again.exit_code == 2 and "--force" in again.stderr


def test_round_trip_gives_the_live_records(tmp_path: Path, articles: list[str]) -> None:
    live_out = tmp_path / "live.jsonl"
    assert invoke(fake_endpoint(), "extract", *articles, "-o", str(live_out), *MODEL).exit_code < 2
    fake = fake_endpoint()
    _, results = round_trip(fake, articles, tmp_path)
    assert len(fake.requests) == 6
    result_rows = lines(results)
    assert {r["response"]["status_code"] for r in result_rows} == {200}

    out = tmp_path / "out.jsonl"
    result = collect(fake, out, str(results))  # the manifest is found by the batch id
    assert result.exit_code == 0, result.output
    live, batch = by_id(live_out), by_id(out)
    assert sorted(batch) == sorted(live) == ["bridge", "harbour #1/ a b"]
    for article_id, record in batch.items():
        assert claims(record) == claims(live[article_id])
        assert isinstance(record, Extraction)
        assert record.rejected == [] and record.errors == []
        assert record.provenance.prompt == live[article_id].provenance.prompt
        assert record.provenance.model == "openai:fake"
    assert batch["bridge"].provenance.usage.prompt_tokens == 300
    assert "2 extracted; 4 claims" in result.stderr


def test_collect_takes_any_order_and_reports_bad_lines(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    _, results = round_trip(fake, articles, tmp_path)
    rows = list(reversed(lines(results)))
    text = "".join(json.dumps(r) + "\n" for r in rows[:3]) + "{not json\n"
    text += json.dumps({"response": {}}) + "\n" + "".join(json.dumps(r) + "\n" for r in rows[3:])
    results.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = collect(fake, out, str(results))
    assert result.exit_code == 1  # complete records, but the file had bad lines
    assert f"{results}:4: not valid JSON" in result.stderr
    assert f"{results}:5: not a batch result (custom_id: Field required)" in result.stderr
    records = by_id(out)
    assert len(claims(records["bridge"])) == len(claims(records["harbour #1/ a b"])) == 2


def test_missing_results_are_errors_not_gaps(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    _, results = round_trip(fake, articles, tmp_path)
    rows = in_order(lines(results))
    harbour_ids = [r["custom_id"] for r in rows if parse_custom_id(r["custom_id"])[1] == 1]
    bridge = [r for r in rows if r["custom_id"] not in harbour_ids]
    write_lines(results, bridge[1:])  # no harbour line at all, the bridge narration's lost
    out = tmp_path / "out.jsonl"
    result = collect(fake, out, str(results))
    assert result.exit_code == 1
    assert "4 requests without a result" in result.stderr
    records = by_id(out)
    harbour = records["harbour #1/ a b"]
    assert isinstance(harbour, ErrorRecord) and harbour.error_type == "batch"
    assert all(cid in harbour.message for cid in harbour_ids)
    partial = records["bridge"]
    assert isinstance(partial, Extraction)
    [error] = partial.errors
    assert bridge[0]["custom_id"] in error.message and "no results line" in error.message
    assert len(partial.claims) == 2


def test_failed_cut_off_and_invalid_answers(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    _, results = round_trip(fake, articles[1:], tmp_path)  # bridge: 3 requests
    council, holt, marsh = in_order(lines(results))
    council["response"] = {"status_code": 500, "body": {"error": {"message": "GPU on fire"}}}
    holt["response"]["body"]["choices"][0]["finish_reason"] = "length"
    marsh["response"]["body"]["choices"][0]["message"]["content"] = '{"claims": [{"speaker'
    write_lines(results, [council, holt, marsh])
    out = tmp_path / "out.jsonl"
    result = collect(fake, out, str(results))
    assert result.exit_code == 1 and "1 failed requests" in result.stderr
    record = by_id(out)["bridge"]
    assert isinstance(record, Extraction) and record.claims == []
    messages = [e.message for e in record.errors]
    assert [e.segment for e in record.errors] == [1, 2, 3]
    assert "HTTP 500: GPU on fire" in messages[0]
    assert "cut off at the token limit" in messages[1]
    assert "still invalid" in messages[2] and "cannot re-ask" in messages[2]
    assert record.provenance.usage.calls == 2  # the two answered requests were billed


def test_every_request_failed_is_an_error_record(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    fake.always_fail = 400
    requests = prepare(fake, articles[1:], tmp_path)
    results = tmp_path / "results.jsonl"
    ran = run(fake, requests, results)
    assert ran.exit_code == 1 and "3 failed" in ran.stderr
    out = tmp_path / "out.jsonl"
    assert collect(fake, out, str(results)).exit_code == 1
    record = by_id(out)["bridge"]
    assert isinstance(record, ErrorRecord) and record.error_type == "provider"
    assert "HTTP 400" in record.message and "fake overload" in record.message


def test_quote_not_in_paragraph_is_rejected_without_reask(
    tmp_path: Path, articles: list[str]
) -> None:
    fake = fake_endpoint()
    invented = "Tolls are a tax on the poor and the mayor knows it"
    fake.table["Rena Holt"] = [claim("Rena Holt", invented, type="warning")]
    _, results = round_trip(fake, articles[1:], tmp_path)
    out = tmp_path / "out.jsonl"
    assert collect(fake, out, str(results)).exit_code == 0
    assert fake.reasks == 0
    record = by_id(out)["bridge"]
    assert isinstance(record, Extraction)
    [rejected] = record.rejected
    assert rejected.quote == invented and rejected.speaker == "Rena Holt"
    assert rejected.reason.startswith(REJECTED_NOT_FOUND)
    assert "no re-ask is possible in batch mode" in rejected.reason
    assert [q for _, _, q, _ in claims(record)] == ["Nobody will pay twice, that is simply untrue"]


def test_results_of_another_batch_are_refused(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    _, results = round_trip(fake, articles, tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    prepare(fake, articles, other)
    out = tmp_path / "out.jsonl"
    wrong = collect(fake, out, str(results), "--manifest", str(other / "requests.manifest.jsonl"))
    assert wrong.exit_code == 2 and "belong to batch" in wrong.stderr
    assert not out.exists()
    manifest = tmp_path / "requests.manifest.jsonl"
    complete = manifest.read_bytes()
    manifest.write_bytes(complete[: complete.rfind(b"\n", 0, -1) + 1])  # prepare killed
    cut = collect(fake, out, str(results))
    assert cut.exit_code == 2 and "interrupted" in cut.stderr and not out.exists()
    manifest.rename(tmp_path / "moved.jsonl")
    lost = collect(fake, out, str(results))
    assert lost.exit_code == 2 and "--manifest" in lost.stderr and "no manifest" in lost.stderr


def test_paragraphs_split_otherwise_since_prepare(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    _, results = round_trip(fake, articles, tmp_path)
    manifest = tmp_path / "requests.manifest.jsonl"
    rows = lines(manifest)
    rows[2]["spans"][0][0] += 1  # bridge, as if a newer segmenter cut it elsewhere
    write_lines(manifest, rows)
    out = tmp_path / "out.jsonl"
    assert collect(fake, out, str(results)).exit_code == 1
    bridge = by_id(out)["bridge"]
    assert isinstance(bridge, ErrorRecord) and "prepare the batch again" in bridge.message


def test_existing_output_needs_resume(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    _, results = round_trip(fake, articles, tmp_path)
    out = tmp_path / "out.jsonl"
    assert collect(fake, out, str(results)).exit_code == 0
    before = out.read_bytes()
    again = collect(fake, out, str(results))
    assert again.exit_code == 2 and "--resume" in again.stderr
    resumed = collect(fake, out, str(results), "--resume")
    assert resumed.exit_code == 0 and "2 already done (resumed)" in resumed.stderr
    assert out.read_bytes() == before


def test_run_resumes_and_retries_failures(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    requests = prepare(fake, articles, tmp_path)
    results = tmp_path / "results.jsonl"
    fake.failures = [500] * 6 + [400]  # one request: transport retries exhausted; one: 400
    first = run(fake, requests, results, "--concurrency", "1")
    assert first.exit_code == 1 and "4 answered, 2 failed" in first.stderr
    assert run(fake, requests, results).exit_code == 2  # exists: --resume needed
    sent = len(fake.requests)
    again = run(fake, requests, results, "--resume")
    assert again.exit_code == 0, again.output
    assert "2 answered, 4 already in the results" in again.stderr
    assert len(fake.requests) == sent + 2
    rows = lines(results)
    assert len(rows) == 6 and all(r["response"]["status_code"] == 200 for r in rows)


def test_run_stops_when_the_key_is_refused(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    requests = prepare(fake, articles, tmp_path)
    fake.always_fail = 401
    result = run(fake, requests, tmp_path / "results.jsonl", "--concurrency", "1")
    assert result.exit_code == 2
    assert "model endpoint refused the API key: HTTP 401" in result.stderr
    assert "(check OPENAI_API_KEY)" in result.stderr


def test_run_switches_to_llama_format_like_the_live_path(
    tmp_path: Path, articles: list[str]
) -> None:
    fake = fake_endpoint()
    requests = prepare(fake, articles[1:], tmp_path)
    seen: list[str] = []

    def llama_server(request: Any) -> Any:
        import httpx

        fmt = json.loads(request.content)["response_format"]["type"]
        seen.append(fmt)
        if fmt == "json_schema":  # what llama-cpp-python's server answers
            return httpx.Response(500, json={"error": {"message": "response_format: bad"}})
        return fake.handle(request)

    import httpx

    client = httpx.Client(transport=httpx.MockTransport(llama_server))
    results = tmp_path / "results.jsonl"
    args = ["batch", "run", str(requests), "-o", str(results), *URL, "--concurrency", "1"]
    result = CliRunner().invoke(app, args, obj={"http_client": client})
    assert result.exit_code == 0, result.output
    assert seen == ["json_schema", "json_object", "json_object", "json_object"]


@pytest.mark.slow
@pytest.mark.skipif(
    test_integration.MODEL_PATH is None and not os.environ.get("CI"),
    reason=test_integration.MISSING,
)
def test_round_trip_against_llama_cpp_server(server: Server, tmp_path: Path) -> None:
    """prepare -> run against llama.cpp's server -> collect: one grounded record per article,
    one answered request per paragraph (who speaks is the model's call: see the eval gate)."""
    (tmp_path / "sardines.txt").write_text(ARTICLE, encoding="utf-8")
    requests, results, out = (tmp_path / n for n in ("req.jsonl", "res.jsonl", "out.jsonl"))
    runner = CliRunner()
    url = ["--base-url", server.base_url]
    steps = [
        ["batch", "prepare", str(tmp_path / "sardines.txt"), "-o", str(requests),
         "--model", "openai:qwen", *url],
        ["batch", "run", str(requests), "-o", str(results), *url, "--concurrency", "1"],
        ["batch", "collect", str(results), "-o", str(out)],
    ]  # fmt: skip
    for step in steps:
        result = runner.invoke(app, step)
        assert result.exit_code == 0, (step, result.output)
    assert len(lines(requests)) == 2  # two paragraphs, two model calls
    [record] = by_id(out).values()
    assert isinstance(record, Extraction)
    assert_grounded(record)
    assert record.errors == []
    assert record.provenance.usage.calls == 2
    assert record.provenance.model == "openai:qwen"
