"""`stance export` and `stance.frames()`: the tables hold what the records and reports hold.

The records come from running the docs' own command (the rules reader on the gold set, no
model), so the pandas example of docs/how-to/python-api.md is run here too and its printed
answer checked.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io
import os
import re
import shlex
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from evalkit import port_gold
from test_scoring import hand_worked_prediction
from typer.testing import CliRunner, Result

from stance import frames
from stance.cli import app
from stance.errors import ConfigError
from stance.evaluation.dataset_scoring import score_dataset
from stance.schema import ErrorRecord, Extraction, OutputRecord, Span, parse_record

ROOT = Path(__file__).resolve().parents[1]
TABLES = ["articles", "actors", "claims", "stances", "denial_links", "relations"]


EXAMPLE_PAGE = ROOT / "docs" / "how-to" / "python-api.md"


def docs_example() -> tuple[str, str, str]:
    """The command, the Python code and the printed output between the docs page's markers."""
    text = EXAMPLE_PAGE.read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN FRAMES EXAMPLE", 1)[1].split("<!-- END FRAMES EXAMPLE -->")[0]
    bash, python, output = re.findall(r"```(?:bash|python|text)\n(.*?)```", block, re.S)
    return bash.strip(), python, output


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the example's command has run: ``evals`` links to the repo's."""
    work = tmp_path_factory.mktemp("frames")
    (work / "evals").symlink_to(ROOT / "evals")
    command = shlex.split(docs_example()[0])
    assert command[0] == "stance"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        mp.setenv("STANCE_CACHE_DIR", str(work / "cache"))
        args = [a for arg in command[1:] for a in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
        result = invoke(*args)
    assert result.exit_code == 0, result.output
    return work


FAILED = ErrorRecord(
    article_id="broken",
    source="news/broken.txt",
    error_type="InputError",
    message="news/broken.txt is empty",
    created_at=datetime(2025, 1, 2, tzinfo=timezone.utc),
)


@pytest.fixture(scope="module")
def with_failure(workdir: Path) -> Path:
    """The example's output plus one article that failed."""
    path = workdir / "with-failure.jsonl"
    data = (workdir / "out" / "gold.jsonl").read_text(encoding="utf-8")
    path.write_text(data + FAILED.model_dump_json() + "\n", encoding="utf-8")
    return path


def records(path: Path) -> list[OutputRecord]:
    return [parse_record(line) for line in path.read_text(encoding="utf-8").splitlines()]


def extractions(path: Path) -> list[Extraction]:
    return [r for r in records(path) if isinstance(r, Extraction)]


def _offsets(span: Span | None) -> tuple[int | None, int | None]:
    return (span.start, span.end) if span else (None, None)


def expected_claims(path: Path) -> list[tuple[Any, ...]]:
    rows = []
    for r in extractions(path):
        for c in r.claims:
            rows.append(
                (
                    r.article_id,
                    c.id,
                    c.claimer,
                    r.actor(c.claimer).name,
                    c.type.value,
                    c.quote,
                    c.span.start,
                    c.span.end,
                    *_offsets(c.source_span),
                    *_offsets(c.cue_span),
                )
            )
    return rows


CLAIM_FIELDS = (
    "article_id",
    "claim_id",
    "claimer_id",
    "claimer_name",
    "type",
    "quote",
    "start",
    "end",
    "source_start",
    "source_end",
    "cue_start",
    "cue_end",
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_docs_example_prints_what_the_page_shows(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, code, shown = docs_example()
    monkeypatch.chdir(workdir)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(EXAMPLE_PAGE), "exec"), {})
    assert printed.getvalue() == shown


def test_csv_export_writes_a_file_per_table_and_names_each(
    with_failure: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    result = invoke("export", str(with_failure), str(out), "--to", "csv")
    assert result.exit_code == 0, result.output
    done = extractions(with_failure)
    sizes = {
        "articles": len(done) + 1,
        "actors": sum(len(r.actors) for r in done),
        "claims": sum(len(r.claims) for r in done),
        "stances": sum(len(r.stances) for r in done),
        "denial_links": sum(c.denies is not None for r in done for c in r.claims),
        "relations": sum(len(r.relations) for r in done),
    }
    assert sizes["claims"] > 100 and sizes["denial_links"] > 5  # the gold set has both
    assert sizes["relations"] > 5  # and accusations, denials, demands aimed at an actor
    assert result.stdout == ""
    assert result.stderr == "".join(
        f"wrote {out / name}.csv: {n} rows\n" for name, n in sizes.items()
    )
    assert sorted(os.listdir(out)) == sorted(f"{name}.csv" for name in TABLES)


def test_csv_claims_equal_the_jsonl_claims(with_failure: Path, tmp_path: Path) -> None:
    assert invoke("export", str(with_failure), str(tmp_path), "--to", "csv").exit_code == 0
    rows = read_csv(tmp_path / "claims.csv")
    got = [tuple(row[f] for f in CLAIM_FIELDS) for row in rows]
    as_csv = [
        tuple("" if v is None else str(v) for v in row) for row in expected_claims(with_failure)
    ]
    assert got == as_csv
    assert any(row[8] for row in as_csv), "the rules reader gives source spans"
    texts = {r.article_id: r.text for r in extractions(with_failure)}
    for row in rows:
        if row["source_start"]:
            start, end = int(row["source_start"]), int(row["source_end"])
            assert row["source_text"] == texts[row["article_id"]][start:end]
    assert {row["hedged"] for row in rows} <= {"true", "false"}


def test_parquet_tables_equal_the_jsonl_records(with_failure: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    result = invoke("export", str(with_failure), str(tmp_path), "--to", "parquet")
    assert result.exit_code == 0, result.output
    claims = pq.read_table(tmp_path / "claims.parquet").to_pylist()
    assert [tuple(row[f] for f in CLAIM_FIELDS) for row in claims] == expected_claims(with_failure)
    done = extractions(with_failure)
    links = pq.read_table(tmp_path / "denial_links.parquet").to_pylist()
    assert [(row["article_id"], row["denial_id"], row["denied_id"]) for row in links] == [
        (r.article_id, c.id, c.denies) for r in done for c in r.claims if c.denies
    ]
    by_id = {(r.article_id, c.id): r.actor(c.claimer).name for r in done for c in r.claims}
    for row in links:
        assert row["denied_claimer_name"] == by_id[(row["article_id"], row["denied_id"])]
    stances = pq.read_table(tmp_path / "stances.parquet").to_pylist()
    assert [(row["holder_id"], row["polarity"], row["claim_ids"].split()) for row in stances] == [
        (s.holder, s.polarity.value, s.evidence) for r in done for s in r.stances
    ]
    actors = pq.read_table(tmp_path / "actors.parquet").to_pylist()
    assert [(row["actor_id"], row["name"], row["n_mentions"]) for row in actors] == [
        (a.id, a.name, len(a.mentions)) for r in done for a in r.actors
    ]


def test_relations_table_is_the_actor_network_of_the_records(
    with_failure: Path, tmp_path: Path
) -> None:
    """Who accuses, denies and demands of whom, as the records say, with names beside ids,
    in CSV and parquet alike; each row's claims are that speaker's, aimed at that actor."""
    import pyarrow.parquet as pq

    for fmt in ("csv", "parquet"):
        assert invoke("export", str(with_failure), str(tmp_path), "--to", fmt).exit_code == 0
    done = extractions(with_failure)
    expected = [
        (r.article_id, x.source, r.actor(x.source).name, x.relation.value, x.target,
         r.actor(x.target).name, " ".join(x.evidence))
        for r in done
        for x in r.relations
    ]  # fmt: skip
    columns = ("article_id", "source_id", "source_name", "relation", "target_id", "target_name",
               "claim_ids")  # fmt: skip
    rows = read_csv(tmp_path / "relations.csv")
    assert [tuple(row[c] for c in columns) for row in rows] == expected
    parquet = pq.read_table(tmp_path / "relations.parquet").to_pylist()
    assert [tuple(row[c] for c in columns) for row in parquet] == expected
    assert {row["relation"] for row in rows} == {"accuses", "denies", "demands"}
    claims = {(r.article_id, c.id): c for r in done for c in r.claims}
    for row in rows:
        for claim_id in row["claim_ids"].split():
            claim = claims[(row["article_id"], claim_id)]
            assert (claim.claimer, claim.target_actor) == (row["source_id"], row["target_id"])
    aimed = [row for row in read_csv(tmp_path / "claims.csv") if row["target_actor_id"]]
    assert len(aimed) == sum(len(row["claim_ids"].split()) for row in rows)


def test_a_failed_article_is_a_row_of_articles(with_failure: Path, tmp_path: Path) -> None:
    assert invoke("export", str(with_failure), str(tmp_path)).exit_code == 0  # csv by default
    rows = read_csv(tmp_path / "articles.csv")
    assert [r["article_id"] for r in rows] == [r.article_id for r in records(with_failure)]
    failed = rows[-1]
    assert (failed["status"], failed["error_type"], failed["error"], failed["n_claims"]) == (
        "failed",
        "InputError",
        "news/broken.txt is empty",
        "",
    )
    assert {r["status"] for r in rows[:-1]} == {"ok"}
    counted = [int(r["n_claims"]) for r in rows[:-1]]
    assert counted == [len(r.claims) for r in extractions(with_failure)]
    articles = frames(with_failure).articles
    assert articles.loc[articles.status == "failed", "article_id"].tolist() == ["broken"]


@pytest.fixture
def report_path(tmp_path: Path) -> Path:
    """Two articles: the hand-worked prediction, and one that failed (no prediction)."""
    gold, pred = hand_worked_prediction()
    other = port_gold().model_copy(update={"id": "port-2"})
    report = score_dataset(
        [gold, other], {"port": pred}, dataset="t", dataset_path="t", resamples=100
    )
    path = tmp_path / "run.json"
    path.write_text(report.model_dump_json(indent=1), encoding="utf-8")
    return path


def test_report_export_matches_agree_with_the_scorers_counts(
    report_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    result = invoke("export", str(report_path), str(out), "--to", "csv")
    assert result.exit_code == 0, result.output
    assert (
        result.stderr
        == f"wrote {out / 'articles.csv'}: 2 rows\nwrote {out / 'matches.csv'}: 9 rows\n"
    )
    articles = {row["article_id"]: row for row in read_csv(out / "articles.csv")}
    matches = read_csv(out / "matches.csv")
    assert (articles["port-2"]["status"], articles["port-2"]["error"]) == (
        "failed",
        "no prediction",
    )
    for aid, row in articles.items():
        mine = [m for m in matches if m["article_id"] == aid]
        status = [m["status"] for m in mine]
        assert status.count("matched") == int(row["claim_tp"])
        assert status.count("matched") + status.count("missed") == int(row["claim_gold"])
        assert status.count("matched") + status.count("spurious") == int(row["claim_pred"])
        right = sum(m["right_claimer"] == "true" for m in mine)
        assert right == int(row["attribution_tp"])
    assert [(m["status"], m["gold_claim_id"], m["predicted_claim_id"]) for m in matches[:5]] == [
        ("matched", "c1", "p1"),
        ("matched", "c2", "p2"),
        ("matched", "c3", "p3"),
        ("missed", "c4", ""),
        ("spurious", "", "p4"),
    ]
    assert float(articles["port"]["claim_f1"]) == 0.75


def test_frames_gives_typed_dataframes(report_path: Path, with_failure: Path) -> None:
    run = frames(report_path)
    assert list(run) == ["articles", "matches"]
    assert str(run.matches["gold_index"].dtype) == "Int64"
    assert run.matches["right_claimer"].sum() == run.articles["attribution_tp"].sum() == 2
    extracted = frames(str(with_failure))
    assert list(extracted) == TABLES
    assert len(extracted.claims) == len(expected_claims(with_failure))
    with pytest.raises(AttributeError, match="no table 'matches'; these are: articles, actors"):
        _ = extracted.matches


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "nope.jsonl", "cannot read {src}: No such file or directory; give"),
        (lambda d: d, "{src} is a directory; give"),
        (lambda d: _write(d / "r.md", "# notes\n"), "{src} is not a `stance extract` JSONL or"),
        (lambda d: _write(d / "e.jsonl", ""), "{src} is empty; give"),
        (
            lambda d: _write(d / "t.jsonl", FAILED.model_dump_json() + '\n{"record": "err'),
            "{src}:2: not a stance record (the torn last line of an interrupted run?)",
        ),
    ],
)
def test_a_source_that_is_not_stance_output_is_refused(
    make: Any, message: str, tmp_path: Path
) -> None:
    src = make(tmp_path)
    result = invoke("export", str(src), str(tmp_path / "tables"))
    assert result.exit_code == 2
    assert result.stderr.startswith("stance: error: " + message.format(src=src))
    assert not (tmp_path / "tables").exists()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_format_or_a_file_as_folder_is_refused(report_path: Path, tmp_path: Path) -> None:
    result = invoke("export", str(report_path), str(tmp_path / "t"), "--to", "xlsx")
    assert (result.exit_code, result.stderr) == (
        2,
        "stance: error: --to must be one of csv, parquet, not 'xlsx'\n",
    )
    result = invoke("export", str(report_path), str(report_path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"stance: error: {report_path} is a file; give a directory to write the tables into\n",
    )


def test_missing_extras_say_how_to_install_them(
    report_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    result = invoke("export", str(report_path), str(tmp_path / "t"), "--to", "parquet")
    assert (result.exit_code, result.stderr) == (
        2,
        "stance: error: writing parquet needs pyarrow: pip install 'stance[analysis]'\n",
    )
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ConfigError, match=r"needs pandas: pip install 'stance\[analysis\]'"):
        frames(report_path)


def test_import_stance_and_the_cli_load_neither_pandas_nor_pyarrow() -> None:
    probe = (
        "import sys, stance, stance.cli; stance.frames; "
        "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout == "[]\n"
