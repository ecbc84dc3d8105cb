"""The questions reader (claims@7): code finds the candidates and decides their speakers and
types, the model answers one short question per candidate (topic, stance), and a denial gets a
second question: which earlier claim it rejects.

The model here is a fake that answers fixed answers, so these tests pin what code does with
them: what the model may change, how a link is checked, what is kept when a call fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fake_provider import completion, fake_model
from openai.types.chat import ChatCompletion
from test_readers import APPOSITIONS, claim_by, rules

from stance.api import build_extractor
from stance.reading.ask.question_reader import ABOUT_CHARS, issue_words
from stance.schema import Article, Extraction, Polarity


def questions(answer: Any, prompt: str = "claims-v7") -> tuple[Extraction, list[dict[str, Any]]]:
    requests: list[dict[str, Any]] = []

    def create(**kwargs: Any) -> ChatCompletion:
        requests.append(kwargs)
        return answer(kwargs)

    extractor = build_extractor(fake_model("questions", create), prompt=prompt, judge="rules")
    return extractor.extract(Article(id="t", text=APPOSITIONS)), requests


def schema_of(request: dict[str, Any]) -> dict[str, Any]:
    return dict(request["response_format"]["json_schema"]["schema"])


def is_follow_up(request: dict[str, Any]) -> bool:
    return "denies" in schema_of(request)["properties"]


def fixed(
    about: str, stance: str, denies: str = "none"
) -> Callable[[dict[str, Any]], ChatCompletion]:
    """A fake model giving every candidate the same answer, and every denial ``denies``."""

    def answer(request: dict[str, Any]) -> ChatCompletion:
        if is_follow_up(request):
            return completion(json.dumps({"denies": denies}))
        return completion(json.dumps({"about": about, "stance": stance}))

    return answer


def test_the_model_gives_topic_and_stance_and_code_keeps_spans_speakers_and_types() -> None:
    result, requests = questions(fixed("grain prices", "against"))
    reference = rules(APPOSITIONS)

    # one question per candidate; claims@7 asks no follow-up: denial links are code's
    assert len(requests) == len(reference.claims)
    assert [c.denies is None for c in result.claims] == [c.denies is None for c in reference.claims]
    assert [(c.quote, c.type, c.cue) for c in result.claims] == [
        (c.quote, c.type, c.cue) for c in reference.claims
    ]
    assert [claim_by(result, c.quote)[0] for c in result.claims] == [
        claim_by(reference, c.quote)[0] for c in reference.claims
    ]
    assert all(c.topic == "grain prices" for c in result.claims)
    assert {s.polarity for s in result.stances} == {Polarity.AGAINST}
    # the topic is bounded by the schema, so a small model cannot ramble
    assert schema_of(requests[0])["properties"]["about"]["maxLength"] <= 60
    # no quote is generated: every claim is the text at its offsets
    for claim in result.claims:
        assert claim.quote == result.text[claim.span.start : claim.span.end]


def test_a_denial_is_asked_which_earlier_claim_it_rejects() -> None:
    result, requests = questions(fixed("grain", "neutral", denies="C1"), prompt="claims-v8")

    follow_ups = [r for r in requests if is_follow_up(r)]
    assert len(follow_ups) == 1, "only the denial gets a second question"
    offered = follow_ups[0]["messages"][-1]["content"]
    assert "C1 Anna Holt" in offered and "dumping cheap grain" in offered
    assert schema_of(follow_ups[0])["properties"]["denies"]["enum"] == ["none", "C1"]
    accusation = claim_by(result, "dumping cheap grain")[1]
    assert claim_by(result, "sold grain below cost")[1].denies == accusation.id
    assert result.provenance.prompt.version == "8"


def test_a_denial_the_model_links_to_nothing_loses_the_rules_link() -> None:
    result, _ = questions(fixed("grain", "neutral"), prompt="claims-v8")
    reference = rules(APPOSITIONS)

    # code alone links the grain board's rejection to Holt's accusation; asked (claims@8),
    # the model's "none" stands, and no word of the denial brings a link back
    assert claim_by(reference, "sold grain below cost")[1].denies is not None
    assert claim_by(result, "sold grain below cost")[1].denies is None


def test_a_failed_call_keeps_the_rules_reading_of_that_candidate_only() -> None:
    otherwise = fixed("x", "favor")

    def answer(request: dict[str, Any]) -> ChatCompletion:
        if any("WORDS: “Borduria of dumping" in m["content"] for m in request["messages"]):
            return completion("not json")  # every try, re-asks included
        return otherwise(request)

    result, _ = questions(answer)
    reference = rules(APPOSITIONS)

    assert [c.quote for c in result.claims] == [c.quote for c in reference.claims]
    assert len(result.errors) == 1 and "rules' reading" in result.errors[0].message
    # the candidates after the failed one were still asked
    assert claim_by(result, "the plan was dead")[1].topic == "x"


def test_claims_v9_asks_the_stance_only_where_the_type_does_not_say_it() -> None:
    def answer(request: dict[str, Any]) -> ChatCompletion:
        if "stance" in schema_of(request)["properties"]:
            return completion(json.dumps({"about": "grain prices", "stance": "favor"}))
        return completion(json.dumps({"about": "grain dumping"}))

    result, requests = questions(answer, prompt="claims-v9")
    by_quote = {c.quote: c for c in result.claims}
    stance_of = {e: s.polarity for s in result.stances for e in s.evidence}

    accusation = by_quote["Borduria of dumping cheap grain on its markets"]
    assert accusation.type.value == "accusation" and accusation.topic == "grain dumping"
    assert stance_of[accusation.id] is Polarity.AGAINST  # by type: the model was not asked
    assertion = by_quote["prices had fallen everywhere in Europe"]
    assert assertion.type.value == "assertion" and stance_of[assertion.id] is Polarity.FAVOR
    # the headline stands in for the paragraph, and every call starts with the same words
    user = [r["messages"][-1]["content"] for r in requests]
    assert all(u.startswith("HEADLINE: Farm row\nSPEAKER: ") for u in user)
    assert not any("Ruritania's farm minister" in u for u in user[1:])


FERRY = """Ferry row

“The new timetable is a disgrace,” said Ivo Marsh, the island's mayor. “We will take the \
ferry company to court.”

The ferry company denied that it had cut sailings.
"""


def test_claims_v11_asks_once_per_speaker_and_paragraph() -> None:
    requests: list[dict[str, Any]] = []

    def create(**kwargs: Any) -> ChatCompletion:
        requests.append(kwargs)
        if "stance" in schema_of(kwargs)["properties"]:
            return completion(json.dumps({"about": "the timetable", "stance": "against"}))
        return completion(json.dumps({"about": "cut sailings"}))

    extractor = build_extractor(fake_model("questions", create), prompt="claims-v11", judge="rules")
    result = extractor.extract(Article(id="t", text=FERRY))
    by_quote = {c.quote: c for c in result.claims}

    # three claims, two speakers' paragraphs: two questions
    assert len(result.claims) == 3 and len(requests) == 2
    asked = requests[0]["messages"][-1]["content"]
    assert asked.index("The new timetable") < asked.index("We will take")  # in text order
    opinion = by_quote["The new timetable is a disgrace"]
    commitment = by_quote["We will take the ferry company to court."]
    # one answer for both of Marsh's claims: one issue, so one stance with both as evidence
    assert opinion.topic == commitment.topic == "the timetable"
    marsh = [s for s in result.stances if s.holder == opinion.claimer]
    assert [s.evidence for s in marsh] == [[opinion.id, commitment.id]]
    # a denial alone in its paragraph is asked only what it is about
    denial = by_quote["that it had cut sailings"]
    assert denial.topic == "cut sailings" and "stance" not in schema_of(requests[1])["properties"]
    assert result.provenance.prompt.version == "11"


def test_claims_v11_a_failed_question_keeps_the_rules_reading_of_its_candidates() -> None:
    def create(**kwargs: Any) -> ChatCompletion:
        if "Ivo Marsh" in kwargs["messages"][-1]["content"]:
            return completion("not json")  # every try, re-asks included
        return completion(json.dumps({"about": "cut sailings"}))

    extractor = build_extractor(fake_model("questions", create), prompt="claims-v11", judge="rules")
    result = extractor.extract(Article(id="t", text=FERRY))
    reference = rules(FERRY)

    assert [(c.quote, c.type) for c in result.claims] == [
        (c.quote, c.type) for c in reference.claims
    ]
    assert len(result.errors) == 1 and "its 2 candidates is kept" in result.errors[0].message
    assert [c.topic for c in result.claims] == ["", "", "cut sailings"]


@pytest.mark.parametrize(
    ("answered", "issue"),
    [
        # stopped by the schema's 60-character bound mid-phrase: the head before the comma
        (
            "the medical records of about 80,000 patients, after files on",
            "the medical records of about 80,000 patients",
        ),
        (
            "ferry GPS interference to Russia's area near Russia; Kremlin",
            "ferry GPS interference to Russia's area near Russia",
        ),
        # no comma: the last word may be cut ("U"), and nothing dangles ("and")
        (
            "mackerel stock sharing treaty negotiations with the EU and U",
            "mackerel stock sharing treaty negotiations with the EU",
        ),
        (
            "deep fishing cuts for cod and mackerel in the North Sea and ",
            "deep fishing cuts for cod and mackerel in the North Sea",
        ),
        # within the bound: kept, only a trailing comma goes
        ("the Kestrel Airport flights,", "the Kestrel Airport flights"),
        ("the stadium loan, and its guarantee", "the stadium loan, and its guarantee"),
    ],
)
def test_a_topic_the_length_bound_cut_short_keeps_its_head(answered: str, issue: str) -> None:
    assert len(answered) < ABOUT_CHARS - 1 or len(answered) == ABOUT_CHARS
    assert issue_words(answered) == issue
