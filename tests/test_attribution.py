"""The text beside a quote names its speaker; that outranks the model's choice."""

from __future__ import annotations

import pytest
from test_pipeline import ScriptedModel, claim, run

from stance.attribution import named_speaker
from stance.schema import Span


def speaker(paragraph: str, quote: str) -> str | None:
    start = paragraph.index(quote)
    return named_speaker(paragraph, Span(start=start, end=start + len(quote)),
                         Span(start=0, end=len(paragraph)))


@pytest.mark.parametrize(
    ("paragraph", "quote", "expected"),
    [
        ("“We will not accept it,” Kallaste said.", "We will not accept it", "Kallaste"),
        ('"This is in their heads," said Caddell, adding more.', "This is in their heads",
         "Caddell"),
        ("“We will not accept it,” she added.", "We will not accept it", "she"),
        ("But Raman said that about 1,200 customers had complained.",
         "about 1,200 customers had complained", "Raman"),
        ("Marsh told a press conference that banks must act.", "banks must act", "Marsh"),
        ("Helena Marsh said: “Both can be fooled.”", "Both can be fooled", "Helena Marsh"),
        ("The quota, officials say, is fair.", "is fair", None),
        ("Prices rose in March.", "Prices rose", None),
    ],
)
def test_named_speaker(paragraph: str, quote: str, expected: str | None) -> None:
    assert speaker(paragraph, quote) == expected


def test_model_speaker_is_corrected_by_the_text() -> None:
    text = ("Fish row\n\n"
            "“The quota is fair,” Lima said. “It is robbery,” Park said. “We will see,” he added.")
    model = ScriptedModel({"robbery": [claim("Ana Lima", "The quota is fair"),
                                       claim("Ana Lima", "It is robbery"),
                                       claim("Joe Park", "We will see")]})
    result = run(model, text)
    who = {c.quote: result.actor(c.claimer).name for c in result.claims}
    assert who["The quota is fair"] == "Ana Lima"
    assert who["It is robbery"] == "Joe Park"
