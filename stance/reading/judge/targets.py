"""What a stance is toward, by pointer: the noun phrases of a claim's own words.

A stance's issue must be words of the article, so a record can never say a speaker is
"against the upcoming US elections" unless the article names them. Code lists the noun
phrases inside the claim (a noun's subtree, cut at clauses and kept short); the ``target``
head scores each by its role, place, length and head word, and the best is the pointer.
"""

from __future__ import annotations

from stance.reading.find.document import Document, Token
from stance.reading.judge.features import ClaimView

__all__ = ["MAX_WORDS", "claim_phrases", "target_candidates", "target_features"]

MAX_WORDS = 8
_ROLES = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "ROOT", "appos", "conj", "npadvmod"}
)
_CLAUSE = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "punct", "cc", "prep"})
_LEADING = frozenset({"DET", "PRON", "ADP", "CCONJ", "PUNCT", "PART"})


def _phrase(doc: Document, head: Token, start: int, end: int) -> tuple[int, int] | None:
    """The head's noun phrase: its left modifiers and the head, plus short right ones."""
    tokens = doc.tokens
    first = head.i
    for child in sorted(head.children):
        if child < head.i and tokens[child].dep not in _CLAUSE:
            first = min(first, tokens[child].left)
    last = head.i
    for child in sorted(head.children):
        if (
            child > head.i
            and tokens[child].dep == "prep"
            and tokens[child].right - head.i < MAX_WORDS
        ):
            last = max(last, tokens[child].right)
    while first < head.i and tokens[first].pos in _LEADING:
        first += 1
    if last - first + 1 > MAX_WORDS:
        first = max(first, last - MAX_WORDS + 1)
    s, e = tokens[first].start, tokens[last].end
    if s < start or e > end or s >= e:
        return None
    return s, e


def target_candidates(doc: Document, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, head token index) of each noun phrase inside [start, end)."""
    found: list[tuple[int, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for token in doc.tokens_within(start, end):
        if token.pos not in ("NOUN", "PROPN") or token.dep not in _ROLES:
            continue
        span = _phrase(doc, token, start, end)
        if span is None or span in seen:
            continue
        seen.add(span)
        found.append((span[0], span[1], token.i))
    return found


def claim_phrases(doc: Document, view: ClaimView) -> list[tuple[int, int, int]]:
    """The noun phrases a stance of this claim may be toward: those of the sentences the
    claim and its cue stand in ("called the rules a responsible step": "the rules")."""
    span = view.draft.claim.span
    cue = view.draft.claim.cue_span
    start, end = span.start, span.end
    if cue is not None:
        start, end = min(start, cue.start), max(end, cue.end)
    first = doc.tokens_within(start, start + 1)
    last = doc.tokens_within(max(start, end - 1), end)
    if first and last:
        start = min(start, doc.sentences[first[0].sentence].start)
        end = max(end, doc.sentences[last[-1].sentence].end)
    return target_candidates(doc, start, end)


def target_features(doc: Document, chunk: tuple[int, int, int], view: ClaimView) -> list[str]:
    """Named features of one candidate phrase, for the ``target`` head."""
    start, end, head_index = chunk
    head = doc.tokens[head_index]
    words = [t for t in doc.tokens_within(start, end)]
    span = view.draft.claim.span
    inside = span.start <= start and end <= span.end
    place = (head.start - span.start) / max(1, span.length) if inside else -1.0
    before = end <= span.start
    return [
        "bias",
        f"dep={head.dep}",
        f"pos={head.pos}",
        f"ent={head.ent_type or 'none'}",
        f"lemma={head.lemma.lower()}",
        f"len={min(len(words), MAX_WORDS)}",
        f"place={int(place * 4)}",
        f"head_dep={doc.tokens[head.head].dep if head.head != head.i else 'self'}",
        f"head_of_root={doc.tokens[head.head].dep == 'ROOT'}",
        f"in_claim={inside}",
        f"before_claim={before}",
        f"in_dep={inside}|{head.dep}",
        f"type={view.draft.claim.type.value}",
        f"dep_type={head.dep}|{view.draft.claim.type.value}",
    ]
