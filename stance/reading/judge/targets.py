"""What a stance is toward, by pointer: the noun phrases of a claim's own words.

A stance's issue must be words of the article, so a record can never say a speaker is
"against the upcoming US elections" unless the article names them. Code lists the noun
phrases inside the claim (a noun's subtree, cut at clauses and kept short); the ``target``
head scores each by its role, place, length and head word, and the best is the pointer.
"""

from __future__ import annotations

from stance.reading.document import Document, Token
from stance.reading.judge.features import ClaimView

__all__ = ["MAX_WORDS", "target_candidates", "target_features"]

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


def target_features(doc: Document, chunk: tuple[int, int, int], view: ClaimView) -> list[str]:
    """Named features of one candidate phrase, for the ``target`` head."""
    start, end, head_index = chunk
    head = doc.tokens[head_index]
    words = [t for t in doc.tokens_within(start, end)]
    order = [c for c in (view.tokens or ()) if c.i == head_index]
    place = (head.start - view.draft.claim.span.start) / max(1, view.draft.claim.span.length)
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
        f"in_claim={bool(order)}",
        f"type={view.draft.claim.type.value}",
        f"dep_type={head.dep}|{view.draft.claim.type.value}",
    ]
