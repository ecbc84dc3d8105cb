"""Claim types from the words. A rejection makes a denial of the words that explain it
("called the claim false, saying ...", "denied the charge. ... the ministry said ...",
"insisted it had done nothing wrong"); conduct told as fact ("had skipped inspections") is an
accusation, and an expectation ("expects it to reopen") a prediction."""

from __future__ import annotations

from stance.api import build_extractor
from stance.schema import Article, ClaimType, Extraction

ROW = """Dam row deepens

Aldren accused Kastrel on Monday of cutting the flow of the Salva River by half.

Kastrel's foreign ministry denied the charge. In a statement, the ministry said that the \
drop in the river's flow was the result of the driest winter in forty years.

The union said the operator had skipped safety inspections. The operator's spokeswoman, Leila \
Banerjee, called the union's claim false, saying that every crane had been inspected on \
schedule.

Meridian Terminals insisted that it had done nothing wrong.
"""


def rules(text: str) -> Extraction:
    return build_extractor(prompt="rules-v1").extract(Article(id="t", text=text))


def claim_with(result: Extraction, words: str) -> tuple[str, ClaimType]:
    claim = next(c for c in result.claims if words in c.quote)
    return next(a.name for a in result.actors if a.id == claim.claimer), claim.type


def test_words_after_a_bare_rejection_are_the_rejecters_denial() -> None:
    who, kind = claim_with(rules(ROW), "driest winter")
    assert who == "Kastrel's foreign ministry"
    assert kind is ClaimType.DENIAL


def test_calling_a_claim_false_makes_the_grounds_a_denial() -> None:
    who, kind = claim_with(rules(ROW), "inspected on schedule")
    assert who == "Leila Banerjee"
    assert kind is ClaimType.DENIAL


def test_having_done_nothing_wrong_is_a_denial() -> None:
    _, kind = claim_with(rules(ROW), "nothing wrong")
    assert kind is ClaimType.DENIAL


CONDUCT = """Crane collapse

The union said the operator had skipped safety inspections on the crane for a year.

Meridian Terminals said it expects the eastern terminal to reopen within ten days.
"""


def test_skipping_inspections_is_an_accusation_and_expecting_a_reopening_a_prediction() -> None:
    result = rules(CONDUCT)
    assert claim_with(result, "skipped safety inspections")[1] is ClaimType.ACCUSATION
    assert claim_with(result, "reopen within ten days")[1] is ClaimType.PREDICTION


FIGURES = """Dam row

Merovia's water minister, Dana Ilves, said that readings at the border gauge had fallen by half.

Oskar Brandt, a spokesman for the Kastreli government, dismissed the minister's figures on the \
river. "The gauge has been broken since February, and everyone in Aldren knows it," he told \
state television.
"""


def test_what_a_rejection_names_is_no_claim_and_the_words_after_it_are_the_denial() -> None:
    result = rules(FIGURES)
    assert not any("figures on the river" in c.quote for c in result.claims)
    who, kind = claim_with(result, "broken since February")
    assert (who, kind) == ("Oskar Brandt", ClaimType.DENIAL)
