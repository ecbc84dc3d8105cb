"""One attribution candidate: who said or believes what, signalled by which cue.

The finder's passes (``candidates``, ``interview_candidates``) make them; the judges read
them. Every span is exact character offsets into the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from stance.reading.find.document import TextSpan
from stance.reading.find.source_names import SourceMention

__all__ = ["Candidate", "CandidateKind"]


class CandidateKind(str, Enum):
    """How a candidate was found."""

    DIRECT_QUOTE = "direct_quote"  # a quotation and its speaker
    REPORTED_SPEECH = "reported_speech"  # a cue verb's clause: "X said (that) ..."
    ACCORDING_TO = "according_to"  # "..., according to X"
    OBJECT = "object"  # a cue verb's object: "X accused Y of Z"
    INTENTION = "intention"  # a cue verb's infinitive: "X vowed to ..."
    NOMINAL = "nominal"  # a cue noun's clause: "X's claim that ..."
    ANSWER = "answer"  # a sentence of an interview's answer: the interviewee's own words


@dataclass(frozen=True, slots=True)
class Candidate:
    """One attribution: ``source`` said or believes ``content``, signalled by ``cue``.

    ``source`` is the mention naming the source in the text (the name of an apposition, or
    the pronoun itself) or None when no source is written; ``source_phrase`` is the whole
    subject phrase; ``source_name`` is the name to report (a pronoun's antecedent's name when
    it could be resolved, whose span is ``source_antecedent``). ``content_parts`` are the
    pieces of a content broken by its own attribution ("“A,” she said, “B.”") or by
    paragraphs; ``content`` is their extent. ``reported_inside`` marks a denial reported
    inside another candidate's content, kept as a claim of its own. ``names_only`` marks
    the object a denial names when its words follow in a participle ("rejected the charge,
    saying ..."), whose candidate has ``grounds_of`` set to the denial's cue offset.
    """

    kind: CandidateKind
    cue: TextSpan
    content: TextSpan
    source: TextSpan | None
    source_phrase: TextSpan | None
    source_name: str | None
    source_antecedent: TextSpan | None
    sentence: int
    content_parts: tuple[TextSpan, ...]
    denial: bool
    hedged: bool
    reported_inside: bool = False  # a denial another speaker reports, inside their words
    names_only: bool = False  # the object of "rejected the charge, saying ...": named only
    grounds_of: int | None = None  # for ", saying ..." after a denial: that cue's offset
    asked: bool = False  # "Do you expect ...?" in an interview: a question, no one's claim

    @classmethod
    def spoken_by(
        cls,
        mention: SourceMention | None,
        *,
        kind: CandidateKind,
        cue: TextSpan,
        content: TextSpan,
        parts: tuple[TextSpan, ...],
        sentence: int,
        denial: bool = False,
        hedged: bool = False,
        names_only: bool = False,
        grounds_of: int | None = None,
        asked: bool = False,
    ) -> Candidate:
        """A candidate whose source fields are the mention's (or none, with no mention)."""
        return cls(
            kind=kind,
            cue=cue,
            content=content,
            source=mention.span if mention else None,
            source_phrase=mention.phrase if mention else None,
            source_name=mention.name if mention else None,
            source_antecedent=mention.antecedent if mention else None,
            sentence=sentence,
            content_parts=parts,
            denial=denial,
            hedged=hedged,
            names_only=names_only,
            grounds_of=grounds_of,
            asked=asked,
        )
