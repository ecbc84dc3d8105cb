"""The eval and comparison pages: the numbers, the spans and the links a reviewer relies on.

Hand-made gold/prediction pairs pin down which span gets which class; the recorded gold run
(offline replay, no model call) and the stored reports check the pages on real data, in a
headless browser as well as as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from browser import browser, console_errors, open_page, screenshot_is_not_blank
from evalkit import TEXT, as_extraction, port_gold, span_of
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import StanceError
from stance.evaluation.article_scoring import match_claims
from stance.evaluation.compare import compare, load_report
from stance.evaluation.dataset_scoring import score_dataset
from stance.evaluation.evaluate import evaluate_dataset
from stance.evaluation.gold import GoldArticle
from stance.evaluation.report import EvalReport
from stance.schema import ClaimType, Extraction, OutputRecord, Span
from stance.views.compare_page import compare_page, most_changed
from stance.views.plots import Estimate, ScatterPoint, interval_chart, scatter
from stance.views.report_page import eval_page

__all__ = ["browser"]  # the fixture, used by name


ROOT = Path(__file__).parents[1]
GOLD = ROOT / "evals" / "gold"
V2, V3, V4 = (
    ROOT / "evals" / "baseline.json",
    ROOT / "evals" / "reports" / "gold-claims-v3.json",
    ROOT / "evals" / "reports" / "gold-claims-v4.json",
)
MARK = re.compile(r'<mark class="([^"]*)"[^>]*>(.*?)</mark>', re.S)


def port_pair() -> tuple[GoldArticle, Extraction]:
    """c1 and c3 found, c2 found with the wrong claimer, c4 missed, one spurious claim."""
    gold = port_gold()
    pred = as_extraction(gold)
    claims = [c for c in pred.claims if c.id != "c4"]
    claims[1] = claims[1].model_copy(update={"claimer": "a2"})
    start, end = span_of(TEXT, "Deepco said")
    spurious = claims[0].model_copy(
        update={"id": "p9", "quote": "Deepco said", "span": Span(start=start, end=end)}
    )
    claims.append(spurious.model_copy(update={"type": ClaimType.ASSERTION}))
    return gold, pred.model_copy(update={"claims": claims})


def score(gold: Sequence[GoldArticle], records: Mapping[str, OutputRecord]) -> EvalReport:
    return score_dataset(gold, records, dataset="t", dataset_path="t", resamples=100)


def marks(fragment: str) -> dict[str, set[str]]:
    """Highlighted text -> its classes."""
    return {html.unescape(text): set(cls.split()) for cls, text in MARK.findall(fragment)}


def sides(page_html: str, article: str) -> tuple[str, str]:
    """The gold and predicted text blocks of one article's section."""
    section = page_html[page_html.index(f'id="article-{article}"') :]
    gold_at, pred_at = section.index('class="side gold"'), section.index('class="side pred"')
    return section[gold_at:pred_at], section[pred_at : section.index("<h3>Errors")]


def visible_text(page_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def test_spans_are_classed_as_the_scorer_paired_them() -> None:
    gold, pred = port_pair()
    page = eval_page(score([gold], {"port": pred}), [gold], {"port": pred})
    gold_side, pred_side = sides(page, "port")
    g, p = marks(gold_side), marks(pred_side)
    assert g["the dredging had damaged the reef"] == {"hl", "match"}
    assert g["the damage may be permanent"] == {"hl", "match", "wrong"}
    assert g["We will pay for a survey"] == {"hl", "fn"}
    assert p["the damage may be permanent"] == {"hl", "match", "wrong"}
    assert p["Deepco said"] == {"hl", "fp"}
    assert "We will pay for a survey" not in p and "Deepco said" not in g
    assert "false negative: gold, not found" in page and "false positive" in page
    # the error listing names the same mistakes
    assert "wrong claimer" in page and "“We will pay for a survey”" in page


def test_a_failed_article_shows_its_gold_spans_as_missed() -> None:
    gold = port_gold()
    page = eval_page(score([gold], {}), [gold], {})
    gold_side, pred_side = sides(page, "port")
    assert {frozenset(c) for c in marks(gold_side).values()} == {frozenset({"hl", "fn"})}
    assert not marks(pred_side)
    assert "failed: no prediction (scored as an empty prediction)" in page


def test_charts_are_deterministic_and_carry_tooltips() -> None:
    rows = {"A": [Estimate(0.5, 0.4, 0.6), Estimate(None)], "B": [Estimate(0.7), Estimate(0.2)]}
    first = interval_chart(["claim_f1", "denial_f1"], rows)
    assert first == interval_chart(["claim_f1", "denial_f1"], rows)
    assert first.startswith("<svg") and "claim_f1" in first and "<metadata>" not in first
    dots = scatter([ScatterPoint("a<b", 0.2, 0.9), ScatterPoint("c", 0.5, 0.5)], xlabel="x",
                   ylabel="y")  # fmt: skip
    assert "<title>a&lt;b: 0.200 → 0.900</title>" in dots and dots.count("<title>") == 2


def test_pages_are_one_file_that_fetches_nothing(tmp_path: Path) -> None:
    gold, pred = port_pair()
    pages = [
        eval_page(score([gold], {"port": pred}), [gold], {"port": pred}),
        compare_page(compare([load_report(V2), load_report(V3)], ["v2", "v3"])),
    ]
    for page in pages:
        assert page.count("<html") == 1 and "default-src 'none'" in page
        for attr in ("src", "href"):
            assert not re.search(rf'{attr}\s*=\s*"(https?:)?//', page), attr
        assert "<link" not in page and "@import" not in page


def test_compare_page_puts_the_most_changed_article_first() -> None:
    reports = [load_report(V2), load_report(V3)]
    c = compare(reports, ["v2", "v3"])
    before = {a.id: a.metrics["attribution_f1"] or 0.0 for a in reports[0].articles}
    after = {a.id: a.metrics["attribution_f1"] or 0.0 for a in reports[1].articles}
    biggest = max(before, key=lambda a: abs(after[a] - before[a]))
    assert most_changed(c)[0][0] == biggest
    page = compare_page(c)
    table = page[page.index('id="most-changed"') :]
    assert re.search(r'<a href="#([^"]+)"', table).group(1) == f"changed-{biggest}"  # type: ignore[union-attr]
    assert f'id="changed-{biggest}"' in page
    d = c.differences[(1, "attribution_f1")]
    assert f"{d.value:+.3f} [{d.low:+.3f}, {d.high:+.3f}]" in page
    # both runs' error listings of the changed article, side by side
    section = page[page.index(f'id="changed-{biggest}"') :]
    for report in reports:
        errors = next(a for a in report.articles if a.id == biggest).errors
        assert f"Errors ({len(errors)})" in section
        assert all(html.escape(e.quote) in section for e in errors[:3])


def test_cli_writes_both_pages(tmp_path: Path) -> None:
    gold, pred = port_pair()
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "port.txt").write_text(TEXT, encoding="utf-8")
    (folder / "port.gold.json").write_text(gold.model_dump_json(), encoding="utf-8")
    preds = tmp_path / "pred.jsonl"
    preds.write_text(pred.model_dump_json() + "\n", encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "eval.html"
    result = runner.invoke(
        app, ["eval", str(folder), "--predictions", str(preds), "--html", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert marks(sides(out.read_text(encoding="utf-8"), "port")[1])["Deepco said"] == {"hl", "fp"}
    page = tmp_path / "compare.html"
    result = runner.invoke(app, ["compare", str(V2), str(V3), str(V4), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").count("<svg") == 3  # metrics + two scatters


def test_compare_metric_option(tmp_path: Path) -> None:
    page = tmp_path / "compare.html"
    args = ["compare", str(V2), str(V3), "--html", str(page)]
    result = CliRunner().invoke(app, [*args, "--metric", "claim_f1"])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<h2>Per article: claim_f1</h2>" in html
    assert "<h2>Most changed articles (claim_f1)</h2>" in html
    bad = CliRunner().invoke(app, [*args, "--metric", "nope"])
    assert bad.exit_code == 2
    assert "--metric 'nope': choose one of" in bad.stderr and "attribution_f1" in bad.stderr


@pytest.fixture(scope="module")
def replayed() -> tuple[EvalReport, Sequence[GoldArticle], Mapping[str, OutputRecord]]:
    """The gold set scored from its recorded responses: no model runs, but the local model's
    file must exist (its size is part of the recorded model id)."""
    kept: list[Any] = []
    try:
        report = evaluate_dataset(
            GOLD, model="local", offline=True, on_scored=lambda g, r: kept.extend((g, r))
        )
    except (StanceError, ImportError) as exc:
        pytest.skip(f"offline replay of {GOLD} unavailable: {exc}")
    return report, kept[0], kept[1]


def test_eval_page_has_the_reports_numbers_and_every_quote(replayed: Any) -> None:
    report, gold, records = replayed
    page = eval_page(report, gold, records)
    text = visible_text(page)
    m = report.manifest
    assert m.model in text and m.prompt.hash[:12] in text and "offline replay" in text
    for name in report.headline:
        assert f"{report.metrics[name].value:.3f}" in text, name
    for article in gold:
        result = next(a for a in report.articles if a.id == article.id)
        assert f'href="#article-{article.id}"' in page and f'id="article-{article.id}"' in page
        gold_side, pred_side = (visible_text(s) for s in sides(page, article.id))
        assert all(c.quote in gold_side for c in article.claims)
        record = records[article.id]
        assert isinstance(record, Extraction)
        assert all(c.quote in pred_side for c in record.claims)
        # the page's pairing is the one the metrics counted
        match = match_claims(record, article, m.iou_threshold)
        assert len(match.pairs) == result.counts["claim_tp"]
        assert sum(match.right_claimer.values()) == result.counts["attribution_tp"]


def _in_view(driver: Any, element: Any) -> bool:
    return bool(
        driver.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "return r.top >= -2 && r.top < window.innerHeight;",
            element,
        )
    )


def test_eval_page_in_a_browser(browser: Any, replayed: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report, gold, records = replayed
    path = tmp_path / "eval.html"
    path.write_text(eval_page(report, gold, records), encoding="utf-8")
    assert console_errors(open_page(browser, path)) == []
    headline = browser.find_element(By.CSS_SELECTOR, "table.headline").text
    assert f"{report.metrics['claim_f1'].value:.3f}" in headline
    assert browser.find_element(By.CSS_SELECTOR, "figure.chart svg").size["width"] > 300
    target = gold[1]
    browser.find_element(By.CSS_SELECTOR, f'#articles a[href="#article-{target.id}"]').click()
    assert browser.execute_script("return location.hash") == f"#article-{target.id}"
    section = browser.find_element(By.ID, f"article-{target.id}")
    assert _in_view(browser, section)
    gold_text = section.find_element(By.CSS_SELECTOR, ".side.gold .text").text
    assert all(" ".join(c.quote.split()) in " ".join(gold_text.split()) for c in target.claims)
    assert section.find_elements(By.CSS_SELECTOR, ".side.pred mark.hl")
    screenshot_is_not_blank(browser, tmp_path / "eval.png")


def test_compare_page_in_a_browser(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    c = compare([load_report(V2), load_report(V4)], ["v2", "v4"])
    path = tmp_path / "compare.html"
    path.write_text(compare_page(c), encoding="utf-8")
    assert console_errors(open_page(browser, path)) == []
    table = browser.find_element(By.ID, "differences").text
    assert "attribution_f1" in table and f"{c.differences[(1, 'claim_f1')].value:+.3f}" in table
    tips = browser.execute_script("return document.querySelectorAll('svg g title').length")
    assert tips == len(c.shared)
    first = browser.find_element(By.CSS_SELECTOR, "#most-changed a")
    article = most_changed(c)[0][0]
    assert first.text == article
    first.click()
    assert browser.execute_script("return location.hash") == f"#changed-{article}"
    section = browser.find_element(By.ID, f"changed-{article}")
    assert _in_view(browser, section)
    assert len(section.find_elements(By.CSS_SELECTOR, ".run")) == 2
    screenshot_is_not_blank(browser, tmp_path / "compare.png")
