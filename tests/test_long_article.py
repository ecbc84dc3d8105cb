"""A 20,000-word article through the pipeline with a perfect reader: what length must not break.

The reader (longdoc.oracle_create) answers each paragraph with its gold claims, so every
miss here is the pipeline's: windows of over-long paragraphs, one claim per overlap,
actors merged across the article, pronouns resolved, and denials on the last page linked
to accusations on the first.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from typing import Any

import pytest
from longdoc import ACCUSATIONS, generate, oracle_create

from stance.llm.client import StructuredClient
from stance.reading.extractor import Extractor
from stance.reading.find.actors import CONTEXT_SPEAKERS, ActorRegistry
from stance.reading.find.segments import MAX_SEGMENT_CHARS, split_segments
from stance.schema import Article, ClaimType, Extraction

pytestmark = pytest.mark.usefixtures("paragraph_reader")


@cache
def long_run() -> tuple[str, dict[str, Any], Extraction, int]:
    text, gold = generate(20_000)
    calls = 0
    oracle = oracle_create(text, gold)

    def counting(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return oracle(**kwargs)

    client = StructuredClient(counting, model_id="oracle", request_model="oracle")
    record = Extractor(client).extract(Article(id="long-inquiry", text=text))
    return text, gold, record, calls


def test_the_article_is_long_and_has_windows() -> None:
    text, _gold, _, _ = long_run()
    assert len(text.split()) >= 20_000
    long_paragraphs = [p for p in text.split("\n\n") if len(p) > MAX_SEGMENT_CHARS]
    assert len(long_paragraphs) >= 10
    assert all(len(s.text) <= MAX_SEGMENT_CHARS for s in split_segments(text))


def test_every_claim_found_once_with_exact_offsets_and_speaker() -> None:
    text, gold, record, calls = long_run()
    names = {a["id"]: a["name"] for a in gold["actors"]}
    expected = sorted((c["start"], c["end"], names[c["claimer"]]) for c in gold["claims"])
    found = sorted((c.span.start, c.span.end, record.actor(c.claimer).name) for c in record.claims)
    assert found == expected
    assert all(text[c.span.start : c.span.end] == c.quote for c in record.claims)
    assert record.rejected == [] and record.errors == []
    # One call per paragraph with a quote, plus one per extra window: linear in length.
    reading = [s for s in split_segments(text) if s.worth_reading]
    assert calls == len(reading)


def test_actors_are_merged_across_the_article() -> None:
    _, gold, record, _ = long_run()
    assert sorted(a.name for a in record.actors) == sorted(a["name"] for a in gold["actors"])
    okafor = next(a for a in record.actors if a.name == "Mira Okafor")
    surnames = [m for m in okafor.mentions if m.text == "Okafor"]
    assert len(surnames) > 3  # "Okafor said" pages later is the same actor


def test_pronoun_speakers_are_resolved() -> None:
    _, gold, record, _ = long_run()
    by_start = {c.span.start: record.actor(c.claimer).name for c in record.claims}
    names = {a["id"]: a["name"] for a in gold["actors"]}
    pronoun_claims = [c for c in gold["claims"] if c.get("source_kind") == "pronoun"]
    assert len(pronoun_claims) > 20
    assert all(by_start[c["start"]] == names[c["claimer"]] for c in pronoun_claims)


def test_denials_on_the_last_page_link_to_accusations_on_the_first() -> None:
    text, gold, record, _ = long_run()
    denials = [c for c in record.claims if c.type is ClaimType.DENIAL]
    assert len(denials) == len(ACCUSATIONS)
    for denial in denials:
        denied = next(c for c in record.claims if c.id == denial.denies)
        assert denied.type is ClaimType.ACCUSATION
        words_between = len(text[denied.span.end : denial.span.start].split())
        assert words_between > 15_000
    gold_links = {
        (c["start"], next(g["start"] for g in gold["claims"] if g["id"] == c["denies"]))
        for c in gold["claims"]
        if c["denies"]
    }
    by_id = {c.id: c for c in record.claims}
    assert {(d.span.start, by_id[d.denies].span.start) for d in denials} == gold_links  # type: ignore[index]


def test_record_round_trips_as_one_jsonl_line() -> None:
    _, _, record, _ = long_run()
    line = record.model_dump_json()
    assert "\n" not in line
    assert Extraction.model_validate(json.loads(line)) == record


@pytest.mark.parametrize(
    ("sentences", "limit"),
    [(["A" * 50 + ". "] * 10, 160), (["Short one. ", "B" * 300 + ". ", "Tail end."], 120)],
)
def test_windows_overlap_by_a_sentence_and_cover_the_paragraph(
    sentences: list[str], limit: int
) -> None:
    paragraph = "".join(sentences).strip()
    windows = split_segments(paragraph, max_chars=limit)
    assert len(windows) > 1
    assert windows[0].span.start == 0 and windows[-1].span.end == len(paragraph)
    for before, after in itertools.pairwise(windows):
        assert not paragraph[before.span.end : after.span.start].strip()  # no gap
        assert after.span.start > before.span.start  # progress
    # any two adjacent sentences are read together in at least one window
    bounds, at = [], 0
    for sentence in sentences:
        piece = sentence.strip()
        start = paragraph.index(piece, at)
        bounds.append((start, start + len(piece)))
        at = start + len(piece)
    for (a, _), (_, d) in itertools.pairwise(bounds):
        if d - a <= limit:
            assert any(w.span.start <= a and d <= w.span.end for w in windows)


def test_the_prompt_names_at_most_twenty_recent_speakers() -> None:
    """However many people an article quotes, a paragraph's prompt stays the same size."""
    registry = ActorRegistry()
    names = [f"Person{chr(65 + i // 26)}{chr(97 + i % 26)} Example" for i in range(30)]
    for name in names:
        registry.resolve(name, "person")
    registry.resolve(names[0], "person")  # spoke again: recent
    speakers, last = registry.context()
    listed = [s.removesuffix(" (person)") for s in speakers.split(", ")]
    assert len(listed) == CONTEXT_SPEAKERS == 20
    assert listed == [names[0], *names[11:]]  # in the order they first spoke
    assert last == names[0]
