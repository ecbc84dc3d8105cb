"""The closing summary and exit code of `stance extract`: what a batch user reads last."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fake_openai import claim
from test_cli import BRIDGE, HARBOUR, by_id, claims, fake_endpoint, invoke
from test_cli import _env as _env  # autouse: a private cache and no real keys

from stance.schema import Extraction

pytestmark = pytest.mark.usefixtures("paragraph_reader")


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    (tmp_path / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    return [str(tmp_path / "harbour.txt"), str(tmp_path / "bridge.txt")]


PRICED = ["--model", "openai:gpt-4o-mini", "--base-url", "http://fake.test/v1"]


def test_summary_gives_tokens_cost_and_latency(tmp_path: Path, articles: list[str]) -> None:
    fake = fake_endpoint()
    first = invoke(fake, "extract", *articles, *PRICED, "-o", str(tmp_path / "a.jsonl"))
    assert first.exit_code == 0, first.output
    # 6 calls of 100 prompt + 20 completion tokens at $0.15 / $0.60 per million
    assert "6 model calls (600 prompt + 120 completion tokens)" in first.stderr
    assert "cost $0.0002" in first.stderr
    assert re.search(
        r"\(\d+\.\d\d s per article, slowest \d+\.\d s for (harbour|bridge)\)", first.stderr
    )

    again = invoke(fake, "extract", *articles, *PRICED, "-o", str(tmp_path / "b.jsonl"))
    assert again.exit_code == 0, again.output
    assert "0 model calls + 6 from cache" in again.stderr
    assert "cost $0.0000" in again.stderr  # cache hits were paid for by the first run
    assert len(fake.requests) == 6


def test_unknown_price_is_said_not_guessed(tmp_path: Path, articles: list[str]) -> None:
    model = ["--model", "openai:my-vllm-model", "--base-url", "http://fake.test/v1"]
    out = str(tmp_path / "o.jsonl")
    result = invoke(fake_endpoint(), "extract", articles[0], *model, "-o", out)
    assert result.exit_code == 0, result.output
    assert "cost unknown (no price for this model)" in result.stderr


def test_an_unreadable_paragraph_makes_the_exit_code_1(tmp_path: Path, articles: list[str]) -> None:
    fake, out = fake_endpoint(), tmp_path / "out.jsonl"
    broken = claim("Tomas Brandt", "The fees are fair and they were agreed last year")
    broken["type"] = "not-a-claim-type"  # invalid however often it is re-asked
    fake.table["Tomas Brandt"] = [broken]
    result = invoke(fake, "extract", *articles, *PRICED, "-o", str(out))
    assert result.exit_code == 1
    assert "2 articles: 2 extracted; 3 claims, 1 unreadable paragraph;" in result.stderr
    harbour = by_id(out)["harbour"]
    assert isinstance(harbour, Extraction)
    assert [e.segment for e in harbour.errors] == [3]
    assert "answer still invalid after 3 attempts" in harbour.errors[0].message
    assert len(claims(harbour)) == 1


def test_rpm_paces_requests_and_says_how_long_it_waited(
    tmp_path: Path, articles: list[str]
) -> None:
    fake = fake_endpoint()
    result = invoke(
        fake,
        "extract",
        *articles,
        *PRICED,
        "--rpm",
        "240",
        "--concurrency",
        "4",
        "-o",
        str(tmp_path / "o.jsonl"),
    )
    assert result.exit_code == 0, result.output
    # 4 a second with a 4-request burst: the 6 calls wait about half a second in all
    waited = re.search(r"; (\d+\.\d) s waited for --rpm/--tpm", result.stderr)
    assert waited is not None, result.stderr
    assert 0.3 <= float(waited.group(1)) <= 2.0
    assert len(fake.requests) == 6
