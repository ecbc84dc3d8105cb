"""The rule-based attribution finder on sentences written for these tests (invented people and
places): exact offsets of source, cue and content for each construction it covers.

spaCy and its small English model are dependencies of stance: these tests never skip.
"""

from __future__ import annotations

from stance.reading.find.candidates import Candidate, CandidateKind, find_candidates
from stance.reading.find.document import Document, TextSpan, parse
from stance.reading.find.lexicon_data import lexicon
from stance.reading.find.quote_marks import find_quotes


def at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    """The offsets of the ``nth`` occurrence of ``piece`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def span(s: TextSpan | None) -> tuple[int, int] | None:
    return None if s is None else (s.start, s.end)


def only(text: str) -> Candidate:
    """The single candidate found in ``text``."""
    found = find_candidates(parse(text))
    assert len(found) == 1, [(c.cue.text, c.content.text) for c in found]
    return found[0]


def check(text: str, source: str | None, cue: str, content: str) -> Candidate:
    """``text`` has one candidate with exactly these source, cue and content strings."""
    cand = only(text)
    assert span(cand.source) == (at(text, source) if source else None)
    assert span(cand.cue) == at(text, cue)
    assert span(cand.content) == at(text, content)
    for piece in (cand.source, cand.cue, cand.content):
        assert piece is None or text[piece.start : piece.end] == piece.text
    return cand


def test_document_offsets_are_slices_of_the_text() -> None:
    text = "Lena Brandt said the ferry was late.\n\nIt was.  Again."
    doc = parse(text)
    assert isinstance(doc, Document)
    assert len(doc.paragraphs) == 2
    assert [doc.text[s.start : s.end] for s in doc.sentences][:1] == [text.split("\n")[0]]
    for tok in doc.tokens:
        assert text[tok.start : tok.end] == tok.text
        assert doc.tokens[tok.head].sentence == tok.sentence
    assert any(e.label == "PERSON" and e.text == "Lena Brandt" for e in doc.entities)


def test_reported_speech_with_that_keeps_that() -> None:
    text = "Marsh countered that the plan was dead."
    cand = check(text, "Marsh", "countered", "that the plan was dead")
    assert cand.kind is CandidateKind.REPORTED_SPEECH
    assert cand.source_name == "Marsh"


def test_reported_speech_without_that_leaves_the_period_out() -> None:
    text = "Council member Tom Marsh said the budget was balanced."
    check(text, "Tom Marsh", "said", "the budget was balanced")


def test_apposition_after_the_name() -> None:
    text = "Daniel Robles, Spain's fisheries minister, said the quota would be cut by a third."
    cand = check(text, "Daniel Robles", "said", "the quota would be cut by a third")
    assert cand.source_name == "Daniel Robles"
    assert span(cand.source_phrase) == at(text, "Daniel Robles, Spain's fisheries minister")


def test_apposition_before_the_name() -> None:
    text = "Ruritania's farm minister, Anna Holt, accused the importers of hoarding grain."
    cand = check(text, "Anna Holt", "accused", "the importers of hoarding grain")
    assert cand.kind is CandidateKind.OBJECT
    assert cand.source_name == "Anna Holt"


def test_possessive_role_then_name() -> None:
    text = "Its chairman, Piet Lund, said the results were disappointing."
    cand = check(text, "Piet Lund", "said", "the results were disappointing")
    assert cand.source_name == "Piet Lund"


def test_direct_quote_speaker_after() -> None:
    text = "“We will not raise taxes this year,” said Mayor Ellen Park."
    cand = check(text, "Ellen Park", "said", "“We will not raise taxes this year,”")
    assert cand.kind is CandidateKind.DIRECT_QUOTE


def test_direct_quote_speaker_before_with_colon() -> None:
    text = "Mayor Ellen Park said: “We will not raise taxes this year.”"
    cand = check(text, "Ellen Park", "said", "“We will not raise taxes this year.”")
    assert cand.kind is CandidateKind.DIRECT_QUOTE


def test_straight_quotes() -> None:
    text = '"The bridge is safe for traffic," the engineer Omar Vance told reporters.'
    check(text, "Omar Vance", "told", '"The bridge is safe for traffic,"')


def test_quote_without_closing_mark_runs_to_paragraph_end() -> None:
    text = (
        "“We are not leaving the coalition, whatever the polls say,” Kofi Mensah said.\n\n"
        "“None of this is final"
    )
    quotes = find_quotes(parse(text))
    assert [(q.start, q.end, q.closed) for q in quotes] == [
        (*at(text, "“We are not leaving the coalition, whatever the polls say,”"), True),
        (*at(text, "“None of this is final"), False),
    ]


def test_quote_over_two_paragraphs() -> None:
    text = (
        "Greta Olsen spoke at length.\n\n"
        "“The harvest was poor this year in the north.\n\n"
        "“Prices will rise before winter, and farmers will suffer,” she said."
    )
    found = find_candidates(parse(text))
    quoted = [c for c in found if c.kind is CandidateKind.DIRECT_QUOTE]
    assert len(quoted) == 1
    cand = quoted[0]
    first = at(text, "“The harvest was poor this year in the north.")
    second = at(text, "“Prices will rise before winter, and farmers will suffer,”")
    assert span(cand.content) == (first[0], second[1])
    assert [span(p) for p in cand.content_parts] == [first, second]
    assert span(cand.cue) == at(text, "said")
    assert span(cand.source) == at(text, "she")
    assert cand.source_name == "Greta Olsen"
    assert span(cand.source_antecedent) == at(text, "Greta Olsen")


def test_quote_interrupted_by_its_speaker() -> None:
    text = "“The harvest was poor,” Greta Olsen said, “and prices will rise.”"
    cand = only(text)
    assert cand.kind is CandidateKind.DIRECT_QUOTE
    assert [span(p) for p in cand.content_parts] == [
        at(text, "“The harvest was poor,”"),
        at(text, "“and prices will rise.”"),
    ]
    assert span(cand.source) == at(text, "Greta Olsen")


def test_quote_continued_in_the_next_sentence() -> None:
    text = "“The harvest was poor,” Greta Olsen said. “Prices will rise before winter.”"
    cand = only(text)
    assert [span(p) for p in cand.content_parts] == [
        at(text, "“The harvest was poor,”"),
        at(text, "“Prices will rise before winter.”"),
    ]


def test_according_to() -> None:
    text = "The new bridge will open in May, according to Omar Vance, the city engineer."
    cand = check(text, "Omar Vance", "according to", "The new bridge will open in May")
    assert cand.kind is CandidateKind.ACCORDING_TO


def test_inverted_said_after_the_content() -> None:
    text = "The bridge will open in May, said Omar Vance."
    check(text, "Omar Vance", "said", "The bridge will open in May")


def test_pronoun_resolves_to_the_earlier_person() -> None:
    text = "Greta Olsen arrived late. She said the meeting had been cancelled."
    cand = check(text, "She", "said", "the meeting had been cancelled")
    assert cand.source_name == "Greta Olsen"
    assert span(cand.source_antecedent) == at(text, "Greta Olsen")


def test_denial_cue_is_marked() -> None:
    text = "Kofi Mensah denied that he had taken the money."
    cand = check(text, "Kofi Mensah", "denied", "that he had taken the money")
    assert cand.denial


def test_intention_keeps_to() -> None:
    text = "Olsen vowed to repeal the fishing ban."
    cand = check(text, "Olsen", "vowed", "to repeal the fishing ban")
    assert cand.kind is CandidateKind.INTENTION


def test_cue_inside_a_quotation_is_not_a_second_candidate() -> None:
    text = "“I think the vote will be close in every district,” Lena Brandt said."
    check(text, "Lena Brandt", "said", "“I think the vote will be close in every district,”")


def test_no_candidate_without_a_cue() -> None:
    assert find_candidates(parse("The ferry left the harbour at noon.")) == []


def test_lexicon_groups_load() -> None:
    lex = lexicon()
    assert {"say", "counter", "deny", "believe"} <= lex.clause_verbs
    assert "deny" in lex.denial_cues
    assert "minister" in lex.titles
    assert "officials" in lex.generic_sources
    assert "according to" in lex.according_to
