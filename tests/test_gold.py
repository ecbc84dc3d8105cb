"""The gold set itself: every file valid, every quote at its offsets, every tag covered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.evaluation.gold import COVERAGE, coverage_gaps, load_gold, load_gold_dir, main, problems

GOLD = Path(__file__).parents[1] / "evals" / "gold"
TEST = GOLD / "test"  # the held-out split: written before the new readers ran on it
DEV2 = GOLD / "dev2"  # a second development split, for types, stances and denial links
FILES = [p for folder in (GOLD, TEST, DEV2) for p in sorted(folder.glob("*.gold.json"))]


def test_the_set_has_at_least_twelve_articles_and_covers_every_case() -> None:
    articles = load_gold_dir(GOLD)
    assert len(articles) >= 12
    assert coverage_gaps(articles) == []
    for folder in (GOLD, TEST, DEV2):
        assert sorted(p.name.removesuffix(".gold.json") for p in folder.glob("*.gold.json")) == (
            sorted(p.stem for p in folder.glob("*.txt"))
        )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_gold_file_is_valid(path: Path) -> None:
    article = load_gold(path)
    assert problems(article) == []
    assert article.id == path.name.removesuffix(".gold.json")
    for claim in article.claims:
        assert article.text[claim.start : claim.end] == claim.quote


def test_the_held_out_split_has_at_least_eight_articles_and_covers_every_case() -> None:
    articles = load_gold_dir(TEST)
    assert len(articles) >= 8
    assert coverage_gaps(articles) == []
    assert not {a.id for a in articles} & {a.id for a in load_gold_dir(GOLD)}


def test_tagged_cases_are_really_there() -> None:
    articles = {a.id: a for a in load_gold_dir(GOLD)}
    tagged = {tag: [a for a in articles.values() if tag in a.covers] for tag in COVERAGE}
    assert all(len(a.text.split()) > 3000 for a in tagged["long"])
    assert all(not a.claims for a in tagged["no_claims"])
    assert all(any(c.denies for c in a.claims) for a in tagged["denial_link"])
    assert all(any(c.hedged for c in a.claims) for a in tagged["hedged_accusation"])
    assert all(any(s.basis == "action" for s in a.stances) for a in tagged["stance_without_claim"])
    assert all("gnore previous instructions" in a.text for a in tagged["prompt_injection"])
    assert all(
        any(not ch.isascii() and ch.isalpha() for ch in a.text) for a in tagged["diacritics"]
    )


def test_validator_reports_a_shifted_offset(tmp_path: Path) -> None:
    source = FILES[0]
    data = json.loads(source.read_text(encoding="utf-8"))
    claim = next(c for c in data["claims"])
    claim["start"] += 1
    stem = source.name.removesuffix(".gold.json")
    (tmp_path / f"{stem}.gold.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / f"{stem}.txt").write_text(
        (GOLD / f"{stem}.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = problems(load_gold(tmp_path / f"{stem}.gold.json"))
    assert any(claim["id"] in p and "!= quote" in p for p in found)
    assert main([str(tmp_path)]) == 1


def test_a_missing_text_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.gold.json").write_text('{"id": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.gold\.json"):
        load_gold_dir(tmp_path)
