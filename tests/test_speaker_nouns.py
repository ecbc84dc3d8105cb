"""A claim needs an actor: a cue whose subject is a thing makes no claim, and says why."""

from __future__ import annotations

from stance.api import build_extractor
from stance.schema import Article, Extraction

THINGS = """Drought bills

Customers complain of bills that seem to bear little relation to what they used.

Under national law, an organisation that finds a breach has 72 hours to report it to the \
regulator.

Nearly half of the residents said the rationing was unfair. Marta Kellerman, the governor, \
said the province would pay for emergency water.
"""


def rules(text: str) -> Extraction:
    return build_extractor(prompt="rules-v1").extract(Article(id="t", text=text))


def test_a_thing_that_seems_or_has_time_to_report_makes_no_claim_and_is_listed() -> None:
    result = rules(THINGS)
    speakers = {a.name.lower() for a in result.actors}
    assert not speakers & {"bills", "72 hours", "hours"}
    quotes = [c.quote for c in result.claims]
    assert not any("relation to what" in q or "to the regulator" in q for q in quotes)
    set_aside = [r for r in result.rejected if r.reason.startswith("a thing, not a speaker")]
    assert {r.speaker for r in set_aside} >= {"bills", "72 hours"}


def test_a_share_of_people_and_a_named_person_still_speak() -> None:
    result = rules(THINGS)
    quotes = {c.quote for c in result.claims}
    assert any("rationing was unfair" in q for q in quotes)
    assert any("pay for emergency water" in q for q in quotes)


OWNED_WRITINGS = """Water row

Elena Voss, a hydrologist, has tracked the aquifer for a decade. Her records suggest the \
burden is not evenly shared.

Senator Marco Rubio's press release said the bill was dead. Monday's memo said talks would \
resume.
"""


def test_a_writing_owned_by_an_actor_speaks_for_its_owner_but_a_day_owns_nothing() -> None:
    result = rules(OWNED_WRITINGS)
    names = {a.id: a.name for a in result.actors}
    by_quote = {c.quote: names[c.claimer] for c in result.claims}
    assert by_quote["the burden is not evenly shared"] == "Elena Voss"
    assert by_quote["the bill was dead"] == "Marco Rubio"  # no "Rubio's", not the release
    assert by_quote["talks would resume"] != "Monday"
