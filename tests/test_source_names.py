"""Who an actor is called and what kind it is, when the source is not a plain name.

Sentences written for these tests (invented people and places), read by the rules reader:
its actors are what every reader starts from. A relative pronoun, a sentence's opening word or
a clause after a comma must not become part of a name; a description keeps its head.
"""

from __future__ import annotations

import pytest

from stance.api import build_extractor
from stance.reading.find.actors import ActorRegistry, role_in_text
from stance.schema import Article, Extraction


def rules(text: str) -> Extraction:
    return build_extractor(prompt="rules-v1").extract(Article(id="t", text=text))


def speaker_of(text: str, words: str) -> tuple[str, str]:
    result = rules(text)
    claim = next(c for c in result.claims if words in c.quote)
    actor = next(a for a in result.actors if a.id == claim.claimer)
    return actor.name, actor.kind.value


@pytest.mark.parametrize(
    ("text", "words", "name", "kind"),
    [
        # the relative pronoun sits before the clause's verb: not part of the name
        (
            "The groups who wrote to the mayor on Thursday say the plan is unfair.",
            "the plan is unfair",
            "groups",
            "group",
        ),
        # a capitalised opening word is not a given name
        (
            "When Holt said the port would close, nobody believed her.",
            "the port would close",
            "Holt",
            "person",
        ),
        # nor is the last word of a heading above it
        (
            "Warning on support for Russia\n\nHolt also said the port would close.",
            "the port would close",
            "Holt",
            "person",
        ),
        # the name in apposition, wherever the parse hangs it
        (
            "The mayor of Dunmore, Ruth Amis, said the city would not pay.",
            "the city would not pay",
            "Ruth Amis",
            "person",
        ),
        # a comma ends a description
        (
            "Crews on the ferries, which cross the bay twice a day, say their radios fail "
            "near the island.",
            "their radios fail",
            "Crews on the ferries",
            "group",
        ),
        # a body is an organisation, not a person
        (
            "Marsh's campaign said it would appeal the ruling.",
            "it would appeal",
            "Marsh’s campaign".replace("’", "'"),
            "organisation",
        ),
        # a spokesperson speaks for the body; "who" is said of a person, whatever the entity
        (
            "A spokesperson for the European Commission said it would study the request.",
            "it would study the request",
            "European Commission",
            "organisation",
        ),
        (
            "Ana Pacheco, who heads the fishing cooperative in Peniche, said the Spanish "
            "figures were wrong.",
            "the Spanish figures were wrong",
            "Ana Pacheco",
            "person",
        ),
        (
            "A new poll suggests voters have turned against the harbour plan.",
            "voters have turned",
            "new poll",
            "other",
        ),
    ],
)
def test_source_phrases_name_their_actor_and_its_kind(
    text: str, words: str, name: str, kind: str
) -> None:
    got_name, got_kind = speaker_of(text, words)
    assert got_name.lower().removeprefix("new ") == name.lower().removeprefix("new ")
    assert got_kind == kind


def test_a_name_joins_a_fuller_name_not_a_phrase_that_ends_with_it() -> None:
    registry = ActorRegistry()
    holt = registry.resolve("Anna Holt", "person")
    assert registry.resolve("Holt", "person") == holt
    xi = registry.resolve("Xi Jinping", "person")
    assert registry.resolve("Xi", "person") == xi
    for phrase, kind in (("Nine months of Marsh", "group"), ("Marsh campaign", "organisation")):
        alone = ActorRegistry()
        other = alone.resolve(phrase, kind)
        marsh = alone.resolve("Marsh", "person")
        assert marsh != other
        assert alone.name_of(marsh) == "Marsh"


def test_a_role_spans_of_and_stops_at_punctuation() -> None:
    text = (
        "By Mara Voss, Tidings\n\nDunmore (Tidings) — Ruritanian Secretary of State Ivo Marsh "
        "said the port would close."
    )
    assert role_in_text("Ivo Marsh", text) == "Ruritanian Secretary of State"
    assert role_in_text("Ivo Marsh", "The harbour master Ivo Marsh said so.") is None


@pytest.mark.parametrize(
    ("text", "words", "name"),
    [
        # a speaker introduced as a sentence's subject, then quoted with "he said"
        (
            "Anna Holt, the union's leader, said the port was failing. Tomas Brenner runs it. "
            "Brenner looked calm on the quay. \u201cWe have not cut a single "
            "job this year,\u201d he said.",
            "We have not cut a single job",
            "Tomas Brenner",
        ),
        # the subject of a clause someone reports is not the one who goes on speaking
        (
            "Piet Lund, a dock worker, said Marek Sobol should resign. \u201cHe has lied to "
            "us for a year,\u201d he said.",
            "He has lied to us for a year",
            "Piet Lund",
        ),
        # the person the paragraph has turned to, not the last one quoted
        (
            "Dorota Wilk chairs the harbour board. Adam Nowak, a ferry captain, said the "
            "company lied. Wilk continued her attack on the ferry company. \u201cThey "
            "cannot be trusted,\u201d she said.",
            "They cannot be trusted",
            "Dorota Wilk",
        ),
    ],
)
def test_a_pronoun_speaker_is_the_person_the_text_was_just_about(
    text: str, words: str, name: str
) -> None:
    assert speaker_of(text, words)[0] == name


@pytest.mark.parametrize(
    ("text", "words", "name", "kind"),
    [
        # a surname the small model reads as an organisation, after the full name was given
        (
            "The growers' chairman, Tomasz Brandt, has become a critic of the plan. Brandt "
            "said the cuts would ruin small farms.",
            "the cuts would ruin",
            "Tomasz Brandt",
            "person",
        ),
        (
            "The port's director, Ilse Vandermeer, spoke after the vote. Vandermeer said the "
            "strike had cost millions.",
            "the strike had cost",
            "Ilse Vandermeer",
            "person",
        ),
        # a name with a person's title in apposition
        (
            "Marcus Hale, a senior trade adviser, said a decision would come within weeks.",
            "a decision would come",
            "Marcus Hale",
            "person",
        ),
        # a spokesperson named after the body: the body speaks
        (
            "A Harbour Board spokesperson said the quay would reopen on Monday.",
            "the quay would reopen",
            "Harbour Board",
            "organisation",
        ),
    ],
)
def test_a_person_is_a_person_and_a_spokesperson_speaks_for_the_body(
    text: str, words: str, name: str, kind: str
) -> None:
    assert speaker_of(text, words) == (name, kind)


def test_a_relative_clause_on_a_description_belongs_to_the_name_it_describes() -> None:
    text = (
        "The files were found by Amara Kovacs, an independent security researcher, who said "
        "that the server had required no password at all."
    )
    assert speaker_of(text, "the server had required no password") == ("Amara Kovacs", "person")


SHE_AFTER_A_MAN = """Port row

Anna Alder, the port's chairwoman, met the ferry owners on Monday. Tomas Brenner, who runs \
the ferry company, was there too, and Mr. Brenner took notes. “We will not pay for the new \
quay,” she said.

“The quay is the port's problem,” he said.
"""


def test_she_skips_a_man_the_text_calls_mr_and_he_does_not() -> None:
    result = build_extractor(prompt="rules-v1").extract(Article(id="t", text=SHE_AFTER_A_MAN))
    names = {a.id: a.name for a in result.actors}
    by_quote = {c.quote: names[c.claimer] for c in result.claims}
    assert by_quote["We will not pay for the new quay"] == "Anna Alder"
    assert by_quote["The quay is the port's problem"] == "Tomas Brenner"


SHE_AFTER_A_TITLED_NAME = """Valve trial opens

"The prosecution has built its case backwards," the defence barrister said. "Hindsight is \
not proof."

The judge, Mrs Justice Helen Carter, told jurors to avoid news reports of the leak. She said \
the trial would last about six weeks.

Its spokeswoman, Rachel Morgan, said many families were still paying for repairs. "The \
company owes every family an apology," she said.
"""


def test_she_is_the_named_judge_or_spokeswoman_not_a_word_quoted_before() -> None:
    # "The judge, Mrs Justice Helen Carter" has a common noun for its head: the name in it
    # makes it a person, so "She" is her and not the capitalised "Hindsight" of a quotation
    result = build_extractor(prompt="rules-v1").extract(
        Article(id="t", text=SHE_AFTER_A_TITLED_NAME)
    )
    names = {a.id: a.name for a in result.actors}
    by_quote = {c.quote: names[c.claimer] for c in result.claims}
    assert by_quote["the trial would last about six weeks"] == "Helen Carter"
    assert by_quote["The company owes every family an apology"] == "Rachel Morgan"
    assert "Hindsight" not in names.values()


# Written for this test: the small parser labels both executives' names organisations here
PRONOUNS_AFTER_TITLED_NAMES = """Solar park contract row

Brightwell Power won the contract for the Harnby solar park on Monday. "The process was \
clean from start to finish," Brightwell's chief executive, Amara Lindqvist, told investors on \
a call.

A losing bidder, Castor Renewables, said the council had rewritten the rules late in a way \
that only Brightwell could meet.

Castor's managing director, Paul Everts, went further. "Someone at the council gave \
Brightwell the new rules a week early," he said.

Lindqvist said that Brightwell would publish its bid. She predicted that the first panels \
would be in place by the spring.
"""


def test_he_and_she_are_the_titled_people_the_parser_took_for_companies() -> None:
    # "chief executive, Amara Lindqvist" and "managing director, Paul Everts": a name beside
    # a person's title is a person's, so neither pronoun goes to the company Castor
    result = build_extractor(prompt="rules-v1").extract(
        Article(id="t", text=PRONOUNS_AFTER_TITLED_NAMES)
    )
    names = {a.id: a.name for a in result.actors}
    by_quote = {c.quote: names[c.claimer] for c in result.claims}
    assert by_quote["Someone at the council gave Brightwell the new rules a week early"] == (
        "Paul Everts"
    )
    assert by_quote["that the first panels would be in place by the spring"] == "Amara Lindqvist"


# Written for this test: the parser hangs "who said" on "company", and labels the barrister's
# surname an organisation where it stands alone
WHO_AND_A_BARRISTER = """Refinery fire trial

Dunmore Oil has pleaded not guilty to three charges over the fire at its Carrow refinery.

The jury heard from Bram Keller, a former maintenance supervisor at the company, who said he \
had told his manager in writing in March that the pump "would not last the summer."

Under cross-examination by Paolo Serra KC, for the defence, Keller accepted that he had never \
asked for the unit to be shut down. Serra put it to him that he had raised the alarm only \
after the fire.

In his opening speech, Serra had told the court that the reports had graded the leak as minor.

"The prosecution has built a story backwards from an accident," he said. "Hindsight is not \
evidence."
"""


def test_who_is_the_witness_not_his_company_and_he_is_the_barrister() -> None:
    # "who" is said of a person: the clause the parse hung on "company" climbs to the
    # supervisor, Keller; "Serra" alone is the person "Paolo Serra KC", not an organisation
    result = build_extractor(prompt="rules-v1").extract(Article(id="t", text=WHO_AND_A_BARRISTER))
    names = {a.id: a.name for a in result.actors}
    by_quote = {c.quote: names[c.claimer] for c in result.claims}
    told = next(q for q in by_quote if q.startswith("he had told his manager"))
    assert by_quote[told] == "Bram Keller"
    assert "Serra" in by_quote["The prosecution has built a story backwards from an accident"]
    assert "company" not in names.values()
