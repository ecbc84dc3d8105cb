"""Holm adjustment, d_z, the smallest detectable difference, repeated runs, and whether the
power formula holds up by simulation."""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from stance.errors import InputError
from stance.evaluation.compare import compare, compare_repeated, load_report
from stance.evaluation.compare_tables import to_markdown, to_terminal
from stance.evaluation.metrics import resample_indices
from stance.evaluation.power import articles_needed, detectable_difference, plan_power
from stance.evaluation.report import EvalReport
from stance.evaluation.significance import holm, paired_effect

REPORTS = Path(__file__).parents[1] / "evals" / "reports"
V3, V4 = REPORTS / "gold-claims-v3.json", REPORTS / "gold-claims-v4.json"


def test_holm_matches_the_textbook_example() -> None:
    # Holm (1979) as usually taught: m = 4, sorted 0.005 0.01 0.03 0.04 -> x4 x3 x2 x1,
    # then made monotone: 0.02, 0.03, 0.06, 0.06.
    raw = {"a": 0.01, "b": 0.04, "c": 0.03, "d": 0.005}
    adjusted = holm(raw)
    assert adjusted == pytest.approx({"a": 0.03, "b": 0.06, "c": 0.06, "d": 0.02})
    # an undefined p is not part of the family; adjusted values are capped at 1
    with_nan = holm({"a": 0.01, "b": float("nan"), "c": 0.6})
    assert with_nan["a"] == pytest.approx(0.02) and with_nan["c"] == pytest.approx(0.6)
    assert math.isnan(with_nan["b"])
    assert holm({"a": 0.7, "b": 0.8}) == {"a": 1.0, "b": 1.0}


def test_d_z_is_mean_over_sd_of_the_per_article_differences() -> None:
    a = np.array([0.5, 0.7, 0.9, 0.6, np.nan])
    b = np.array([0.4, 0.5, 0.6, 0.6, 0.3])
    weights = resample_indices(5, 2000, 0)
    effect = paired_effect(a, b, weights)
    d = np.array([0.1, 0.2, 0.3, 0.0])  # the undefined fifth article is left out
    assert effect.n == 4
    assert effect.sd_diff == pytest.approx(math.sqrt(0.05 / 3))
    assert effect.d_z == pytest.approx(d.mean() / d.std(ddof=1))  # 1.162
    assert effect.low < effect.d_z < effect.high
    same = paired_effect(b, b, weights)
    assert (same.d_z, same.low, same.high) == (0.0, 0.0, 0.0)


def test_smallest_detectable_difference_and_articles_needed() -> None:
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)  # 2.8016
    assert detectable_difference(0.1, 12) == pytest.approx(z * 0.1 / math.sqrt(12))
    assert round(detectable_difference(0.1, 12), 4) == 0.0809
    assert articles_needed(0.1, 0.05) == 32  # (2.8016 * 2)^2 = 31.4
    assert articles_needed(0.1, 0.05, alpha=0.01, power=0.9) == 60  # (3.862 * 2)^2 = 59.5


def _detection_rate(n: int, delta: float, sd: float, seed: int, sims: int = 2000) -> float:
    """Share of simulated evals on n articles whose paired z-test rejects at alpha 0.05."""
    rng = np.random.default_rng(seed)
    d = rng.normal(delta, sd, size=(sims, n))
    z = d.mean(axis=1) / (d.std(axis=1, ddof=1) / math.sqrt(n))
    return float(np.mean(np.abs(z) > NormalDist().inv_cdf(0.975)))


def test_the_articles_needed_detect_delta_80_percent_of_the_time() -> None:
    # the SD stance power derives from a real report (one run, r = 0.5 assumed)
    plan = plan_power([load_report(V3)], ["v3"], "attribution_f1", 0.05, 12)
    assert plan.assumed and plan.n_needed == 262
    rate = _detection_rate(plan.n_needed, plan.delta, plan.sd_diff, seed=1)
    assert 0.74 <= rate <= 0.86
    quarter = _detection_rate(plan.n_needed // 4, plan.delta, plan.sd_diff, seed=2)
    assert quarter < 0.45  # about 0.29 by the formula
    # and at the MDD of the current n, that n detects it 80% of the time too
    assert 0.74 <= _detection_rate(12, plan.mdd, plan.sd_diff, seed=3) <= 0.86


def test_power_pools_the_pairs_of_runs() -> None:
    v3, v4 = load_report(V3), load_report(V4)
    plan = plan_power([v3, v4], ["v3", "v4"], "attribution_f1", 0.05, 12)
    comparison = compare([v3, v4], ["v3", "v4"])
    assert not plan.assumed
    assert plan.sd_diff == pytest.approx(comparison.effects[(1, "attribution_f1")].sd_diff)
    assert plan.mdd == pytest.approx(comparison.detectable[(1, "attribution_f1")])
    with pytest.raises(InputError, match="does not vary"):
        plan_power([v3, v3], ["a", "b"], "attribution_f1", 0.05, 12)


def _with_article_counts(report: EvalReport, article: int, **counts: int) -> EvalReport:
    articles = [a.model_copy(deep=True) for a in report.articles]
    articles[article].counts.update(counts)
    return report.model_copy(update={"articles": articles})


def test_repeats_pool_by_article_and_report_their_spread() -> None:
    v3, v4 = load_report(V3), load_report(V4)
    single = compare([v3, v4], ["v3", "v4"])
    doubled = compare_repeated([[v3, v3], [v4, v4]], ["v3", "v4"])
    assert doubled.differences == single.differences  # counts doubled, ratios unchanged
    assert doubled.effects == single.effects and doubled.wins == single.wins
    assert doubled.repeats == [2, 2] and set(doubled.spread.values()) == {0.0}
    pooled = doubled.value(0, "claim_f1")
    assert pooled is not None and pooled.value == v3.metrics["claim_f1"].value
    assert single.spread == {} and single.repeats == [1, 1]
    assert "v3: 2 repeats, run-to-run SD: actor_f1 0.000" in to_terminal(doubled)

    # one repeat finds one more attributed claim on the first article: the spread is the SD
    # of the two run-level values
    tp = v3.articles[0].counts["attribution_tp"]
    changed = _with_article_counts(v3, 0, attribution_tp=tp + 1)
    spread = compare_repeated([[v3, changed], [v4]], ["v3", "v4"]).spread[(0, "attribution_f1")]
    gold = sum(a.counts["attribution_gold"] for a in v3.articles)
    pred = sum(a.counts["attribution_pred"] for a in v3.articles)
    assert spread == pytest.approx((2 / (gold + pred)) / math.sqrt(2))
    with pytest.raises(InputError, match="different prompts"):
        compare_repeated([[v3, v4], [v4]], ["a", "b"])


def test_terminal_and_markdown_show_raw_and_adjusted_p_d_z_and_mdd() -> None:
    c = compare([load_report(V3), load_report(V4)], ["v3", "v4"])
    lines = to_terminal(c).splitlines()
    assert lines[13:16] == [
        "v4 − v3, paired over 12 articles:",
        "metric                                Δ [95% CI]       p   p adj           d_z "
        "[95% CI]    MDD    n",
        "actor_f1                 +0.036 [-0.052, +0.176]   0.594   1.000   +0.26 [-0.55, "
        "+0.58]  0.171   12",
    ]
    assert (
        "attribution_f1           +0.062 [-0.011, +0.163]   0.128   1.000   +0.35 [-0.45, "
        "+0.69]  0.127   12"
    ) in lines
    assert "per-article attribution_f1: better on 3, worse on 2, tied on 7" in lines
    assert (
        "with 12 articles, a difference in attribution_f1 smaller than 0.127 cannot be told "
        "from noise (80% power)"
    ) in lines
    assert "p adj: Holm over 11 tests" in lines
    markdown = to_markdown(c).splitlines()
    assert (
        "| type_accuracy | +0.071 [+0.000, +0.143] | 0.058 | 0.638 | +0.43 [-0.20, +1.22] "
        "| 0.109 | 10 |"
    ) in markdown
    assert "p adj: Holm over 11 tests" in markdown


def test_holm_counts_every_run_and_a_run_against_itself_has_no_star() -> None:
    c = compare([load_report(V3), load_report(V4), load_report(V3)], ["v3", "v4", "v3b"])
    text = to_terminal(c)
    assert "p adj: Holm over 22 tests" in text  # two runs against the first, 11 metrics each
    # v3 against itself: every difference 0, p 1, nothing starred
    block = text[text.index("v3b − v3") :]
    assert "*" not in block.split("\n\n")[0]


def test_compare_cli_groups_reports_of_one_name_as_repeats(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from stance.cli import app

    page = tmp_path / "c.html"
    args = ["compare", str(V3), str(V3), str(V4), "--names", "v3,v3,v4", "--html", str(page)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["metric", "v3", "v4"]
    assert "v4 − v3, paired over 12 articles:" in lines
    assert any(line.startswith("v3: 2 repeats, run-to-run SD: actor_f1 0.000,") for line in lines)
    html = page.read_text(encoding="utf-8")
    assert "<p>p adj: Holm over 11 tests</p>" in html and 'id="spread"' in html


def test_runs_that_agree_on_every_article_say_so_instead_of_a_zero_mdd() -> None:
    report = load_report(Path(__file__).parents[1] / "evals" / "baseline.json")
    text = to_terminal(compare([report, report], ["a", "b"]))
    assert "attribution_f1 is the same on all 12 articles: these runs give no spread" in text
    assert "smaller than 0.000" not in text
