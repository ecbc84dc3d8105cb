"""`stance agree`: two labellings of one article, matched as `stance eval` matches.

A is evalkit's port article. B misses the hedged claim, gives Deepco's denial to Ruiz without
its link, calls the commitment a warning and adds a claim A does not have.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalkit import TEXT, gold_claim, port_gold
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import InputError
from stance.evaluation.agreement import agree_articles, cohen_kappa, load_pairs
from stance.evaluation.gold import GoldArticle
from stance.schema import ClaimType


def second_labeller() -> GoldArticle:
    a = port_gold()
    c1, _, c3, c4 = a.claims
    claims = [
        c1,
        c3.model_copy(update={"claimer": "a1", "denies": None}),
        c4.model_copy(update={"type": ClaimType.WARNING}),
        gold_claim("c5", "a2", "The dredging firm Deepco denied"),
    ]
    b = a.model_copy(update={"claims": claims})
    b.text = TEXT
    return b


def test_agreement_counts_spans_then_attributes_of_matched_claims() -> None:
    counts = agree_articles(port_gold(), second_labeller())
    assert (counts.claims_a, counts.claims_b, counts.matched) == (4, 4, 3)
    assert counts.attribution == 0.75  # 2*3 / (4+4), as PolNeAR reports it
    shares = {k: (counts.same[k], counts.total[k]) for k in counts.same}
    assert shares == {
        "speaker": (2, 3), "type": (2, 3), "hedged": (3, 3), "polarity": (3, 3), "link": (0, 1),
    }  # fmt: skip
    assert counts.type_kappa == pytest.approx(4 / 7)


def test_identical_labellings_agree_fully_and_the_overlap_rule_pairs_more() -> None:
    same = agree_articles(port_gold(), port_gold())
    assert same.attribution == 1.0 and all(same.share(k) == 1.0 for k in same.same)
    shorter = port_gold()
    c1 = shorter.claims[0]
    shorter.claims[0] = c1.model_copy(update={"start": c1.start + 4, "quote": c1.quote[4:]})
    cut = port_gold()
    cut.claims[0] = c1.model_copy(update={"end": c1.end - 20, "quote": c1.quote[:-20]})
    assert agree_articles(shorter, cut, 0.5, "iou").matched == 3  # IoU 9/33 < 0.5
    assert agree_articles(shorter, cut, 0.5, "overlap").matched == 4  # 9 of the shorter 13


def test_cohen_kappa() -> None:
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "b"), ("b", "a")]) == -1.0
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # chance agreement is 1: undefined
    assert cohen_kappa([]) is None


def write_gold(folder: Path, article: GoldArticle) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{article.id}.txt").write_text(article.text, encoding="utf-8")
    path = folder / f"{article.id}.gold.json"
    path.write_text(article.model_dump_json(indent=1), encoding="utf-8")
    return path


def test_agree_cli_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    write_gold(tmp_path / "a", port_gold())
    write_gold(tmp_path / "b", second_labeller())
    extra = port_gold().model_copy(update={"id": "extra"})
    extra.text = TEXT
    write_gold(tmp_path / "b", extra)
    out = tmp_path / "agree.json"
    result = CliRunner().invoke(
        app, ["agree", str(tmp_path / "a"), str(tmp_path / "b"), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "article  A  B  matched  attrib  speaker   type  hedged  polarity   link\n"
        "port     4  4        3   0.750    0.667  0.667   1.000     1.000  0.000\n"
        "-----------------------------------------------------------------------\n"
        "total    4  4        3   0.750    0.667  0.667   1.000     1.000  0.000\n"
        "claims matched by iou >= 0.5; type kappa (Cohen, 3 matched pairs): 0.571\n"
    )
    assert result.stderr == f"only in {tmp_path / 'b'}: extra\n"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["total"]["attribution_agreement"] == 0.75
    assert data["total"]["type_kappa"] == 0.5714 and data["match"] == "iou"


def test_agree_refuses_mismatched_inputs(tmp_path: Path) -> None:
    a = write_gold(tmp_path / "a", port_gold())
    other = port_gold()
    other.text = TEXT + " More."
    b = write_gold(tmp_path / "b", other)
    result = CliRunner().invoke(app, ["agree", str(a), str(b)])
    assert result.exit_code == 2
    assert result.stderr == "stance: error: port: the two labellings are of different texts\n"
    result = CliRunner().invoke(app, ["agree", str(a), str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "give two gold files or two folders" in result.stderr
    result = CliRunner().invoke(app, ["agree", str(a), str(a), "--match", "exact"])
    assert result.stderr == "stance: error: --match must be one of iou, overlap, not 'exact'\n"
    with pytest.raises(InputError, match="no such file"):
        load_pairs(a, tmp_path / "missing.gold.json")
