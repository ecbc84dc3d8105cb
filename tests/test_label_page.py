"""`stance label`: gold by correction, as a person does it in headless Chromium.

The prediction is evalkit's port article with mistakes put in: the hedged claim is missing,
Deepco's denial is given to Ruiz as an unlinked assertion, and a false claim is added. The
tests fix them with a real mouse selection, the speaker list, link mode and the keyboard, save,
and check the saved file with the gold validator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser import browser, console_errors, drag_select, open_page, reload_page
from evalkit import TEXT, as_extraction, port_gold
from typer.testing import CliRunner

from stance.cli import app
from stance.evaluation.gold import load_gold, problems
from stance.schema import ClaimType, Extraction, Span
from stance.views.label_page import render_label_page

__all__ = ["browser"]  # the fixture, used by name

FALSE = "The dredging firm Deepco"


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def prediction(article_id: str = "port") -> Extraction:
    """c2 (hedged) missing, c3 given to Ruiz untyped and unlinked, a false claim c5."""
    record = as_extraction(port_gold()).model_copy(update={"article_id": article_id})
    c1, _, c3, c4 = record.claims
    wrong = c3.model_copy(update={"claimer": "a1", "type": ClaimType.ASSERTION, "denies": None})
    start, end = span(FALSE)
    false = c4.model_copy(update={"id": "c5", "quote": FALSE, "span": Span(start=start, end=end)})
    return record.model_copy(update={"claims": [c1, wrong, c4, false]})


def write_page(tmp_path: Path, records: list[Extraction]) -> Path:
    page = tmp_path / "label.html"
    page.write_text(render_label_page(records, source="out.jsonl"), encoding="utf-8")
    return page


def fresh_page(driver: Any, page: Path) -> list[str]:
    """Open the page with no work kept from an earlier test (one browser per module)."""
    open_page(driver, page)
    driver.execute_script("localStorage.clear()")
    return console_errors(open_page(driver, page))


def press(driver: Any, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def click_claim(driver: Any, claim_id: str) -> None:
    driver.find_element("css selector", f'#text mark[data-claim="{claim_id}"]').click()


def choose(driver: Any, select_id: str, text: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_visible_text(text)
    driver.find_element("id", "title").click()  # focus back on the page, for the shortcuts


def claim_rows(driver: Any) -> list[str]:
    rows = driver.find_elements("css selector", "#claims li")
    return [li.get_attribute("data-claim") for li in rows]


def status(driver: Any) -> str:
    return str(driver.find_element("id", "status").text)


def correct_port(driver: Any) -> None:
    """The four corrections: add by mouse, speaker, link, delete."""
    start, end = span("the damage may be permanent")
    drag_select(driver, "text", start, end)
    press(driver, "a")
    assert status(driver) == f"added n1 ({start}–{end}): choose its speaker"
    choose(driver, "ed-speaker", "Ana Ruiz")
    driver.find_element("id", "ed-hedged").click()

    click_claim(driver, "c3")
    choose(driver, "ed-speaker", "Deepco")
    press(driver, "l")
    click_claim(driver, "c1")
    assert status(driver) == "c3 denies c1 (its type is now denial)"

    click_claim(driver, "c5")
    press(driver, "d")
    assert status(driver) == "deleted c5"


EXPECTED = [
    ("c1", "a1", "accusation", "the dredging had damaged the reef", False, None),
    ("c2", "a1", "assertion", "the damage may be permanent", True, None),
    ("c3", "a2", "denial", "its work harmed the reef", False, "c1"),
    ("c4", "a2", "commitment", "We will pay for a survey", False, None),
]


def test_corrections_by_mouse_and_keyboard_save_a_valid_gold_file(
    browser: Any, tmp_path: Path
) -> None:
    page = write_page(tmp_path, [prediction()])
    assert fresh_page(browser, page) == []
    assert claim_rows(browser) == ["c1", "c5", "c3", "c4"]
    correct_port(browser)
    press(browser, "s")
    saved = browser.execute_script("return window.__lastSave")
    assert saved["name"] == "port.gold.json"
    assert status(browser) == "saved port.gold.json: 4 claims, 2 actors"

    (tmp_path / "port.gold.json").write_text(saved["json"], encoding="utf-8")
    (tmp_path / "port.txt").write_text(TEXT, encoding="utf-8")
    gold = load_gold(tmp_path / "port.gold.json")
    assert problems(gold) == []
    got = [(c.id, c.claimer, c.type.value if c.type else None, c.quote, c.hedged, c.denies)
           for c in gold.claims]  # fmt: skip
    assert got == EXPECTED
    assert [(c.start, c.end) for c in gold.claims] == [span(e[3]) for e in EXPECTED]
    assert [(a.id, a.name) for a in gold.actors] == [("a1", "Ana Ruiz"), ("a2", "Deepco")]
    assert [(s.holder, s.target, s.polarity.value, s.evidence) for s in gold.stances] == [
        ("a1", "the dredging", "against", ["c1"])
    ]
    assert browser.find_element("id", "corrections").text == (
        "corrections: 1 add, 1 delete, 1 speaker, 0 actor, 0 type, 1 hedged, 0 stance, 1 link"
    )
    assert console_errors(browser.get_log("browser")) == []


def test_work_survives_a_reload_until_discarded(browser: Any, tmp_path: Path) -> None:
    page = write_page(tmp_path, [prediction()])
    assert fresh_page(browser, page) == []
    correct_port(browser)
    assert claim_rows(browser) == ["c1", "n1", "c3", "c4"]
    reload_page(browser)
    assert claim_rows(browser) == ["c1", "n1", "c3", "c4"]
    denial = browser.find_element("css selector", '#claims li[data-claim="c3"]').text
    assert "Deepco" in denial and "DENIAL" in denial and "denies c1" in denial
    # a changed text is another article: the kept work is not applied to it
    changed = prediction().model_copy(update={"text": TEXT + "\n\nA late paragraph."})
    (tmp_path / "changed").mkdir()
    open_page(browser, write_page(tmp_path / "changed", [changed]))
    assert claim_rows(browser) == ["c1", "c5", "c3", "c4"]

    open_page(browser, page)
    browser.find_element("id", "discard").click()
    assert claim_rows(browser) == ["c1", "n1", "c3", "c4"]  # one click only arms the button
    browser.find_element("id", "discard").click()
    assert claim_rows(browser) == ["c1", "c5", "c3", "c4"]
    assert status(browser) == "changes discarded: back to the prediction"
    reload_page(browser)
    assert claim_rows(browser) == ["c1", "c5", "c3", "c4"]
    assert console_errors(browser.get_log("browser")) == []


def test_shortcuts_move_between_claims_and_articles_and_are_listed(
    browser: Any, tmp_path: Path
) -> None:
    page = write_page(tmp_path, [prediction("port"), prediction("port-2")])
    assert fresh_page(browser, page) == []
    shortcuts = browser.find_element("id", "shortcuts").text.splitlines()
    assert shortcuts[:2] == ["a", "add a claim from the selected text"]
    assert "l" in shortcuts and "n / p" in shortcuts and "s" in shortcuts
    press(browser, "j")
    assert browser.find_element("id", "ed-id").text == "c1"
    press(browser, "jj")
    assert browser.find_element("id", "ed-id").text == "c3"
    press(browser, "k")
    assert browser.find_element("id", "ed-id").text == "c5"
    press(browser, "d")
    press(browser, "n")
    assert browser.current_url.endswith("#port-2")
    assert claim_rows(browser) == ["c1", "c5", "c3", "c4"]  # the other article is untouched
    press(browser, "p")
    assert claim_rows(browser) == ["c1", "c3", "c4"]
    items = [li.text.splitlines() for li in browser.find_elements("css selector", "#list li")]
    assert items == [
        ["Port row", "port · 3 claims · 1 corrections"],
        ["Port row", "port-2 · 4 claims · 0 corrections"],
    ]
    # a selection over a paragraph break is refused: gold quotes stay inside a paragraph
    start, end = span("Ruiz added"), span("The dredging firm")
    drag_select(browser, "text", start[0], end[1])
    press(browser, "a")
    assert status(browser) == "a claim cannot cross a paragraph break: add one claim per paragraph"
    press(browser, "s")
    assert browser.execute_script("return window.__lastSave")["name"] == "port.gold.json"
    assert console_errors(browser.get_log("browser")) == []


def test_a_claim_without_speaker_is_not_saved(browser: Any, tmp_path: Path) -> None:
    page = write_page(tmp_path, [prediction()])
    assert fresh_page(browser, page) == []
    drag_select(browser, "text", *span("Port row"))
    press(browser, "a")
    press(browser, "s")
    assert status(browser) == "not saved: n1 has no speaker"
    assert browser.execute_script("return window.__lastSave") is None
    browser.find_element("id", "ed-new-actor").send_keys("Harbour Board")
    browser.find_element("id", "ed-add-actor").click()
    choose(browser, "ed-kind", "organisation")
    browser.find_element("id", "ed-role").send_keys("port authority")
    browser.find_element("id", "ed-mentions").send_keys("harbour\nthe moon")
    browser.find_element("id", "title").click()  # leaving the field commits it
    assert status(browser) == "not in the text, left out when saving: the moon"
    press(browser, "s")
    saved = json.loads(browser.execute_script("return window.__lastSave")["json"])
    assert saved["actors"][0] == {
        "id": "a1", "name": "Harbour Board", "kind": "organisation", "role": "port authority",
        "affiliation": None, "mentions": ["harbour"],
    }  # fmt: skip
    assert saved["claims"][0]["quote"] == "Port row" and saved["claims"][0]["claimer"] == "a1"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_label_command_writes_the_page_and_refuses_files_without_extractions(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(prediction().model_dump_json() + "\n{not json\n", encoding="utf-8")
    page = tmp_path / "label.html"
    result = invoke("label", str(out), "--html", str(page))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"wrote {page}: 1 article"
    assert "out.jsonl:2: not a stance record, left out" in result.stderr
    html = page.read_text(encoding="utf-8")
    assert "default-src 'none'" in html and "<link " not in html and 'src="http' not in html

    result = invoke("label", str(out), "--html", str(page), "--id", "nope")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"stance: error: no extraction with id 'nope' in {out}"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = invoke("label", str(empty), "--html", str(page))
    assert result.exit_code == 2
    assert result.stderr == f"stance: error: {empty}: no extraction to label (run stance " \
        "extract first)\n"  # fmt: skip


@pytest.mark.parametrize("hostile", ["</script><b>x</b>", "<img src=x onerror=alert(1)>"])
def test_article_text_is_data_not_markup(browser: Any, tmp_path: Path, hostile: str) -> None:
    record = prediction()
    record = record.model_copy(update={"text": record.text + "\n\n" + hostile})
    page = write_page(tmp_path, [record])
    assert hostile not in page.read_text(encoding="utf-8")
    assert fresh_page(browser, page) == []
    assert browser.find_element("id", "text").text.endswith(hostile)
