"""The text beside a quote names its speaker; that outranks the model's choice."""

from __future__ import annotations

import pytest
from test_pipeline import ScriptedModel, claim, run

from stance.reading.find.speakers import named_speaker, speakers_named_in
from stance.schema import Span

pytestmark = pytest.mark.usefixtures("paragraph_reader")


def speaker(paragraph: str, quote: str) -> str | None:
    start = paragraph.index(quote)
    return named_speaker(
        paragraph, Span(start=start, end=start + len(quote)), Span(start=0, end=len(paragraph))
    )


@pytest.mark.parametrize(
    ("paragraph", "quote", "expected"),
    [
        ("“We will not accept it,” Kallaste said.", "We will not accept it", "Kallaste"),
        (
            '"This is in their heads," said Caddell, adding more.',
            "This is in their heads",
            "Caddell",
        ),
        ("“We will not accept it,” she added.", "We will not accept it", "she"),
        (
            "But Raman said that about 1,200 customers had complained.",
            "about 1,200 customers had complained",
            "Raman",
        ),
        ("Marsh told a press conference that banks must act.", "banks must act", "Marsh"),
        ("Helena Marsh said: “Both can be fooled.”", "Both can be fooled", "Helena Marsh"),
        ("The quota, officials say, is fair.", "is fair", None),
        ("Prices rose in March.", "Prices rose", None),
    ],
)
def test_named_speaker(paragraph: str, quote: str, expected: str | None) -> None:
    assert speaker(paragraph, quote) == expected


def test_model_speaker_is_corrected_by_the_text() -> None:
    text = (
        "Fish row\n\n"
        "“The quota is fair,” Lima said. “It is robbery,” Park said. “We will see,” he added."
    )
    model = ScriptedModel(
        {
            "robbery": [
                claim("Ana Lima", "The quota is fair"),
                claim("Ana Lima", "It is robbery"),
                claim("Joe Park", "We will see"),
            ]
        }
    )
    result = run(model, text)
    who = {c.quote: result.actor(c.claimer).name for c in result.claims}
    assert who["The quota is fair"] == "Ana Lima"
    assert who["It is robbery"] == "Joe Park"


@pytest.mark.parametrize(
    ("words", "claim"),
    [
        (
            "Helena Marsh, director of the council, said the scheme was aimed at machines",
            "the scheme was aimed at machines",
        ),
        (
            "Raman said that about 1,200 customers had reported the messages",
            "about 1,200 customers had reported the messages",
        ),
        (
            "Northgate said in a statement that its assistant cannot move money",
            "its assistant cannot move money",
        ),
        (
            "Beijing has repeatedly said it does not interfere in US elections",
            "it does not interfere in US elections",
        ),
        ("the ministry said: “Prices will fall next year.”", "Prices will fall next year.”"),
        ("Raman said no.", "Raman said no."),  # too little would be left
        ("We will never ask you to paste a code", "We will never ask you to paste a code"),
    ],
)
def test_attribution_prefix_is_trimmed(words: str, claim: str) -> None:
    from stance.reading.find.speakers import without_attribution

    span = without_attribution(words, Span(start=0, end=len(words)))
    assert words[span.start : span.end] == claim


def test_statement_opening_is_trimmed_too() -> None:
    from stance.reading.find.speakers import without_attribution

    words = "In a statement, Harbourview said: “We firmly reject any suggestion”"
    span = without_attribution(words, Span(start=0, end=len(words)))
    assert words[span.start : span.end] == "We firmly reject any suggestion”"


@pytest.mark.parametrize(
    ("paragraph", "words", "attributed"),
    [
        ("Redmere City beat Northvale 3-0. The outlook is unsettled.", "Redmere City beat", False),
        ("Rain is expected on Friday. Pitches may flood.", "Rain is expected on Friday", False),
        ("Raman said that 1,200 customers had complained. Prices rose.", "1,200 customers", True),
        ("According to the ministry, prices will fall.", "prices will fall", True),
        ("Prices rose. The council denied that it had raised fees.", "it had raised fees", True),
    ],
)
def test_reported_words_need_a_reporting_verb_in_their_sentence(
    paragraph: str, words: str, attributed: bool
) -> None:
    from stance.reading.find.speakers import is_attributed

    start = paragraph.index(words)
    span = Span(start=start, end=start + len(words))
    assert is_attributed(paragraph, span, Span(start=0, end=len(paragraph))) is attributed


def test_narration_is_set_aside_with_its_reason() -> None:
    text = "Results\n\nRedmere City beat Northvale 3-0, and 9,000 fans are expected next week."
    model = ScriptedModel(
        {"Redmere": [claim("Redmere City", "Redmere City beat Northvale 3-0", kind="organisation")]}
    )
    result = run(model, text)
    assert result.claims == []
    assert [r.reason for r in result.rejected] == [
        "no reporting verb in its sentence: the article's narration"
    ]


def test_a_person_the_model_missed_is_found_by_the_text() -> None:
    text = (
        "Ferries\n\nTiina Kallaste, who heads the agency, spoke in Tallinn. "
        "“The pattern is consistent with jamming,” Kallaste said."
    )
    model = ScriptedModel(
        {
            "pattern": [
                claim(
                    "Port Authority", "The pattern is consistent with jamming", kind="organisation"
                )
            ]
        }
    )
    result = run(model, text)
    assert [result.actor(c.claimer).name for c in result.claims] == ["Tiina Kallaste"]


def test_a_new_sentence_after_reported_words_is_not_their_attribution() -> None:
    paragraph = "Lin said that Washington was wrong. She warned that China would act."
    assert speaker(paragraph, "Washington was wrong") == "Lin"


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("“We will vote,” Marta Quell said. Later Quell added that it was late.",
         ["Marta Quell", "Quell"]),
        ("“Tolls will double,” said Rena Holt, the mayor.", ["Rena Holt"]),
        ("Helena Marsh, director of the council, told reporters the plan was late.",
         ["Helena Marsh"]),
        ("US Secretary of State Antony Blinken said the talks were frank.", ["Antony Blinken"]),
        ("Spanish Fisheries Minister Daniel Robles accused Portugal of overfishing.",
         ["Daniel Robles"]),
        ("Port officials in Valdera said on Monday that talks had collapsed.", []),
        ("The ministry said nothing. It was August.\n\nLisbon denied the charge.", ["Lisbon"]),
    ],
)  # fmt: skip
def test_speakers_named_in_the_text(text: str, speakers: list[str]) -> None:
    assert speakers_named_in(text) == speakers
