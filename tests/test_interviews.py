"""Interviews laid out as questions and answers: the answers are the interviewee's words, the
interviewee is the one the intro says was interviewed, and nothing else is given to them.
The articles are written for these tests."""

from __future__ import annotations

from test_no_guessing import read, speakers  # noqa: F401  (read: the fixture, both judges)

INTERVIEW = """Q&A: the harbour master on silt, dredgers and her critics

The port's owner, Paul Henning, has said the harbour loses money because of its master. Mira \
Okafor has been the harbour master at Dunmore since 2019. She spoke to the Dunmore Courier. \
The interview has been edited for length.

Q: Why has the harbour lost two shipping lines this year?

A: Because the channel silted up faster than anyone forecast. We dredged twice in the spring.

Q: Paul Henning says the dredging contract was signed without a tender.

A: That is not true. I think the contract was tendered in public, and every bid is on our \
website.

Q: Will the harbour be open in January? Do you expect the ferry to return?

A: Yes. The new quay wall will be finished by Christmas.

The Dunmore Port Company did not respond to a request for comment.
"""

NO_INTERVIEWEE = """Q&A: questions on the harbour budget

The port's owner, Paul Henning, has said the harbour loses money every winter.

Q: Why has the harbour lost two shipping lines this year?

A: Because the channel silted up faster than anyone forecast in the survey.

Q: Will the harbour be open in January?

A: The new quay wall will be finished by Christmas, weather permitting.
"""


def test_the_answers_are_the_interviewees_words(read) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    result = read(INTERVIEW)
    said = speakers(result)
    okafor = {quote for quote, name in said.items() if name == "Mira Okafor"}
    for words in (
        "Because the channel silted up faster than anyone forecast",
        "We dredged twice in the spring",
        "That is not true",
        "The new quay wall will be finished by Christmas",
    ):
        assert any(words in quote for quote in okafor), (words, said)
    # "I think ..." after a question that names Henning is still Okafor speaking
    assert any("the contract was tendered in public" in quote for quote in okafor), said
    # the question's report of Henning stays his; the narration after the last answer and
    # the questions themselves are no one's answer
    assert any(name == "Paul Henning" and "without a tender" in q for q, name in said.items())
    assert not any("did not respond" in quote for quote in okafor)
    assert not any("Why has the harbour" in quote for quote in said)
    # "Do you expect ...?" is the interviewer's question, set aside as one
    assert not any("ferry" in quote for quote in said), said
    assert any("ferry" in r.quote and "question" in r.reason for r in result.rejected)


def test_answers_with_no_interviewee_named_are_put_in_no_ones_mouth(read) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    result = read(NO_INTERVIEWEE)
    said = speakers(result)
    assert not any("silted up" in quote or "quay wall" in quote for quote in said), said
    set_aside = " ".join(r.quote for r in result.rejected)
    assert "silted up" in set_aside and "quay wall" in set_aside


def test_one_labelled_answer_is_not_an_interview(read) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    text = NO_INTERVIEWEE.replace("A: The new quay wall", "The new quay wall")
    result = read(text.replace("The port's owner", "Mira Okafor spoke to us. The port's owner"))
    assert not any("silted up" in quote for quote in speakers(result))


# Written for this test: the parser reads the "Q" of the first question as its subject
HE_IN_A_QUESTION = """Harbour dredging: the port director answers her critics

Captain Lena Hallvik runs the Port of Brissel, whose dredging of the inner harbour began in \
June. Last week Dr Tomas Reinholt, a marine biologist at Kelby University, wrote in a local \
paper that the dredging had killed the mussel beds. We spoke to Hallvik at the harbour office.

Q: Did your crews leave anything alive on the mussel beds?

A: No. The beds were surveyed before and after, and both surveys are public.

Q: He also says the contractor, Vasta Marine, dumped the spoil at sea.

A: That is false. Every load went to the licensed site at Orre Point.
"""


def test_he_in_a_question_is_the_critic_named_before_not_the_q_label(read) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    result = read(HE_IN_A_QUESTION)
    said = speakers(result)
    assert said["the contractor, Vasta Marine, dumped the spoil at sea"] == "Tomas Reinholt"
    assert "Q" not in {a.name for a in result.actors}
