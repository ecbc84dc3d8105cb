"""Interviews laid out as questions and answers: whose words the answers are.

A Q&A article prints its interviewee's words after "A:" with no quotation marks and no
reporting verb, so the clause and quotation passes find nothing in them, and a first-person
"I think ..." inside an answer would be resolved to whoever was last named. The layout
itself says who speaks: the intro names the interviewee in the sentence that reports the
interview ("She spoke to The Ledger", "We spoke to her", "Onwuachi answered our
questions"), and every labelled answer is theirs.

This is found by code, from the layout and the parse, and it does not guess: answers count
only when at least two paragraphs open with an answer label and one with a question label,
only labelled paragraphs are answers (the narration after the last answer is not), and the
interviewee is only the person the intro's interview sentence names. With no such sentence,
the answers have no named source and are set aside with that reason, never given to the
last person named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.reading.find.document import Document, TextSpan
from stance.reading.find.lexicon_data import Lexicon
from stance.reading.find.source_names import SourceMention, mention_at, resolve_pronoun

__all__ = ["Interview", "find_interview"]

_QUESTION = re.compile(r"(?:Q|Question)\s*[:.]\s")
_ANSWER = re.compile(r"(?:A|Answer)\s*[:.]\s")
_MIN_ANSWERS = 2
# The verbs of the sentence that reports an interview, with the word that introduces the
# other party ("spoke to", "talked with", "sat down with"), and "answered (our) questions".
_INTERVIEW_VERBS = frozenset({"speak", "talk", "sit", "answer"})
_PARTY_PREPOSITIONS = frozenset({"to", "with"})
_INTERVIEWER = frozenset({"we", "us", "i", "me"})  # the publication's side of the interview


@dataclass(frozen=True, slots=True)
class Interview:
    """The answers of a Q&A article and who gives them.

    ``answers`` are the labelled answer paragraphs, each without its label; ``labels`` the
    labels ("A:") whose paragraphs they are, in the same order (the cue of an answer);
    ``questions`` the question paragraphs; ``speaker`` the interviewee as the intro names
    them, or None when it does not."""

    answers: tuple[TextSpan, ...]
    labels: tuple[TextSpan, ...]
    questions: tuple[TextSpan, ...]
    speaker: SourceMention | None

    def answer_at(self, offset: int) -> int | None:
        """The index of the answer containing character ``offset``, if any."""
        return next((i for i, a in enumerate(self.answers) if a.start <= offset < a.end), None)

    def asks_at(self, offset: int) -> bool:
        """Whether character ``offset`` is inside a question."""
        return any(q.start <= offset < q.end for q in self.questions)


def find_interview(doc: Document, lex: Lexicon) -> Interview | None:
    """The Q&A layout of ``doc``, or None when it is not laid out as one."""
    answers: list[TextSpan] = []
    labels: list[TextSpan] = []
    questions: list[TextSpan] = []
    first_turn: int | None = None
    for paragraph in doc.paragraphs:
        text = doc.text[paragraph.start : paragraph.end]
        asked, answered = _QUESTION.match(text), _ANSWER.match(text)
        if (asked or answered) and first_turn is None:
            first_turn = paragraph.start
        if asked:
            questions.append(doc.span(paragraph.start, paragraph.end))
        elif answered:
            label_end = paragraph.start + answered.end()
            labels.append(doc.span(paragraph.start, label_end))
            answers.append(doc.span(label_end, paragraph.end))
    if len(answers) < _MIN_ANSWERS or not questions or first_turn is None:
        return None
    speaker = _interviewee(doc, first_turn, lex)
    return Interview(tuple(answers), tuple(labels), tuple(questions), speaker)


def _interviewee(doc: Document, before: int, lex: Lexicon) -> SourceMention | None:
    """The person the intro's last interview sentence names: the subject of "spoke to",
    or, when the subject is the publication ("We spoke to her"), the one spoken to."""
    found: SourceMention | None = None
    for token in doc.tokens:
        if token.start >= before:
            break
        if token.lemma.lower() not in _INTERVIEW_VERBS or token.pos not in ("VERB", "AUX"):
            continue
        children = [doc.tokens[c] for c in token.children]
        subject = next((c for c in children if c.dep in ("nsubj", "nsubjpass")), None)
        party = next(
            (
                doc.tokens[g]
                for c in children
                if c.dep in ("prep", "dative") and c.lower in _PARTY_PREPOSITIONS
                for g in c.children
                if doc.tokens[g].dep == "pobj"
            ),
            None,
        )
        answered = token.lemma.lower() == "answer" and any(
            c.dep == "dobj" and c.lemma.lower() == "question" for c in children
        )
        if subject is None or (party is None and not answered):
            continue
        who = party if subject.lower in _INTERVIEWER else subject
        if who is None or who.lower in _INTERVIEWER:
            continue
        mention = resolve_pronoun(doc, mention_at(doc, who.i, lex), (), lex)
        if mention.is_pronoun and mention.antecedent is None:
            continue  # a pronoun the text does not resolve: no one named
        if mention.is_pronoun or _is_named(doc, mention):
            found = mention
    return found


def _is_named(doc: Document, mention: SourceMention) -> bool:
    """Whether the mention is a name ("Onwuachi", "Dr. Kwame Asante-Boateng"), not a common
    noun phrase ("the minister" is left to the description rules, which need a name)."""
    words = doc.tokens_within(mention.span.start, mention.span.end)
    return any(w.pos == "PROPN" or w.ent_type for w in words)
