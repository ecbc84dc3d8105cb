"""A definite description speaks for the name the text gave it: "the watchdog" for the
council the text called the watchdog, "the health minister" for Health Minister Ferreira."""

from __future__ import annotations

from stance.api import build_extractor
from stance.schema import Article, Extraction

WATCHDOG = """Banks warned over chat scams

The Consumer Money Council, the national consumer finance watchdog, warned customers on \
Wednesday about a wave of fake text messages.

The watchdog said that every bank offering a chat assistant must report such attacks within \
a day.
"""

LEDE = """Nurses set strike deadline

The health minister promised on Monday to reopen talks with the nurses' union.

Health Minister Daniel Ferreira said the government would meet union representatives on \
Wednesday.
"""

VICE = """Senate race tightens

President Alma Ruiz praised the candidate on Tuesday. The vice president said that the race \
was far from over.
"""


def rules(text: str) -> Extraction:
    return build_extractor(prompt="rules-v1").extract(Article(id="t", text=text))


def claimer_of(result: Extraction, words: str) -> str:
    claim = next(c for c in result.claims if words in c.quote)
    return next(a.name for a in result.actors if a.id == claim.claimer)


def test_the_watchdog_is_the_council_the_text_called_the_watchdog() -> None:
    result = rules(WATCHDOG)
    assert claimer_of(result, "must report such attacks") == "Consumer Money Council"
    council = next(a for a in result.actors if a.name == "Consumer Money Council")
    assert "watchdog" in {m.text for m in council.mentions}
    assert "watchdog" not in {a.name.lower() for a in result.actors}


def test_a_lede_description_is_the_person_named_with_the_same_title_later() -> None:
    result = rules(LEDE)
    assert claimer_of(result, "reopen talks") == "Daniel Ferreira"


def test_a_description_with_a_word_the_name_lacks_stays_apart() -> None:
    result = rules(VICE)
    assert claimer_of(result, "far from over") != "Alma Ruiz"


MINISTRIES = """Dam row

Kastrel's foreign ministry denied the charge on Monday. The ministry said that the drop in the \
river's flow was the result of a dry winter. The environment ministry said that the dam had cost \
less than planned.
"""


def test_a_description_takes_an_earlier_source_that_says_more_with_the_same_words() -> None:
    result = rules(MINISTRIES)
    assert claimer_of(result, "dry winter") == "Kastrel's foreign ministry"
    assert claimer_of(result, "cost less than planned") != "Kastrel's foreign ministry"
