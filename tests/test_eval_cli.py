"""`stance eval` and `stance compare` through the CLI runner, with a fake endpoint.

The article, the fake endpoint and the environment fixture are test_cli's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from evalkit import gold_claim
from fake_openai import FakeOpenAI
from test_cli import BRIDGE, MODEL, _env, fake_endpoint
from typer.testing import CliRunner, Result

from stance.cli import app
from stance.evaluation.gold import GoldActor, GoldArticle
from stance.schema import ActorKind, Attribution, ClaimType

pytestmark = pytest.mark.usefixtures("paragraph_reader")


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "evals" / "gold"
    folder.mkdir(parents=True)
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    warning = "Drivers will probably pay twice what they pay today"
    article = GoldArticle(
        id="bridge",
        actors=[
            GoldActor(id="a1", name="Rena Holt", kind=ActorKind.PERSON, mentions=["Rena Holt"]),
            GoldActor(id="a2", name="Ivo Marsh", kind=ActorKind.PERSON, mentions=["Ivo Marsh"]),
        ],
        claims=[
            gold_claim(
                "c1",
                "a1",
                warning,
                BRIDGE,
                type=ClaimType.WARNING,
                hedged=True,
                attribution=Attribution.DIRECT,
            ),
            gold_claim(
                "c2",
                "a2",
                "Nobody will pay twice, that is simply untrue",
                BRIDGE,
                type=ClaimType.DENIAL,
                denies="c1",
                attribution=Attribution.DIRECT,
            ),
        ],
    )
    (folder / "bridge.gold.json").write_text(article.model_dump_json(indent=1), encoding="utf-8")
    return folder


def invoke(fake: FakeOpenAI | None, *args: str) -> Result:
    obj = {"http_client": fake.client()} if fake else {}
    return CliRunner().invoke(app, list(args), obj=obj)


def test_eval_extracts_scores_and_writes_reports(gold_dir: Path, tmp_path: Path) -> None:
    fake = fake_endpoint()
    report, md = tmp_path / "run.json", tmp_path / "run.md"
    result = invoke(
        fake, "eval", str(gold_dir), *MODEL, "--report", str(report), "--markdown", str(md)
    )
    assert result.exit_code == 0, result.output
    assert "claim_f1" in result.stdout and "1.000" in result.stdout
    data = json.loads(report.read_text())
    manifest = data["manifest"]
    assert manifest["model"] == "openai:fake" and manifest["prompt"]["hash"]
    assert manifest["schema_version"] and manifest["created_at"] and manifest["articles"] == 1
    assert manifest["usage"]["calls"] == len(fake.paragraphs) > 0
    assert data["metrics"]["claim_f1"]["value"] == 1.0
    assert data["metrics"]["denial_link_accuracy"]["value"] == 1.0
    assert data["articles"][0]["id"] == "bridge"
    text = md.read_text()
    assert "| claim_f1 | 1.000" in text and "openai:fake" in text


def test_gate_fails_and_names_the_metric(gold_dir: Path, tmp_path: Path) -> None:
    fake = fake_endpoint()
    fake.table["Rena Holt"] = []  # the warning is never found
    result = invoke(
        fake, "eval", str(gold_dir), *MODEL, "--fail-under", "claim_f1=0.9,denial_f1=0.5"
    )
    assert result.exit_code == 1
    assert "gate failed: claim_f1 = 0.667 is below 0.900" in result.stderr
    assert "denial_f1" not in result.stderr
    bad = invoke(fake, "eval", str(gold_dir), *MODEL, "--fail-under", "clam_f1=0.9")
    assert bad.exit_code == 1 and "clam_f1" in bad.stderr


def test_baseline_drop_fails_the_gate(gold_dir: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    assert (
        invoke(fake_endpoint(), "eval", str(gold_dir), *MODEL, "--report", str(base)).exit_code == 0
    )
    worse = fake_endpoint()
    worse.table["Rena Holt"] = []
    result = invoke(
        worse,
        "eval",
        str(gold_dir),
        *MODEL,
        "--cache",
        str(tmp_path / "other.sqlite"),
        "--baseline",
        str(base),
    )
    assert result.exit_code == 1
    assert "claim_f1 = 0.667 dropped more than 0.020 below the baseline 1.000" in result.stderr


def test_record_then_replay_offline_without_a_model(gold_dir: Path, tmp_path: Path) -> None:
    fake = fake_endpoint()
    recorded = invoke(fake, "eval", str(gold_dir), *MODEL, "--record")
    assert recorded.exit_code == 0, recorded.output
    recording = gold_dir.parent / "recordings" / "gold.jsonl"
    rows = [json.loads(line) for line in recording.read_text().splitlines()]
    assert len(rows) == len(fake.paragraphs) and all(r["model"] == "openai:fake" for r in rows)
    # No endpoint at all now: every answer must come from the recording.
    replay = invoke(
        None, "eval", str(gold_dir), *MODEL, "--offline", "--fail-under", "claim_f1=0.9"
    )
    assert replay.exit_code == 0, replay.output
    assert "0 model calls" in replay.stdout


def test_offline_miss_names_the_article_and_how_to_rerecord(gold_dir: Path) -> None:
    assert invoke(fake_endpoint(), "eval", str(gold_dir), *MODEL, "--record").exit_code == 0
    text = (gold_dir / "bridge.txt").read_text().replace("Friday", "Monday")
    (gold_dir / "bridge.txt").write_text(text)
    replay = invoke(None, "eval", str(gold_dir), *MODEL, "--offline")
    assert replay.exit_code == 1
    assert "bridge: no recorded response" in replay.stderr
    assert "Monday" in replay.stderr  # the paragraph that changed
    assert (
        f"stance eval {gold_dir} --model openai:fake" in replay.stderr
        and "--record" in replay.stderr
    )


def test_predictions_file_is_scored_without_a_model(gold_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert (
        invoke(
            fake_endpoint(), "extract", str(gold_dir / "bridge.txt"), *MODEL, "-o", str(out)
        ).exit_code
        == 0
    )
    result = invoke(None, "eval", str(gold_dir), "--predictions", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"attribution_f1\s+1\.000 \[1\.000, 1\.000\]", result.stdout)


def test_compare_shows_paired_differences(gold_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert invoke(fake_endpoint(), "eval", str(gold_dir), *MODEL, "--report", str(a)).exit_code == 0
    worse = fake_endpoint()
    worse.table["Rena Holt"] = []
    assert (
        invoke(
            worse,
            "eval",
            str(gold_dir),
            *MODEL,
            "--cache",
            str(tmp_path / "o.sqlite"),
            "--report",
            str(b),
        ).exit_code
        == 0
    )
    md = tmp_path / "cmp.md"
    result = invoke(None, "compare", str(a), str(b), "--markdown", str(md))
    assert result.exit_code == 0, result.output
    assert "claim_f1" in result.stdout and "-0.333" in result.stdout
    text = md.read_text()
    assert "| claim_f1 | 1.000" in text and "b − a" in text
    assert "better on 0, worse on 1, tied on 0" in text
    assert invoke(None, "compare", str(a)).exit_code == 1


POLNEAR_DEV = Path(__file__).parents[1] / ".." / "shared" / "benchmarks" / "polnear" / "dev"


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="../shared/benchmarks/polnear is absent")
def test_polnear_dataset_is_read_extracted_and_scored(tmp_path: Path) -> None:
    report = tmp_path / "pn.json"
    result = invoke(
        fake_endpoint(), "eval", str(POLNEAR_DEV), *MODEL, "--limit", "2", "--report", str(report)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("polnear: 2 articles")
    for name in ("claim_f1", "source_named_accuracy", "source_pronoun_accuracy"):
        assert name in result.stdout
    data = json.loads(report.read_text())
    assert data["manifest"]["dataset"] == "polnear"
    assert sum(a["counts"]["claim_gold"] for a in data["articles"]) > 0
    assert "stance_f1" not in data["headline"]


def test_python_api_gives_the_same_report(gold_dir: Path, tmp_path: Path) -> None:
    from stance import evaluate_dataset

    out = tmp_path / "out.jsonl"
    assert (
        invoke(
            fake_endpoint(), "extract", str(gold_dir / "bridge.txt"), *MODEL, "-o", str(out)
        ).exit_code
        == 0
    )
    report = evaluate_dataset(gold_dir, predictions=out, resamples=200)
    assert report.value("claim_f1") == 1.0
    assert report.manifest.dataset == "gold" and report.manifest.resamples == 200


__all__ = ["_env"]  # the autouse environment fixture of test_cli applies here too
