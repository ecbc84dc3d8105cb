"""Stances toward actors, found by code: whom each accusation, denial and demand is aimed at,
the actor-to-actor table they make, and how `stance eval` scores it against labelled targets.

The article is written for these tests: an accusation whose target speaks only later, a
denial that answers it, a demand of a body that speaks after it is asked.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from evalkit import TEXT, as_extraction, port_gold

from stance.api import build_extractor
from stance.evaluation.article_scoring import score_article
from stance.evaluation.ceiling import human_ceiling
from stance.evaluation.dataset_scoring import score_dataset
from stance.evaluation.gate import baseline_drops
from stance.evaluation.gold import GoldActor, GoldArticle
from stance.evaluation.metrics import METRICS, count_matrix
from stance.evaluation.report import to_markdown, to_terminal
from stance.reading.assemble.relations import derive_relations
from stance.schema import (
    AlignmentStatus,
    Article,
    Attribution,
    Claim,
    ClaimType,
    Extraction,
    Relation,
    RelationType,
    Span,
    parse_record,
)

HARBOUR_ROW = """Harbour row deepens

Union leader Maria Costa accused Portline of cutting safety checks on the cranes to save money.

Portline's chief executive, Jonas Berg, denied that any check had been cut. "Every crane was \
inspected this month," Berg said.

Costa called on the Harbour Authority to open an inquiry into the contract.

The Harbour Authority said it would review the complaint next week.

Portline said in a statement that it had always met the safety rules.
"""

Read = Callable[[str], Extraction]


@pytest.fixture(scope="module", params=["rules", "learned"])
def read(request: pytest.FixtureRequest) -> Read:
    extractor = build_extractor(prompt="rules-v1", judge=request.param)

    def run(text: str) -> Extraction:
        return extractor.extract(Article(id="t", text=text))

    return run


def edges(record: Extraction) -> set[tuple[str, str, str]]:
    names = {a.id: a.name for a in record.actors}
    return {(names[r.source], r.relation.value, names[r.target]) for r in record.relations}


def test_accusation_denial_and_demand_name_whom_they_are_aimed_at(read: Read) -> None:
    record = read(HARBOUR_ROW)
    assert {
        ("Maria Costa", "accuses", "Portline"),  # Portline speaks only at the end
        ("Jonas Berg", "denies", "Maria Costa"),  # the speaker of the claim he denies
        ("Maria Costa", "demands", "Harbour Authority"),  # asked before it speaks
    } <= edges(record)
    by_id = {c.id: c for c in record.claims}
    for row in record.relations:
        for claim_id in row.evidence:
            claim = by_id[claim_id]
            assert (claim.claimer, claim.target_actor) == (row.source, row.target)
            if claim.type is ClaimType.DENIAL and claim.denies:
                assert claim.target_actor == by_id[claim.denies].claimer
    aimed = [c for c in record.claims if c.target_actor is not None]
    assert {c.type for c in aimed} <= {ClaimType.ACCUSATION, ClaimType.DENIAL, ClaimType.DEMAND}
    assert sum(len(r.evidence) for r in record.relations) == len(aimed)


def test_speakers_keep_their_ids_in_order_of_first_claim(read: Read) -> None:
    """Targets become actors after the speakers: adding the table renumbers no one."""
    record = read(HARBOUR_ROW)
    first_claim: dict[str, None] = {}
    for claim in record.claims:
        first_claim.setdefault(claim.claimer, None)
    assert list(first_claim) == [f"a{i}" for i in range(1, len(first_claim) + 1)]
    assert {r.target for r in record.relations} <= {a.id for a in record.actors}


def test_an_article_with_no_one_aimed_at_has_no_relations(read: Read) -> None:
    record = read('Results day\n\n"The harvest was early this year," farmer Ida Lund said.\n')
    assert record.claims and record.relations == []
    assert all(c.target_actor is None for c in record.claims)


def made_claim(cid: str, claimer: str, kind: ClaimType, target: str | None, at: int) -> Claim:
    return Claim(
        id=cid,
        claimer=claimer,
        type=kind,
        attribution=Attribution.INDIRECT,
        quote="x",
        span=Span(start=at, end=at + 1),
        alignment=AlignmentStatus.EXACT,
        alignment_score=100.0,
        target_actor=target,
        segment=0,
    )


def test_one_row_per_speaker_relation_and_target_with_every_claim_as_evidence() -> None:
    claims = [
        made_claim("c1", "a1", ClaimType.ACCUSATION, "a2", 0),
        made_claim("c2", "a2", ClaimType.DENIAL, "a1", 5),
        made_claim("c3", "a1", ClaimType.ACCUSATION, "a2", 9),
        made_claim("c4", "a1", ClaimType.DEMAND, "a1", 12),  # aimed at oneself: no edge
        made_claim("c5", "a3", ClaimType.WARNING, "a2", 15),  # a warning draws no edge
    ]
    assert derive_relations(claims) == [
        Relation(source="a1", relation=RelationType.ACCUSES, target="a2", evidence=["c1", "c3"]),
        Relation(source="a2", relation=RelationType.DENIES, target="a1", evidence=["c2"]),
    ]


def test_records_written_before_the_table_still_read() -> None:
    record = as_extraction(port_gold())
    data = record.model_dump_json(exclude={"relations"})
    assert '"target_actor"' in data  # claims carry it, as None
    old = data.replace('"target_actor":null,', "")
    assert '"target_actor"' not in old and parse_record(old) == record


# Scoring: the port article of evalkit, labelled with target actors.


def labelled_port() -> GoldArticle:
    """Ruiz (a1) accuses Deepco (a2) in c1; Deepco's c3 denies it, aimed at Ruiz; the
    commitment c4 is labelled with no target (null), as the labelling guide asks."""
    gold = port_gold()
    for claim, target in zip(gold.claims, ("a2", None, "a1", None), strict=True):
        if claim.type in (ClaimType.ACCUSATION, ClaimType.DENIAL) or claim.id == "c4":
            claim.target_actor = target
    return gold


def predicted(gold: GoldArticle, *rows: tuple[str, RelationType, str]) -> Extraction:
    record = as_extraction(gold)
    record.relations = [
        Relation(source=s, relation=r, target=t, evidence=["c1"]) for s, r, t in rows
    ]
    return record


ACCUSES, DENIES = RelationType.ACCUSES, RelationType.DENIES


def relation_counts(record: Extraction, gold: GoldArticle) -> tuple[int, int, int, int]:
    """Matched, predicted and gold relations, and whether the article counts (1) at all."""
    c = score_article(record, gold).counts
    return c["relation_tp"], c["relation_pred"], c["relation_gold"], c["relation_labelled"]


def test_a_relation_matches_when_both_actors_and_the_relation_agree() -> None:
    gold = labelled_port()
    both = predicted(gold, ("a1", ACCUSES, "a2"), ("a2", DENIES, "a1"))
    assert relation_counts(both, gold) == (2, 2, 2, 1)
    wrong = predicted(gold, ("a2", ACCUSES, "a1"), ("a2", ACCUSES, "a1"), ("a1", DENIES, "a2"))
    assert relation_counts(wrong, gold) == (0, 3, 2, 1)  # reversed, and the wrong relation
    errors = {(e.kind, e.detail) for e in score_article(wrong, gold).errors}
    assert ("missed relation", "gold: Ana Ruiz accuses Deepco") in errors
    assert ("spurious relation", "Deepco accuses Ana Ruiz") in errors


def test_actors_match_by_name_as_the_scorer_matches_claimers() -> None:
    """The reader's actor ids are its own: Ruiz is 'p7' here, found by her name."""
    gold = labelled_port()
    record = predicted(gold, ("p7", ACCUSES, "a2"))
    record.actors[0] = record.actors[0].model_copy(update={"id": "p7"})
    for claim in record.claims:
        claim.claimer = "p7" if claim.claimer == "a1" else claim.claimer
    assert relation_counts(record, gold) == (1, 1, 2, 1)


def test_only_articles_labelled_with_target_actors_count() -> None:
    """An article labelled before the field existed says nothing about relations: whatever
    was predicted there changes neither the micro nor the macro figure; a set with no
    labelled article has no relation F1 at all (not a perfect 1.0)."""
    gold = labelled_port()
    old = port_gold().model_copy(update={"id": "old"})
    old.text = TEXT
    assert relation_counts(predicted(old, ("a1", DENIES, "a2")), old) == (0, 0, 0, 0)

    good = predicted(gold, ("a1", ACCUSES, "a2"))
    alone = score_dataset([gold], {"port": good}, dataset="d", dataset_path="d", resamples=20)
    noisy = score_dataset(
        [gold, old],
        {"port": good, "old": predicted(old, ("a1", DENIES, "a2"))},
        dataset="d",
        dataset_path="d",
        resamples=20,
    )
    assert alone.value("relation_f1") == pytest.approx(2 / 3, abs=1e-4)  # 1 of 1, 1 of 2
    assert noisy.value("relation_f1") == alone.value("relation_f1")
    assert noisy.macro["relation_f1"].value == alone.macro["relation_f1"].value
    assert noisy.articles[1].metrics["relation_f1"] is None

    unlabelled = score_dataset([old], {"old": good}, dataset="d", dataset_path="d", resamples=20)
    assert unlabelled.value("relation_f1") is None
    assert "relation_f1" not in to_terminal(unlabelled)


def test_a_null_label_is_a_label() -> None:
    """A labeller who wrote target_actor: null said the claim is aimed at no actor, so an
    edge predicted there is spurious."""
    gold = labelled_port()
    for claim in gold.claims:
        claim.target_actor = None
    assert relation_counts(predicted(gold, ("a1", ACCUSES, "a2")), gold) == (0, 1, 0, 1)


def test_relation_f1_is_reported_but_does_not_gate() -> None:
    gold = labelled_port()
    good = predicted(gold, ("a1", ACCUSES, "a2"), ("a2", DENIES, "a1"))
    before = score_dataset([gold], {"port": good}, dataset="d", dataset_path="d", resamples=20)
    after = score_dataset(
        [gold], {"port": predicted(gold)}, dataset="d", dataset_path="d", resamples=20
    )
    assert (before.value("relation_f1"), after.value("relation_f1")) == (1.0, 0.0)
    assert "relation_f1" not in after.headline
    assert baseline_drops(after, before, max_drop=0.01) == []  # a drop here fails no build
    assert "relation_f1" in to_terminal(after).splitlines()[-2]
    assert "| relation_f1 | 0.000" in to_markdown(after)


def test_counts_of_reports_written_before_relations_were_scored() -> None:
    counts = count_matrix([{"claim_tp": 1, "claim_pred": 1, "claim_gold": 1}])
    assert METRICS["claim_f1"](counts)[0] == 1.0
    assert [str(METRICS[f"relation_{m}"](counts)[0]) for m in ("f1", "recall")] == ["nan"] * 2


def test_only_accusations_denials_and_demands_make_gold_edges() -> None:
    gold = labelled_port()
    gold.actors.append(GoldActor(id="a3", name="Reef Trust"))
    gold.claims[3].target_actor = "a3"  # the commitment, aimed at an actor: still no edge
    assert relation_counts(predicted(gold, ("a1", ACCUSES, "a2")), gold) == (1, 1, 2, 1)


def test_the_human_ceiling_scores_relations_as_a_reader_is_scored() -> None:
    """A second labeller who aims Deepco's denial at someone else agrees on one edge of two."""
    gold = labelled_port()
    other = labelled_port()
    other.actors.append(GoldActor(id="a3", name="Reef Trust"))
    other.claims[2].target_actor = "a3"
    assert human_ceiling([(gold, gold)])["relation_f1"] == 1.0
    assert human_ceiling([(gold, other)])["relation_f1"] == 0.5
    assert human_ceiling([(port_gold(), port_gold())])["relation_f1"] is None  # unlabelled


WELLS_ROW = """Wells row in Brask

Holvik Chemicals, the company that runs the solvent plant above the village, has been fined \
twice since 2019.

Village doctor Mara Lind said the company had poisoned the wells for a decade and had hidden \
its own water tests.
"""

ENVOY = """Envoy speaks

US Secretary of State Maria Lopez said the United States had caught Chinese agents trying to \
bribe election officials.

China's foreign ministry said it had never interfered in the affairs of other countries.
"""


@pytest.fixture(scope="module")
def learned() -> Read:
    extractor = build_extractor(prompt="rules-v1", judge="learned")
    return lambda text: extractor.extract(Article(id="t", text=text))


def test_the_accused_is_found_when_only_a_description_names_them(read: Read) -> None:
    """Holvik Chemicals never speaks, and the accusation calls it "the company": the text
    ties the two, so the table names the company, whichever judge typed the claim."""
    assert ("Mara Lind", "accuses", "Holvik Chemicals") in edges(read(WELLS_ROW))


def test_the_learned_stance_is_toward_the_accused_not_a_phrase(learned: Read) -> None:
    record = learned(WELLS_ROW)
    names = {a.id: a.name for a in record.actors}
    assert ("Mara Lind", "against", "Holvik Chemicals") in {
        (names[s.holder], s.polarity.value, s.target) for s in record.stances
    }


def test_a_speaker_never_accuses_the_country_their_title_serves(read: Read) -> None:
    """The United States is named first in the US Secretary of State's accusation, but it is
    her own side: the accused is China."""
    found = edges(read(ENVOY))
    assert ("Maria Lopez", "accuses", "China") in found
    assert ("Maria Lopez", "accuses", "United States") not in found
