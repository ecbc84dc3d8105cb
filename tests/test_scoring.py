"""The scorer: metrics worked out by hand, and properties any scorer must keep."""

from __future__ import annotations

import math
import random

import pytest
from evalkit import TEXT, as_extraction, port_gold, span_of
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.evaluation.article_scoring import iou, norm_name, overlap_parts, score_article
from stance.evaluation.dataset_scoring import score_dataset
from stance.evaluation.metrics import count_matrix, estimate, paired_difference, resample_indices
from stance.schema import AlignmentStatus, Claim, ClaimType, Span


def claim(cid: str, claimer: str, quote: str, **kw: object) -> Claim:
    start, end = span_of(TEXT, quote)
    fields: dict[str, object] = {
        "type": ClaimType.ASSERTION,
        "attribution": "indirect",
        "alignment": AlignmentStatus.EXACT,
        "alignment_score": 100.0,
        "segment": 1,
    }
    fields.update(kw)
    return Claim.model_validate(
        {
            "id": cid,
            "claimer": claimer,
            "quote": quote,
            "span": Span(start=start, end=end),
            **fields,
        }
    )


def hand_worked_prediction():  # type: ignore[no-untyped-def]
    gold = port_gold()
    pred = as_extraction(gold)
    pred.stances = []
    pred.claims = [
        claim("p1", "a1", "the dredging had damaged the reef", type=ClaimType.ACCUSATION),
        claim("p2", "a2", "the damage may be permanent", type=ClaimType.OPINION),  # wrong claimer
        claim("p3", "a2", "its work harmed the reef", type=ClaimType.DENIAL, denies="p1"),
        claim(
            "p4", "a2", "The harbour master", alignment=AlignmentStatus.FUZZY, alignment_score=90.0
        ),
    ]
    return gold, pred


def metric(counts: dict[str, int], name: str) -> float:
    matrix = count_matrix([counts])
    return estimate(matrix, name, resample_indices(1, 10, 0)).value


def test_hand_worked_article() -> None:
    gold, pred = hand_worked_prediction()
    counts = score_article(pred, gold).counts
    # 3 of 4 predicted claims pair with 3 of 4 gold claims (c4, the commitment, is missed)
    assert (counts["claim_tp"], counts["claim_pred"], counts["claim_gold"]) == (3, 4, 4)
    assert metric(counts, "claim_f1") == pytest.approx(0.75)
    # p2 has the right span but Deepco is not Ruiz: 2 attributions right of 4
    assert metric(counts, "attribution_precision") == pytest.approx(0.5)
    assert metric(counts, "attribution_recall") == pytest.approx(0.5)
    assert metric(counts, "type_accuracy") == pytest.approx(2 / 3)
    # classes among matched pairs: accusation 1, assertion 0, opinion 0, denial 1
    assert metric(counts, "type_macro_f1") == pytest.approx(0.5)
    assert metric(counts, "hedging_accuracy") == pytest.approx(2 / 3)  # p2 missed "may be"
    assert metric(counts, "denial_f1") == 1.0
    assert metric(counts, "denial_link_accuracy") == 1.0  # p3 -> p1, paired with c3 -> c1
    assert metric(counts, "actor_f1") == 1.0
    assert metric(counts, "stance_f1") == 0.0  # one gold stance, none predicted
    assert metric(counts, "stance_precision") == 0.0
    assert metric(counts, "grounding_rate") == pytest.approx(0.75)  # p4 is fuzzy


def test_error_listing_names_what_went_wrong() -> None:
    gold, pred = hand_worked_prediction()
    errors = {(e.kind, e.quote) for e in score_article(pred, gold).errors}
    assert ("false negative", "We will pay for a survey") in errors
    assert ("false positive", "The harbour master") in errors
    assert ("wrong claimer", "the damage may be permanent") in errors
    assert ("wrong type", "the damage may be permanent") in errors


def test_wrong_denial_target_breaks_the_link() -> None:
    gold, pred = hand_worked_prediction()
    pred.claims[2].denies = "p2"
    counts = score_article(pred, gold).counts
    assert (counts["link_ok"], counts["link_n"]) == (0, 1)


def test_iou_threshold_decides_a_match() -> None:
    gold = port_gold()
    pred = as_extraction(gold)
    # "the dredging had damaged" covers 24 of the 33 gold characters: IoU 0.73
    pred.claims = [claim("p1", "a1", "the dredging had damaged")]
    assert score_article(pred, gold, 0.5).counts["claim_tp"] == 1
    assert score_article(pred, gold, 0.8).counts["claim_tp"] == 0
    assert iou((0, 10), (5, 15)) == pytest.approx(5 / 15)


def test_overlap_rule_pairs_a_short_span_inside_a_long_one() -> None:
    """The PolNeAR peers' rule: overlap over the shorter span, where IoU would refuse."""
    gold = port_gold()
    pred = as_extraction(gold)
    # "the dredging" is 12 of the 33 gold characters: IoU 0.36, but all of it overlaps
    pred.claims = [claim("p1", "a1", "the dredging")]
    assert score_article(pred, gold, 0.5).counts["claim_tp"] == 0
    assert score_article(pred, gold, 0.5, "overlap").counts["claim_tp"] == 1
    assert overlap_parts((0, 10), [(5, 40)]) == pytest.approx(5 / 10)
    assert overlap_parts((0, 10), [(0, 2), (8, 12)]) == pytest.approx(4 / 6)


def test_overlap_rule_matches_speakers_by_a_shared_word() -> None:
    gold = port_gold()
    pred = as_extraction(gold)
    who = gold.claims[0].claimer
    full = gold.actor(who)
    assert full is not None
    # "Councillor Ruiz" is no name form of "Ana Ruiz", but shares the word "Ruiz"
    titled = f"Councillor {full.name.split()[-1]}"
    pred.actors = [a.model_copy(update={"name": titled, "mentions": []}) for a in pred.actors]
    pred.claims = [claim("p1", who, gold.claims[0].quote)]
    strict = score_article(pred, gold, 0.5).counts
    peers = score_article(pred, gold, 0.5, "overlap").counts
    assert (strict["attribution_tp"], peers["attribution_tp"]) == (0, 1)


def test_actor_names_match_across_case_accents_and_articles() -> None:
    assert norm_name("The White House’s") == norm_name("white house")
    assert norm_name("Renée Lefèvre") == norm_name("Renee Lefevre")


def test_perfect_prediction_scores_one() -> None:
    gold = port_gold()
    counts = score_article(as_extraction(gold), gold).counts
    for name in (
        "claim_f1",
        "attribution_f1",
        "type_accuracy",
        "hedging_accuracy",
        "denial_f1",
        "denial_link_accuracy",
        "stance_f1",
        "actor_f1",
        "grounding_rate",
    ):
        assert metric(counts, name) == 1.0, name


def test_empty_prediction_scores_zero_and_empty_gold_is_perfect() -> None:
    gold = port_gold()
    empty = as_extraction(gold)
    empty.claims, empty.stances = [], []
    counts = score_article(empty, gold).counts
    assert metric(counts, "claim_f1") == 0.0
    assert metric(counts, "claim_recall") == 0.0
    assert math.isnan(metric(counts, "type_accuracy"))  # nothing matched: undefined, not 0
    nothing = port_gold()
    nothing.claims, nothing.stances = [], []
    assert metric(score_article(empty, nothing).counts, "claim_f1") == 1.0


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_order_of_items_does_not_matter(rnd: random.Random) -> None:
    gold, pred = hand_worked_prediction()
    base = score_article(pred, gold).counts
    pred.claims = rnd.sample(pred.claims, len(pred.claims))
    gold.claims = rnd.sample(gold.claims, len(gold.claims))
    pred.actors = rnd.sample(pred.actors, len(pred.actors))
    assert score_article(pred, gold).counts == base


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), min_size=2, max_size=30
    ),
    st.integers(0, 2**16),
)
def test_bootstrap_is_reproducible_and_brackets_the_value(
    rows: list[tuple[int, int, int]], seed: int
) -> None:
    counts = count_matrix(
        [{"claim_tp": min(t, p, g), "claim_pred": p, "claim_gold": g} for t, p, g in rows]
    )
    first = estimate(counts, "claim_f1", resample_indices(len(rows), 1000, seed))
    again = estimate(counts, "claim_f1", resample_indices(len(rows), 1000, seed))
    assert first == again
    assert first.low - 1e-9 <= first.value <= first.high + 1e-9 or first.low == first.high


def test_paired_difference_of_a_run_with_itself_is_zero_and_a_clear_gain_is_significant() -> None:
    rows = [{"claim_tp": 2, "claim_pred": 4, "claim_gold": 4} for _ in range(30)]
    better = [{"claim_tp": 4, "claim_pred": 4, "claim_gold": 4} for _ in range(30)]
    idx = resample_indices(30, 1000, 0)
    same = paired_difference(count_matrix(rows), count_matrix(rows), "claim_f1", idx)
    assert same.value == 0 and same.p_value == 1.0
    gain = paired_difference(count_matrix(better), count_matrix(rows), "claim_f1", idx)
    assert gain.value == pytest.approx(0.5) and gain.p_value < 0.01
    assert gain.low > 0


def test_dataset_report_counts_failed_articles_as_empty() -> None:
    gold = port_gold()
    report = score_dataset([gold], {}, dataset="t", dataset_path="t", resamples=100)
    assert report.articles[0].failed == "no prediction"
    assert report.value("claim_f1") == 0.0
    perfect = score_dataset(
        [gold], {"port": as_extraction(gold)}, dataset="t", dataset_path="t", resamples=100
    )
    assert perfect.value("claim_f1") == 1.0
    assert perfect.manifest.model_seconds_per_article == 3.0
    assert perfect.manifest.cost_usd == 0.0  # a local model has no per-token price
    assert perfect.metrics["claim_f1"].low == 1.0 and perfect.metrics["claim_f1"].high == 1.0


def test_discontinuous_gold_span_is_scored_on_its_pieces() -> None:
    # "“A,” said X. “B.”": a prediction of the first quote alone covers half of the pieces
    from stance.evaluation.article_scoring import iou_parts

    assert iou_parts((0, 10), [(0, 10), (20, 30)]) == pytest.approx(0.5)
    assert iou_parts((0, 30), [(0, 10), (20, 30)]) == pytest.approx(20 / 30)
    assert iou_parts((10, 20), [(0, 10), (20, 30)]) == 0.0


def test_report_lists_each_claims_outcome_by_the_scorers_pairing() -> None:
    gold, pred = hand_worked_prediction()
    report = score_dataset([gold], {"port": pred}, dataset="t", dataset_path="t", resamples=100)
    rows = [
        (o.status, o.gold_id, o.predicted, o.right_claimer, o.right_type)
        for o in report.articles[0].claim_outcomes
    ]
    assert rows == [
        ("matched", "c1", "p1", True, True),
        ("matched", "c2", "p2", False, False),  # Deepco is not Ruiz; opinion, gold assertion
        ("matched", "c3", "p3", True, True),
        ("missed", "c4", None, None, None),
        ("spurious", None, "p4", None, None),
    ]
    first = report.articles[0].claim_outcomes[0]
    assert (first.gold, first.gold_start, first.gold_end) == (
        0,
        *span_of(TEXT, gold.claims[0].quote),
    )
    assert (first.predicted_start, first.predicted_end) == span_of(TEXT, pred.claims[0].quote)
    counts = report.articles[0].counts
    statuses = [o.status for o in report.articles[0].claim_outcomes]
    assert statuses.count("matched") == counts["claim_tp"]
    assert statuses.count("matched") + statuses.count("missed") == counts["claim_gold"]


def test_a_failed_article_has_every_gold_claim_missed() -> None:
    gold = port_gold()
    report = score_dataset([gold], {}, dataset="t", dataset_path="t", resamples=100)
    outcomes = report.articles[0].claim_outcomes
    assert [(o.status, o.gold) for o in outcomes] == [("missed", j) for j in range(4)]


def test_reports_written_before_claim_outcomes_still_load() -> None:
    from pathlib import Path

    from stance.evaluation.compare import load_report

    old = Path(__file__).parents[1] / "evals" / "reports" / "gold-claims-v3.json"
    baseline = load_report(old)
    assert baseline.articles and all(a.claim_outcomes == [] for a in baseline.articles)
