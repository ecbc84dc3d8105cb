"""Candidates of an interview laid out as questions and answers (``interviews``).

In an answer, "I" and "we" are the interviewee, whoever the text named last; "you" in a
question is the one asked, so the words are the interviewer's question, no one's claim; and
each sentence of an answer that no clause pass took is a candidate of its own, the
interviewee's words (with no interviewee named, words of no named source, set aside
downstream rather than given to the last person named).
"""

from __future__ import annotations

from dataclasses import replace

from stance.reading.find.candidate import Candidate, CandidateKind
from stance.reading.find.clauses import trim
from stance.reading.find.document import Document, overlap
from stance.reading.find.interviews import Interview
from stance.reading.find.source_names import SourceMention

__all__ = ["answer_candidates", "interviewee_speaking", "put_to_the_interviewee", "within"]


def within(cand: Candidate, answer: Candidate) -> bool:
    """Whether ``cand`` lies inside an answer sentence that it covers less than half of: a
    fragment ("anyone forecast in the survey") that the sentence replaces."""
    return answer.content.start <= cand.content.start and cand.content.end <= answer.content.end


_FIRST_PERSON_SOURCES = frozenset({"i", "we"})
_SECOND_PERSON_SOURCES = frozenset({"you"})
_MIN_ANSWER_WORDS = 3  # "Yes." or "Not yet." alone state nothing to check


def interviewee_speaking(
    doc: Document, mention: SourceMention, interview: Interview | None, cue: int
) -> SourceMention:
    """ "I" or "we" in an interview's answer is the interviewee ("I think Parliament will
    ..."), whoever the text named last."""
    if (
        interview is None
        or interview.speaker is None
        or not mention.is_pronoun
        or doc.tokens[mention.head].lower not in _FIRST_PERSON_SOURCES
        or interview.answer_at(cue) is None
    ):
        return mention
    speaker = interview.speaker
    name_span = speaker.antecedent or speaker.span
    return replace(mention, name=speaker.name, antecedent=name_span)


def put_to_the_interviewee(
    doc: Document, mention: SourceMention | None, interview: Interview | None, cue: int
) -> bool:
    """ "Do you expect the law to change?": "you" in a question is the one asked, and the
    words are the interviewer's question, not a claim of either."""
    return (
        interview is not None
        and mention is not None
        and mention.is_pronoun
        and doc.tokens[mention.head].lower in _SECOND_PERSON_SOURCES
        and interview.asks_at(cue)
    )


def answer_candidates(
    doc: Document, interview: Interview, taken: list[Candidate]
) -> list[Candidate]:
    """Each sentence of each answer that no other candidate holds, as the interviewee's
    words; with no interviewee named, as words of no named source (set aside downstream)."""
    speaker = interview.speaker
    out = []
    for answer, label in zip(interview.answers, interview.labels, strict=True):
        cue = doc.span(label.start, label.start + len(label.text.rstrip()))
        within = doc.tokens_within(answer.start, answer.end)
        if not within:
            continue
        for sent in doc.sentences:
            first = max(sent.first, within[0].i)
            if sent.end <= answer.start or sent.start >= answer.end or first > sent.last:
                continue
            words = [t for t in doc.tokens[first : sent.last + 1] if t.pos != "PUNCT"]
            bounds = trim(doc, first, sent.last)
            if len(words) < _MIN_ANSWER_WORDS or bounds is None:
                continue
            held = sum(overlap(bounds, (p.start, p.end)) for c in taken for p in c.content_parts)
            if held >= 0.5 * (bounds[1] - bounds[0]):
                continue  # "I think ...": the clause pass already has the words
            content = doc.span(*bounds)
            out.append(
                Candidate.spoken_by(
                    speaker,
                    kind=CandidateKind.ANSWER,
                    cue=cue,
                    content=content,
                    parts=(content,),
                    sentence=sent.index,
                )
            )
    return out
