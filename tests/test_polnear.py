"""The PolNeAR adapter: BRAT parsing, source kinds, actor grouping and reproducible selection.

The inline articles are invented; the corpus itself is only read from ../shared when present.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.evaluation.gold import GoldArticle, SourceKind, problems
from stance.evaluation.polnear import (
    actor_name,
    is_denial,
    load_polnear,
    parse_ann,
    source_kind,
    to_article,
)
from stance.schema import ActorKind, ClaimType

TEXT = (
    "Mayor Alma Reyes said the old bridge will reopen in May. "
    '"The repairs are on schedule," she said, "and the budget holds." '
    "Harbor officials denied that the contract was rigged. "
    "Reyes added that tolls would stay low. "
    "The ferry will reportedly stop running in June."
)


def seg(piece: str, after: str = "", text: str = TEXT) -> tuple[int, int]:
    start = text.index(piece, text.index(after) if after else 0)
    return start, start + len(piece)


def t_line(tid: str, label: str, *segs: tuple[int, int], text: str = TEXT) -> str:
    offsets = ";".join(f"{s} {e}" for s, e in segs)
    return f"{tid}\t{label} {offsets}\t{' '.join(text[s:e] for s, e in segs)}"


ANN = "\n".join(
    [
        t_line("T1", "Source", seg("Mayor Alma Reyes")),
        t_line("T2", "Cue", seg("said")),
        t_line("T3", "Content", seg("the old bridge will reopen in May")),
        t_line("T4", "Attribution", seg("said")),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t_line("T5", "Source", seg("she")),
        t_line("T6", "Cue", seg("said", after="she")),
        t_line("T7", "Content", seg('"The repairs are on schedule,"'), seg('"and the budget')),
        t_line("T8", "Attribution", seg("said", after="she")),
        t_line("T9", "Content", seg('holds."')),
        "E2\tAttribution:T8 Cue:T6 Source:T5 Content:T7 Content2:T9",
        t_line("T10", "Source", seg("Harbor officials")),
        t_line("T11", "Cue", seg("denied")),
        t_line("T12", "Content", seg("that the contract was rigged")),
        t_line("T13", "Attribution", seg("denied")),
        "E3\tAttribution:T13 Source:T10 Cue:T11 Content:T12",
        t_line("T14", "Source", seg("Reyes", after="rigged")),
        t_line("T15", "Cue", seg("added")),
        t_line("T16", "Content", seg("that tolls would stay low")),
        t_line("T17", "Attribution", seg("added")),
        "E4\tAttribution:T17 Content:T16 Cue:T15 Source:T14",
        t_line("T18", "Cue", seg("reportedly")),
        t_line("T19", "Content", seg("stop running in June")),
        t_line("T20", "Attribution-no-source", seg("reportedly")),
        "E5\tAttribution-no-source:T20 Content:T19 Cue:T18",
        t_line("T21", "Discard", seg("The ferry")),
    ]
)


@pytest.fixture
def article() -> GoldArticle:
    return to_article("harbor", TEXT, parse_ann(TEXT, ANN), "PolNeAR test, annotator aaaa")


def test_every_attribution_becomes_a_grounded_claim(article: GoldArticle) -> None:
    assert [c.id for c in article.claims] == ["c1", "c2", "c3", "c4", "c5"]
    assert all(TEXT[c.start : c.end] == c.quote for c in article.claims)
    assert problems(article, strict=False) == []
    assert all(c.hedged is None and c.attribution is None for c in article.claims)


def test_discontinuous_content_spans_from_first_start_to_last_end(article: GoldArticle) -> None:
    repairs = article.claims[1]
    assert repairs.start == TEXT.index('"The repairs')
    assert repairs.end == TEXT.index('holds."') + len('holds."')  # Content2 folded in
    assert "she said" in repairs.quote


def test_missing_source_leaves_the_claimer_empty(article: GoldArticle) -> None:
    ferry = article.claims[4]
    assert ferry.claimer is None
    assert ferry.source_kind is SourceKind.NONE
    assert ferry.cue == "reportedly"


def test_pronoun_and_surname_join_the_named_actor(article: GoldArticle) -> None:
    bridge, repairs, _, tolls, _ = article.claims
    assert bridge.claimer == repairs.claimer == tolls.claimer
    assert [bridge.source_kind, repairs.source_kind, tolls.source_kind] == [
        SourceKind.NAMED,
        SourceKind.PRONOUN,
        SourceKind.NAMED,
    ]
    reyes = article.actor(bridge.claimer)
    assert reyes is not None
    assert reyes.name == "Alma Reyes"
    assert reyes.kind is ActorKind.PERSON
    assert set(reyes.mentions) == {"Mayor Alma Reyes", "she", "Reyes"}


def test_generic_source_and_denial_cue(article: GoldArticle) -> None:
    contract = article.claims[2]
    assert contract.source_kind is SourceKind.GENERIC
    assert contract.type is ClaimType.DENIAL
    officials = article.actor(contract.claimer)
    assert officials is not None
    assert officials.mentions == ["Harbor officials"]
    assert [c.type for c in article.claims].count(None) == 4


def test_mismatching_offsets_are_counted_and_skipped() -> None:
    shifted = ANN.replace("the old bridge will reopen in May", "he old bridge will reopen in May")
    parsed = parse_ann(TEXT, shifted)
    assert parsed.mismatched == 1
    assert len(parsed.events) == 4
    pieces = t_line("T7", "Content", seg('"The repairs are on schedule,"'), seg('"and the budget'))
    parsed = parse_ann(TEXT, ANN.replace(pieces, pieces.replace(" budget", "  budget")))
    assert (parsed.mismatched, len(parsed.events)) == (1, 4)


def test_unusable_lines_are_skipped() -> None:
    ann = ANN + "\nE6\tAttribution-no-source:T20 \nT22\tContent x y\tbroken"
    parsed = parse_ann(TEXT, ann)
    assert (parsed.skipped, parsed.mismatched, len(parsed.events)) == (2, 0, 5)


def test_he_goes_to_the_last_person_and_it_to_the_last_named_source() -> None:
    text = (
        "Dana Pike said the pier is safe. The Harbor Board said it is not. "
        "He said the board erred. It said the pier is old."
    )
    ann = "\n".join(
        [
            t_line("T1", "Source", seg("Dana Pike", text=text), text=text),
            t_line("T2", "Content", seg("the pier is safe", text=text), text=text),
            "E1\tAttribution:T9 Source:T1 Content:T2",
            t_line("T3", "Source", seg("The Harbor Board", text=text), text=text),
            t_line("T4", "Content", seg("it is not", text=text), text=text),
            "E2\tAttribution:T9 Source:T3 Content:T4",
            t_line("T5", "Source", seg("He", text=text), text=text),
            t_line("T6", "Content", seg("the board erred", text=text), text=text),
            "E3\tAttribution:T9 Source:T5 Content:T6",
            t_line("T7", "Source", seg("It", text=text), text=text),
            t_line("T8", "Content", seg("the pier is old", text=text), text=text),
            "E4\tAttribution:T9 Source:T7 Content:T8",
            t_line("T9", "Attribution", seg("said", text=text), text=text),
        ]
    )
    art = to_article("pier", text, parse_ann(text, ann))
    pike, board, he, it = (c.claimer for c in art.claims)
    assert (he, it) == (pike, board)
    kinds = {a.name: a.kind for a in art.actors}
    assert kinds == {"Dana Pike": ActorKind.PERSON, "Harbor Board": ActorKind.OTHER}


def test_pronoun_without_antecedent_gets_its_own_actor() -> None:
    text = "It was late. They said the vote was delayed."
    ann = "\n".join(
        [
            t_line("T1", "Source", seg("They", text=text), text=text),
            t_line("T2", "Cue", seg("said", text=text), text=text),
            t_line("T3", "Content", seg("the vote was delayed", text=text), text=text),
            "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3",
        ]
    )
    art = to_article("vote", text, parse_ann(text, ann))
    assert art.claims[0].source_kind is SourceKind.PRONOUN
    assert [(a.name, a.mentions) for a in art.actors] == [("They", ["They"])]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (None, SourceKind.NONE),
        ("he", SourceKind.PRONOUN),
        ("His", SourceKind.PRONOUN),
        ("Senior officials", SourceKind.GENERIC),
        ("a spokeswoman", SourceKind.GENERIC),
        ("Some farmers", SourceKind.GENERIC),
        ("Port Authority aides", SourceKind.GENERIC),
        ("a harbor engineer", SourceKind.GENERIC),
        ("Dana Pike", SourceKind.NAMED),
        ("Gov. Dana Pike", SourceKind.NAMED),
        ("Another critic, Jane Roe,", SourceKind.NAMED),
        ("The Harbor Board", SourceKind.NAMED),
    ],
)
def test_source_kind(source: str | None, kind: SourceKind) -> None:
    assert source_kind(source) is kind


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("Mayor Alma Reyes", "Alma Reyes"),
        ("Retired Gen. Tomas Ruiz", "Tomas Ruiz"),
        ("Secretary of Transport Lena Oduya", "Lena Oduya"),
        ("Dana Pike, a port engineer,", "Dana Pike"),
        ("Sen. Dana Pike (I-Maine)", "Dana Pike"),
        ("the Harbor Board", "Harbor Board"),
        ("Mr. Pike's", "Pike"),
        ("the Harbor House", "Harbor House"),
    ],
)
def test_actor_name(source: str, name: str) -> None:
    assert actor_name(source) == name


@pytest.mark.parametrize(
    ("cue", "denial"),
    [("denied", True), ("has flatly rejected", True), ("disputes", True), ("said", False)],
)
def test_is_denial(cue: str, denial: bool) -> None:
    assert is_denial(cue) is denial


def write_split(root: Path) -> None:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for name in ["river", "river_bank", "lake", "pond"]:
        (root / "text" / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    (root / "text" / "pond.txt").write_text(TEXT + " More words.", encoding="utf-8")
    for ann in ["river_bank_bbbb", "lake_cccc", "lake_aaaa", "pond_aaaa"]:
        (root / "attributions" / f"{ann}.ann").write_text(ANN, encoding="utf-8")


def test_load_polnear_selection_and_annotator(tmp_path: Path) -> None:
    write_split(tmp_path / "dev")
    articles = load_polnear(tmp_path / "dev")
    names = sorted(["river", "river_bank", "lake", "pond"])
    random.Random(0).shuffle(names)
    assert [a.id for a in articles] == [n for n in names if n != "river"]  # river has no .ann
    lake = next(a for a in articles if a.id == "lake")
    assert lake.note == "PolNeAR dev, annotator aaaa"
    assert len(lake.claims) == 5 and lake.covers == [] and lake.stances == []
    short = load_polnear(tmp_path / "dev", max_words=len(TEXT.split()))
    assert "pond" not in [a.id for a in short]


def test_load_polnear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text/ folder"):
        load_polnear(tmp_path)
    (tmp_path / "text").mkdir()
    with pytest.raises(InputError, match=r"no \*\.txt articles"):
        load_polnear(tmp_path)
    (tmp_path / "text" / "lone.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="no annotated articles"):
        load_polnear(tmp_path)


@pytest.fixture
def dev() -> Path:
    path = Path(__file__).parents[1] / ".." / "shared" / "benchmarks" / "polnear" / "dev"
    if not path.exists():
        pytest.skip("PolNeAR dev split not present")
    return path


def test_real_dev_articles_are_grounded(dev: Path) -> None:
    articles = load_polnear(dev, limit=3)
    assert len(articles) == 3
    for art in articles:
        assert art.text and art.claims and art.note.startswith("PolNeAR dev, annotator ")
        actor_ids = {a.id for a in art.actors}
        for claim in art.claims:
            assert art.text[claim.start : claim.end] == claim.quote
            assert claim.source_kind is not None
            assert (claim.claimer is None) == (claim.source_kind is SourceKind.NONE)
            assert claim.claimer is None or claim.claimer in actor_ids


def test_real_dev_selection_is_stable(dev: Path) -> None:
    three = [a.id for a in load_polnear(dev, limit=3)]
    assert three == [a.id for a in load_polnear(dev, limit=3, seed=0)]
    assert [a.id for a in load_polnear(dev, limit=2)] == three[:2]
    names = sorted(p.stem for p in (dev / "text").glob("*.txt"))
    random.Random(0).shuffle(names)
    assert three == names[:3]  # every dev article is annotated
    assert [a.id for a in load_polnear(dev, limit=3, seed=1)] != three
