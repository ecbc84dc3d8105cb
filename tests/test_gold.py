"""The gold set itself: every file valid, every quote at its offsets, every tag covered."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.evaluation.gold import (
    CASES,
    COVERAGE,
    coverage_gaps,
    load_gold,
    load_gold_dir,
    main,
    problems,
)
from stance.evaluation.splits import load_split, split_folders, split_overlaps
from stance.schema import ClaimType

GOLD = Path(__file__).parents[1] / "evals" / "gold"
TEST = GOLD / "test"  # the held-out split: written before the new readers ran on it
DEV2 = GOLD / "dev2"  # a second development split, for types, stances and denial links
DEV3 = GOLD / "dev3"  # a third, written blind: 71 denial links to choose judges on
TRAIN = GOLD / "train"  # what the judge's heads learn from
TEST2 = GOLD / "test2"  # held out: written at the same time as train, kept out by splits.json
FOLDERS = (GOLD, TEST, DEV2, DEV3, TRAIN, TEST2)
FILES = [p for folder in FOLDERS for p in sorted(folder.glob("*.gold.json"))]


def test_the_set_has_at_least_twelve_articles_and_covers_every_case() -> None:
    articles = load_gold_dir(GOLD)
    assert len(articles) >= 12
    assert coverage_gaps(articles) == []
    for folder in FOLDERS:
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


def test_the_training_split_is_big_enough_to_teach_every_judgement() -> None:
    train = load_split(GOLD, "train")
    claims = [c for a in train for c in a.claims]
    assert len(train) >= 120
    assert len(claims) >= 1500
    assert sum(c.denies is not None for c in claims) >= 250
    for kind in ClaimType:
        assert sum(c.type is kind for c in claims) >= 80, kind
    cases = Counter(case for c in claims for case in c.cases)
    for case in CASES:
        if case.startswith("denial_") and "accusation" in case:
            continue  # before and far count together (below)
        assert cases[case] >= 20, case
    assert cases["denial_before_accusation"] + cases["denial_far_from_accusation"] >= 20
    assert sum(len(a.non_claims) for a in train) >= 20
    assert {a.genre for a in train} >= {
        "wire", "feature", "interview", "press_release", "live_blog", "court", "sport",
        "business", "science", "local_politics",
    }  # fmt: skip
    for article in train:
        assert any(s.target_actor for s in article.stances), article.id
        assert any(s.target_start is not None for s in article.stances), article.id


def test_no_article_sits_in_two_splits() -> None:
    assert split_overlaps(GOLD) == []
    folders = split_folders(GOLD)
    assert TRAIN in folders["train"] and TEST2 in folders["test"]
    assert DEV2 in folders["dev"] and DEV3 in folders["dev"]


def test_a_renamed_copy_in_another_split_is_caught_by_its_text(tmp_path: Path) -> None:
    for name, source in (("train", TRAIN), ("test", TEST2)):
        (tmp_path / name).mkdir()
        first = sorted(source.glob("*.gold.json"))[0]
        stem = first.name.removesuffix(".gold.json")
        for suffix in (".gold.json", ".txt"):
            (tmp_path / name / f"{stem}{suffix}").write_bytes(
                (source / f"{stem}{suffix}").read_bytes()
            )
    copy = sorted(TRAIN.glob("*.txt"))[0]
    data = json.loads(copy.with_name(copy.stem + ".gold.json").read_text(encoding="utf-8"))
    data["id"] = "renamed-copy"
    (tmp_path / "test" / "renamed-copy.gold.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "test" / "renamed-copy.txt").write_bytes(copy.read_bytes())
    (tmp_path / "splits.json").write_text(
        json.dumps({"train": ["train"], "dev": [], "test": ["test"]}), encoding="utf-8"
    )
    found = split_overlaps(tmp_path)
    assert len(found) == 1 and "renamed-copy: the text is also train" in found[0]
