"""`stance show --html`: the viewer as a person uses it, in headless Chromium.

Records come from the real CLI against the fake endpoint (tests/test_cli.py), so the page
shows what `stance extract` writes: a denial linked to the claim it denies, a rejected
quote, an article that failed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from browser import browser, console_errors, open_page, screenshot_is_not_blank
from fake_openai import claim
from test_cli import BRIDGE, HARBOUR, by_id, fake_endpoint, invoke

from stance.schema import ErrorRecord, Extraction, OutputRecord, parse_record
from stance.views.html_page import json_for_script
from stance.views.viewer import render_viewer

__all__ = ["browser"]  # the fixture, used by name

HOSTILE = "</script><img src=x onerror=\"document.title='pwned'\"> <b>not bold</b>"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[OutputRecord]:
    """bridge (a denial linked to a warning), harbour (a rejected quote), empty (failed)."""
    folder = tmp_path_factory.mktemp("viewer")
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    (folder / "harbour.txt").write_text(HARBOUR + f"\n{HOSTILE}\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    fake = fake_endpoint()
    fake.table["Tomas Brandt"] = [
        claim("Tomas Brandt", "The fees are fair and they were agreed last year"),
        claim("Tomas Brandt", "Nobody in Valdera ever agreed to these fees"),  # not in the text
    ]
    out = folder / "out.jsonl"
    inputs = [str(folder / n) for n in ("bridge.txt", "harbour.txt", "empty.txt")]
    result = invoke(
        fake, "extract", *inputs, "--model", "openai:fake", "--base-url", "http://fake.test/v1",
        "--prompt", "claims-v2", "--cache", str(folder / "cache.sqlite"), "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # the empty file failed
    found = by_id(out)
    return [found["bridge"], found["harbour"], found["empty"]]


def write(records: list[OutputRecord], path: Path) -> Path:
    path.write_text(render_viewer(records, source="out.jsonl"), encoding="utf-8")
    return path


def test_show_html_writes_one_readable_self_contained_file(
    tmp_path: Path, records: list[OutputRecord]
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    page = tmp_path / "view.html"
    result = invoke(fake_endpoint(), "show", str(out), "--html", str(page))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {page}: 3 articles\n"
    html = page.read_text(encoding="utf-8")
    assert page.stat().st_mode & 0o777 == 0o644
    for ref in ('src="http', 'href="http', "<link ", "@import"):
        assert ref not in html  # nothing fetched: styles, script and data are inline
    assert HOSTILE not in html and "\\u003c/script\\u003e" in html  # data cannot close <script>


def test_article_view_highlights_quotes_and_links_a_denial(
    browser: Any, tmp_path: Path, records: list[OutputRecord]
) -> None:
    page = write(records, tmp_path / "view.html")
    assert console_errors(open_page(browser, page)) == []
    bridge = records[0]
    assert isinstance(bridge, Extraction)
    marks = browser.find_elements("css selector", "#text mark.claim")
    assert [m.text for m in marks] == [c.quote for c in bridge.claims]
    colours = {m.get_attribute("data-claim"): m.value_of_css_property("background-color")
               for m in marks}  # fmt: skip
    assert len(set(colours.values())) == 2  # Rena Holt and Ivo Marsh, one colour each
    panels = browser.find_elements("css selector", "#actors .actor h3")
    assert [p.text.split(" (")[0] for p in panels] == ["Rena Holt", "Ivo Marsh"]
    provenance = browser.find_element("id", "provenance").text
    assert "model openai:fake" in provenance and bridge.provenance.prompt.hash[:12] in provenance

    denial = next(c for c in bridge.claims if c.denies)
    browser.find_element("css selector", f'#text mark[data-claim="{denial.id}"]').click()
    lit = browser.find_elements("css selector", ".lit")
    assert {e.get_attribute("data-claim") for e in lit} == {denial.id, denial.denies}
    assert len(lit) == 4  # each claim in the text and in its actor's panel
    screenshot_is_not_blank(browser, tmp_path / "bridge.png")


def test_rejected_items_and_failed_articles_are_shown_apart(
    browser: Any, tmp_path: Path, records: list[OutputRecord]
) -> None:
    page = write(records, tmp_path / "view.html")
    assert console_errors(open_page(browser, page)) == []
    items = browser.find_elements("css selector", "#list li")
    assert [i.text.splitlines() for i in items] == [
        ["bridge", "2 claims · 2 actors"],
        ["harbour", "2 claims · 2 actors · 1 rejected"],
        ["empty", "failed: input"],
    ]
    items[1].click()
    rejected = browser.find_element("id", "rejected").text
    assert "Nobody in Valdera ever agreed to these fees" in rejected
    assert "quote not found in the paragraph read" in rejected
    text = browser.find_element("id", "text").text
    assert "<b>not bold</b>" in text and browser.title != "pwned"  # shown as text, never run
    browser.find_elements("css selector", "#list li")[2].click()
    failed = browser.find_element("css selector", ".error-box").text
    assert "Not extracted (input)" in failed and "is empty; expected article text" in failed


def test_a_thousand_articles_stay_searchable(
    browser: Any, tmp_path: Path, records: list[OutputRecord]
) -> None:
    bridge = records[0]
    many: list[OutputRecord] = [
        bridge.model_copy(update={"article_id": f"story-{i:04d}"}) for i in range(999)
    ]
    many.append(records[1])
    page = write(many, tmp_path / "many.html")
    started = time.perf_counter()
    assert console_errors(open_page(browser, page)) == []
    loaded = time.perf_counter() - started
    count = browser.find_element("id", "count")
    assert count.text == "1000 of 1000 articles"
    assert len(browser.find_elements("css selector", "#list li")) == 200  # drawn a page at a time
    assert browser.find_element("id", "more").is_displayed()

    search = browser.find_element("id", "search")
    started = time.perf_counter()
    search.send_keys("story-0421")
    assert count.text == "1 of 1000 articles"
    searched = time.perf_counter() - started
    search.clear()
    search.send_keys("Valdera")  # text only in the harbour article
    assert count.text == "1 of 1000 articles"
    search.clear()
    search.send_keys(" ")  # clear() fires no input event; a space does, and is trimmed
    browser.execute_script(
        "const s = document.getElementById('f-actor'); s.value = 'Marta Quell';"
        "s.dispatchEvent(new Event('change'));"
    )
    assert count.text == "1 of 1000 articles"
    assert loaded < 10 and searched < 5, (loaded, searched)  # generous: a person would notice


def test_records_round_trip_through_the_page_data(records: list[OutputRecord]) -> None:
    """Every claim of every record is in the page, with its exact offsets."""
    html = render_viewer(records)
    for record in records:
        if isinstance(record, Extraction):
            for c in record.claims:
                assert f'"start":{c.span.start},"end":{c.span.end}' in html
    assert parse_record(records[2].model_dump_json()).record == "error"
    failed = records[2]
    assert isinstance(failed, ErrorRecord)
    assert json_for_script(failed.message) in html  # the failure is in the page, as data


def test_redacted_page_keeps_the_structure_and_none_of_the_words(
    browser: Any, tmp_path: Path, records: list[OutputRecord]
) -> None:
    """For showing what was extracted from text that may not be shared."""
    bridge = records[0]
    assert isinstance(bridge, Extraction)
    page = tmp_path / "redacted.html"
    page.write_text(render_viewer([bridge], redact=True), encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    for claim_ in bridge.claims:
        assert claim_.quote not in html
    assert "Kessel" not in html and "tolls" not in html
    assert console_errors(open_page(browser, page)) == []
    marks = browser.find_elements("css selector", "#text mark.claim")
    assert [len(m.text) for m in marks] == [len(c.quote) for c in bridge.claims]
    assert {m.text.replace(" ", "").strip("▒,") for m in marks} == {""}
    panels = browser.find_elements("css selector", "#actors .actor h3")
    assert [p.text.split(" (")[0] for p in panels] == ["Rena Holt", "Ivo Marsh"]  # names kept


def test_actor_network_draws_one_arrow_per_relation(browser: Any, tmp_path: Path) -> None:
    """Who accuses, denies and demands of whom, drawn from the record's own table; an arrow
    lights up its claims, and an article with no such claims draws no network."""
    from test_relations import HARBOUR_ROW

    from stance.api import build_extractor
    from stance.schema import Article

    extractor = build_extractor(prompt="rules-v1", judge="rules")
    record = extractor.extract(Article(id="harbour-row", text=HARBOUR_ROW))
    calm = extractor.extract(Article(id="calm", text='Calm\n\n"All is well," Ida Lund said.\n'))
    assert len(record.relations) >= 3 and calm.relations == []
    page = write([record, calm], tmp_path / "network.html")
    assert console_errors(open_page(browser, page)) == []

    drawn = browser.find_elements("css selector", "#network svg g.edge")
    got = [
        (e.get_attribute("data-source"), e.get_attribute("data-relation"),
         e.get_attribute("data-target"))
        for e in drawn
    ]  # fmt: skip
    assert got == [(r.source, r.relation.value, r.target) for r in record.relations]
    labels = [e.find_element("css selector", "text").text for e in drawn]
    assert labels == [r.relation.value for r in record.relations]
    for edge in drawn:  # every arrow has its head, and ends near the node it points at
        path = edge.find_element("css selector", "path")
        assert (
            path.get_attribute("marker-end") == f"url(#arrow-{edge.get_attribute('data-relation')})"
        )
    nodes = {
        n.get_attribute("data-actor"): n.find_element("css selector", "text").text
        for n in browser.find_elements("css selector", "#network g.node")
    }
    names = {a.id: a.name for a in record.actors}
    assert nodes == {i: names[i] for r in record.relations for i in (r.source, r.target)}
    ends = browser.execute_script(
        "return [...document.querySelectorAll('#network g.edge path')].map(p => {"
        "  const at = p.getPointAtLength(p.getTotalLength()); return [at.x, at.y]; });"
    )
    centres = browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#network g.node')].map(n =>"
        "  [n.dataset.actor, [+n.querySelector('circle').getAttribute('cx'),"
        "   +n.querySelector('circle').getAttribute('cy')]]));"
    )
    for (x, y), r in zip(ends, record.relations, strict=True):
        to, other = centres[r.target], centres[r.source]
        assert ((x - to[0]) ** 2 + (y - to[1]) ** 2) ** 0.5 < 20  # at the target's circle
        assert ((x - other[0]) ** 2 + (y - other[1]) ** 2) ** 0.5 > 40  # not at the source's

    accusation = next(r for r in record.relations if r.relation.value == "accuses")
    index = record.relations.index(accusation)
    drawn[index].find_element("css selector", "text").click()  # its label, on the arrow
    lit = {e.get_attribute("data-claim") for e in browser.find_elements("css selector", ".lit")}
    assert lit == set(accusation.evidence)
    screenshot_is_not_blank(browser, tmp_path / "network.png")

    browser.find_elements("css selector", "#list li")[1].click()
    assert browser.find_elements("css selector", "#network") == []
