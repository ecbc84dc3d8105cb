"""The readers that start from candidates found by code: ``rules`` (no model) and ``pointer``
(the model decides by number), on articles written for these tests.

Who said a quote in "X said" is found by code here, so these are rule tests that hold on
every CPU; the pointer reader's model is a fake that answers with fixed decisions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fake_provider import completion, fake_model
from openai.types.chat import ChatCompletion

from stance.api import build_extractor
from stance.errors import ConfigError
from stance.schema import Article, Attribution, ClaimType, Extraction

DEMO = Path(__file__).parents[1] / "examples" / "ministers.txt"

APPOSITIONS = """Farm row

Ruritania's farm minister, Anna Holt, accused Borduria of dumping cheap grain on its markets.

The Bordurian grain board denied that it had sold grain below cost. Its chairman, Piet Lund, \
said prices had fallen everywhere in Europe.

Ivo Marsh countered that the plan was dead.
"""


def rules(text: str) -> Extraction:
    return build_extractor(prompt="rules-v1").extract(Article(id="t", text=text))


def claim_by(extraction: Extraction, words: str) -> tuple[str, Any]:
    claim = next(c for c in extraction.claims if words in c.quote)
    actor = next(a for a in extraction.actors if a.id == claim.claimer)
    return actor.name, claim


def test_rules_give_appositive_speakers_their_claims() -> None:
    result = rules(APPOSITIONS)

    assert claim_by(result, "dumping cheap grain")[0] == "Anna Holt"
    assert claim_by(result, "prices had fallen")[0] == "Piet Lund"
    name, countered = claim_by(result, "the plan was dead")
    assert name == "Ivo Marsh"
    assert countered.cue == "countered"
    assert countered.attribution is Attribution.INDIRECT


def test_words_said_in_a_statement_belong_to_who_said_them() -> None:
    text = (
        "Fire report\n\nHalvern County insisted in a statement that the evacuation order went "
        "out as soon as the fire crossed the ridge.\n"
    )
    name, claim = claim_by(rules(text), "the evacuation order went out")
    assert name == "Halvern County"
    assert claim.cue == "insisted"


def test_rules_ground_every_span_and_name_source_and_cue() -> None:
    result = rules(APPOSITIONS)

    assert result.claims
    for claim in result.claims:
        assert claim.quote == result.text[claim.span.start : claim.span.end]
        assert claim.cue_span is not None and claim.source_span is not None
        assert result.text[claim.cue_span.start : claim.cue_span.end] == claim.cue
        assert claim.alignment.value == "exact"
    holt = claim_by(result, "dumping cheap grain")[1]
    assert result.text[holt.source_span.start : holt.source_span.end] == "Anna Holt"
    assert holt.type is ClaimType.ACCUSATION
    assert claim_by(result, "sold grain below cost")[1].type is ClaimType.DENIAL


def test_rules_reader_is_deterministic_and_asks_no_model() -> None:
    first, second = rules(APPOSITIONS), rules(APPOSITIONS)

    assert first.claims == second.claims
    assert first.provenance.model == "none"
    assert first.provenance.prompt.name == "rules"
    assert first.provenance.usage.calls == 0


def test_demo_request_belongs_to_robles_without_a_said_prefix() -> None:
    result = rules(DEMO.read_text(encoding="utf-8"))

    assert claim_by(result, "Madrid would ask")[0] == "Daniel Robles"
    for claim in result.claims:
        assert not claim.quote.lower().startswith(("said", "he said", "robles said"))
    assert claim_by(result, "built on guesswork")[0] == "Ana Pacheco"


PIECES = """Quell says harbour fees are far too high

“We will not sign this year,” Marta Quell said. “The fees are still too high.”

Tomas Brandt welcomed the delay. He said the port authority had hidden its dredging costs.
"""


def test_each_quoted_piece_is_a_claim_and_no_span_holds_its_cue() -> None:
    result = rules(PIECES)

    assert claim_by(result, "We will not sign")[0] == "Marta Quell"
    assert claim_by(result, "The fees are still too high")[0] == "Marta Quell"
    assert claim_by(result, "hidden its dredging costs")[0] == "Tomas Brandt"
    for claim in result.claims:
        assert "said" not in claim.quote, claim.quote
        assert "far too high" not in claim.quote  # nothing is read from the headline
    # "welcomed the delay" names a thing, not words said: listed as rejected, with the reason
    (thing,) = [r for r in result.rejected if r.quote == "the delay"]
    assert "not words said" in thing.reason


def test_rules_reader_refuses_a_model() -> None:
    with pytest.raises(ConfigError, match="asks no model"):
        build_extractor("openai:gpt-4o-mini", prompt="rules-v1")


# -- the pointer reader, with a fake model that answers fixed decisions -----------------------


def decision(**fields: Any) -> dict[str, Any]:
    base = {"speaker": "A1", "type": "assertion", "hedged": False, "stance": "neutral",
            "target": "issue", "denies": "none"}  # fmt: skip
    return {**base, **fields}


def schema_enum(request: dict[str, Any], field: str) -> list[str]:
    schema = request["response_format"]["json_schema"]["schema"]
    return list(schema["$defs"]["Decision"]["properties"][field]["enum"])


def pointer(text: str, answer: Any) -> tuple[Extraction, list[dict[str, Any]]]:
    requests: list[dict[str, Any]] = []

    def create(**kwargs: Any) -> ChatCompletion:
        requests.append(kwargs)
        return answer(kwargs)

    extractor = build_extractor(fake_model("pointer", create), prompt="claims-v5", judge="rules")
    return extractor.extract(Article(id="t", text=text)), requests


def test_pointer_reader_takes_types_and_a_checked_denial_link() -> None:
    def answer(request: dict[str, Any]) -> ChatCompletion:
        n = len(request["messages"][-1]["content"].split("\n[")) - 1
        links = schema_enum(request, "denies")
        decisions = [decision(type="accusation", stance="against") for _ in range(n)]
        if n > 1:  # the rejection in the second paragraph denies the accusation before it
            decisions[1] = decision(type="denial", denies=links[1], speaker="A2")
        return completion(json.dumps({"decisions": decisions}))

    result, requests = pointer(APPOSITIONS, answer)

    assert requests, "the model was asked"
    accusation = claim_by(result, "dumping cheap grain")[1]
    denial = claim_by(result, "sold grain below cost")[1]
    assert denial.type is ClaimType.DENIAL
    assert denial.denies == accusation.id
    # a name written beside the cue is the text's answer: the model cannot move it
    assert claim_by(result, "sold grain below cost")[0] != "Anna Holt"
    # no quote is generated: every claim is the text at its offsets
    for claim in result.claims:
        assert claim.quote == result.text[claim.span.start : claim.span.end]
    assert result.provenance.prompt.version == "5"


def test_pointer_reader_lists_a_dropped_candidate_as_rejected() -> None:
    def answer(request: dict[str, Any]) -> ChatCompletion:
        n = len(request["messages"][-1]["content"].split("\n[")) - 1
        return completion(json.dumps({"decisions": [decision(type="none")] * n}))

    result, _ = pointer(APPOSITIONS, answer)

    assert result.claims == []
    assert result.rejected
    assert all("no claim" in r.reason for r in result.rejected if r.speaker)


def test_pointer_reader_keeps_the_rules_reading_when_a_call_fails() -> None:
    def answer(request: dict[str, Any]) -> ChatCompletion:
        return completion("not json")

    result, _ = pointer(APPOSITIONS, answer)
    reference = rules(APPOSITIONS)

    assert [c.quote for c in result.claims] == [c.quote for c in reference.claims]
    assert result.errors and "rules' reading" in result.errors[0].message


RETORTS = """Harbour row

The port authority said foreign tankers had dumped ballast water in the bay for years.

“We will not accept a single ship that breaks the rules,” the authority's director, Lena Ort, \
said. “If they don't clean their tanks, we will close the berth to them.”

The Kessel shipping line said its crews had not broken any law.
"""


def test_a_condition_with_a_threat_is_a_warning_and_so_is_a_refusal_to_accept() -> None:
    result = rules(RETORTS)

    assert claim_by(result, "If they don't clean")[1].type is ClaimType.WARNING
    # as the gold set labels "We will not accept interference that puts ships at risk"
    assert claim_by(result, "We will not accept")[1].type is ClaimType.WARNING
    assert claim_by(result, "not broken any law")[1].type is ClaimType.DENIAL


def test_a_denial_sharing_no_words_answers_the_claim_before_it_which_becomes_an_accusation() -> (
    None
):
    paragraphs = RETORTS.split("\n\n")
    result = rules("\n\n".join([paragraphs[0], paragraphs[1], paragraphs[3]]))
    denial = claim_by(result, "not broken any law")[1]
    _, answered = claim_by(result, "dumped ballast water")

    # no word of "its crews had not broken any law" is in the authority's claim, which does not
    # name Kessel either: the claim before it, by someone else, is what it answers
    assert denial.denies == answered.id
    assert answered.type is ClaimType.ACCUSATION


def test_a_denial_that_only_names_what_it_rejects_is_set_aside_after_it_answers() -> None:
    text = (
        "Dock row\n\nThe port authority said the Kessel shipping line had dumped ballast water "
        "in the bay.\n\nKessel rejected the claims.\n"
    )
    result = rules(text)
    _, answered = claim_by(result, "dumped ballast water")

    # "rejected the claims" has no words of its own: not a claim (the gold set and PolNeAR
    # label the words a denial says), but listed with its reason, and what it answered is
    # an accusation
    assert [c.quote for c in result.claims] == [answered.quote]
    assert answered.type is ClaimType.ACCUSATION
    [aside] = [r for r in result.rejected if r.quote == "the claims"]
    assert aside.speaker == "Kessel" and f"it answers {answered.id}" in aside.reason


def test_a_hedged_deed_of_others_is_an_accusation_and_of_ones_own_side_is_not() -> None:
    result = rules(
        "Water row\n\nThe regulator's chief, Elena Voss, said several large farms appear to "
        "have pumped far more water than their licences allow.\n\nThe farmers' union said its "
        "members may have used more water in August than in July.\n"
    )

    assert claim_by(result, "appear to have pumped")[1].type is ClaimType.ACCUSATION
    assert claim_by(result, "its members may have used")[1].type is not ClaimType.ACCUSATION


# Futures, negations and refusals: which words make which type. Each text is one article;
# each case names words of one claim in it and the type the rules must give that claim.
FUTURES = {
    "meals": "Meals row\n\nThe council leader, Ruth Amis, said no child from a low-income "
    "family would lose a free meal under the new rules.\n\nAmis said food prices would keep "
    "rising next year.\n",
    "loan": "Loan row\n\nThe councillor, Ivo Marsh, said the loan would leave the city with a "
    "debt it could not control.\n\nThe mayor, Ruth Amis, said the city would not pay a cent "
    "more.\n",
    "harbour": "Harbour row\n\n“We will not accept boats fishing inside our waters,” said "
    "Piet Lund, the harbour master. “We will not raise the fees this year.”\n\n“If they have "
    "nothing to hide, let them publish the catch records,” said Anna Holt.\n",
}


@pytest.mark.parametrize(
    ("article", "words", "expected"),
    [
        # a negated future is an assurance, a plain one about others a prediction
        ("meals", "no child", ClaimType.COMMITMENT),
        ("meals", "food prices would keep rising", ClaimType.PREDICTION),
        # the "not" belongs to "could", not to the future: a forecast about others
        ("loan", "the loan would leave", ClaimType.PREDICTION),
        ("loan", "would not pay", ClaimType.COMMITMENT),
        # a refusal to put up with something is a warning; "let them" a demand
        ("harbour", "We will not accept", ClaimType.WARNING),
        ("harbour", "We will not raise", ClaimType.COMMITMENT),
        ("harbour", "let them publish", ClaimType.DEMAND),
    ],
)
def test_futures_negations_and_refusals_get_their_type(
    article: str, words: str, expected: ClaimType
) -> None:
    assert claim_by(rules(FUTURES[article]), words)[1].type is expected


QUOTED_LEDE = (
    "Vote row\n\nBritain's foreign secretary, Anna Holt, said Britain had seen evidence of "
    "Russian attempts to “sway and arguably rig” the vote.\n\n“We have seen evidence of "
    "attempts to sway and arguably rig the vote, and we want it stopped,” Holt said.\n\n“Any "
    "meddling by Russia in our vote is unacceptable to us,” Holt said.\n\nMoscow has "
    "repeatedly said it does not meddle in British elections.\n"
)


def test_a_denial_answers_the_full_quotation_a_lede_quotes_from() -> None:
    result = rules(QUOTED_LEDE)
    denial = claim_by(result, "does not meddle")[1]
    quotation = claim_by(result, "We have seen evidence")[1]
    assert denial.type is ClaimType.DENIAL
    assert quotation.attribution is Attribution.DIRECT
    assert denial.denies == quotation.id


REPORTED_REPLY = (
    "Drone row\n\nOstravia's defence ministry said Norwegian firms are supplying drone "
    "engines to the rebels.\n\nAnna Holt, Britain's foreign secretary, said Norwegian "
    "officials had not acknowledged the role of the engines in the fighting, but called "
    "this ordinary trade and said the rebels' advance didn't depend on Norway.\n"
)


def test_a_denial_another_speaker_reports_is_its_own_claim_and_answers_the_charge() -> None:
    result = rules(REPORTED_REPLY)
    names = {a.id: a.name for a in result.actors}
    denial = next(c for c in result.claims if c.quote.startswith("called this ordinary trade"))
    charge = claim_by(result, "are supplying drone engines")[1]
    reporter = claim_by(result, "had not acknowledged")
    assert names[denial.claimer] == "Norway"
    assert denial.type is ClaimType.DENIAL
    assert denial.quote.endswith("didn't depend on Norway")
    assert denial.denies == charge.id
    # the report stays the reporter's claim, and is not what the denial answers
    assert reporter[0] == "Anna Holt"
    assert denial.denies != reporter[1].id


DENIAL_WITH_GROUNDS = (
    "Ferry row\n\nThe seafarers' union accused Baltline of cutting safety drills to save "
    "fuel.\n\nBaltline rejected the union's charge, saying every crossing had met the "
    "safety rules set by the maritime agency.\n"
)


def test_a_denial_is_the_words_after_saying_not_the_charge_it_names() -> None:
    result = rules(DENIAL_WITH_GROUNDS)
    denial = claim_by(result, "every crossing had met")[1]
    charge = claim_by(result, "cutting safety drills")[1]
    assert denial.quote.startswith("every crossing")  # not "the union's charge, saying"
    assert denial.type is ClaimType.DENIAL
    assert denial.denies == charge.id
    assert not any(c.quote == "the union's charge" for c in result.claims)
