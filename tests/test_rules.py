"""Deterministic corrections on top of the model: denial typing, attribution, roles."""

from __future__ import annotations

import pytest

from stance.reading.ask.answers import AnswerClaim
from stance.reading.extractor import attribution_of, claim_type_of
from stance.reading.find.actors import ActorRegistry, country_of, split_role
from stance.reading.find.segments import Segment, split_segments, worth_reading
from stance.schema import Attribution, ClaimType, Span


def answer(type_: str, quote: str, cue: str = "said") -> AnswerClaim:
    return AnswerClaim(
        speaker="x",
        speaker_kind="person",
        cue=cue,
        quote=quote,
        type=type_,  # type: ignore[arg-type]
        hedged=False,
        proposition="",
        target="",
        topic="",
        stance="neutral",
        denies="",
    )


@pytest.mark.parametrize(
    ("type_", "quote", "cue", "expected"),
    [
        (
            "assertion",
            "Lisbon has repeatedly said it does not subsidise its fleet",
            "said",
            "denial",
        ),
        ("accusation", "called the report “groundless”", "called", "denial"),
        ("assertion", "the harbour fees are fair", "rejected", "denial"),
        ("opinion", "the strike isn’t about wages", "said", "denial"),
        ("commitment", "we will not sign a deal", "said", "commitment"),
        ("assertion", "we will not pay until the work is done", "said", "assertion"),
        ("assertion", "the port handles a tenth of all traffic", "said", "assertion"),
        ("warning", "there is no time left", "warned", "warning"),
    ],
)
def test_denials_are_recognised_by_their_words(
    type_: str, quote: str, cue: str, expected: str
) -> None:
    assert claim_type_of(answer(type_, quote, cue), quote) is ClaimType(expected)


def test_attribution_is_direct_only_inside_quotation_marks() -> None:
    text = "“The fleet stayed in port,” she said. Officials said the fleet “kept fishing” all week."
    segment = Segment(0, Span(start=0, end=len(text)), text, True)
    inside = text.index("The fleet")
    assert attribution_of(text, inside, inside + 9, segment) is Attribution.DIRECT
    reported = text.index("the fleet “kept")
    assert attribution_of(text, reported, reported + 25, segment) is Attribution.INDIRECT
    assert attribution_of(text, 0, 10, segment) is Attribution.DIRECT


@pytest.mark.parametrize(
    ("speaker", "country"),
    [
        ("Beijing", "China"),
        ("Chinese counterparts", "China"),
        ("the Kremlin", "Russia"),
        ("the Biden administration", "United States"),
        ("US", "United States"),
        ("Lisbon", "Portugal"),
        ("Mr Tanaka", None),
        ("Antony Blinken", None),
    ],
)
def test_metonyms_and_demonyms_name_governments(speaker: str, country: str | None) -> None:
    assert country_of(speaker) == country


def test_roles_are_split_from_person_names_but_not_from_organisations() -> None:
    assert split_role("US Secretary of State Antony Blinken") == (
        "Antony Blinken",
        "US Secretary of State",
    )
    assert split_role("Spanish Fisheries Minister Ana Ruiz") == (
        "Ana Ruiz",
        "Spanish Fisheries Minister",
    )
    assert split_role("General Motors", person=False) == ("General Motors", None)


def test_a_title_cut_short_by_the_parse_is_completed_from_the_text() -> None:
    # a source span "State Lucia Ferrer" (the parse cut the title) gave the role "State"
    text = "Madrid - Spanish Secretary of State Lucia Ferrer said the talks would resume."
    registry = ActorRegistry()
    key = registry.resolve("State Lucia Ferrer", "person") or ""
    registry.complete_role(key, text)
    actors, _ = registry.build(text, [key])
    assert actors[0].role == "Spanish Secretary of State"
    assert actors[0].affiliation == "Spain"


def test_surname_and_full_name_are_one_actor_and_pronouns_follow_the_last_person() -> None:
    registry = ActorRegistry()
    full = registry.resolve("Foreign Minister Wang Yi", "person")
    assert registry.resolve("Wang Yi", "person") == full
    assert registry.resolve("he", "person") == full
    assert registry.resolve("Beijing", "government") == registry.resolve("China", "country")
    assert registry.resolve("critics", "group") is None
    actors, _ = registry.build(
        "Foreign Minister Wang Yi spoke in Beijing. Wang left China.", [full or ""]
    )
    assert actors[0].name == "Wang Yi"
    assert actors[0].role == "Foreign Minister"
    assert [m.text for m in actors[0].mentions] == ["Foreign Minister Wang Yi", "Wang"]


def test_headings_and_bylines_are_not_sent_to_the_model() -> None:
    text = (
        "By Jo Reyes, Staff\n\nFishing row\n\n"
        "The minister said the talks had failed again.\n\nRain fell."
    )
    assert [s.worth_reading for s in split_segments(text)] == [False, False, True, False]
    assert worth_reading("“We are done,” he said.")


def test_a_claim_corrected_to_denial_opposes_its_target() -> None:
    from stance.reading.extractor import polarity_of
    from stance.schema import Polarity

    item = answer("assertion", "Lisbon said it does not subsidise its fleet")
    assert polarity_of(item, ClaimType.DENIAL) is Polarity.AGAINST
    assert polarity_of(item, ClaimType.ASSERTION) is Polarity.NEUTRAL


@pytest.mark.parametrize(
    ("words", "speaker"),
    [
        ("Lisbon has repeatedly said it does not subsidise its fleet", "Lisbon"),
        ("The European Commission believes the stock is recovering", "European Commission"),
        (
            "Spanish Fisheries Minister Daniel Robles said talks failed",
            "Spanish Fisheries Minister Daniel Robles",
        ),
        ("Pacheco has long argued that the quota is unfair", "Pacheco"),
        ("We have waited long enough", None),
    ],
)
def test_words_that_open_with_their_speaker_name_it(words: str, speaker: str | None) -> None:
    from stance.reading.extractor import speaker_named_first

    assert speaker_named_first(words) == speaker


def test_the_fuller_name_becomes_the_actor_name() -> None:
    registry = ActorRegistry()
    short = registry.resolve("Xi", "person")
    assert registry.resolve("Xi Jinping", "person") == short
    actors, _ = registry.build("Xi Jinping spoke. Xi left.", [short or ""])
    assert actors[0].name == "Xi Jinping"


def test_a_negation_about_someone_else_is_not_a_denial() -> None:
    quote = "the burden is not evenly shared"
    claimed = answer("assertion", quote, "said")
    assert claim_type_of(claimed, quote, about_self=False) is ClaimType.ASSERTION
    assert claim_type_of(claimed, quote, about_self=True) is ClaimType.DENIAL
    denied = answer("assertion", "the harbour fees are fair", "rejected")
    assert claim_type_of(denied, "the harbour fees are fair", about_self=False) is ClaimType.DENIAL


def test_headline_is_recognised() -> None:
    from stance.reading.find.segments import is_headline

    title = "Beijing rejects charge of dumping solar glass"
    assert is_headline(Segment(0, Span(start=0, end=len(title)), title, True))
    lead = "Beijing (CNN) — Officials said on Friday that the talks failed."
    assert not is_headline(Segment(0, Span(start=0, end=len(lead)), lead, True))
    assert not is_headline(Segment(1, Span(start=0, end=len(title)), title, True))
