"""What a stance is toward, by pointer: a noun phrase of the article.

A stance's issue must be words of the article, so a record can never say a speaker is
"against the upcoming US elections" unless the article names them. Code lists the noun
phrases of the claim's sentences (a noun's subtree, cut at clauses and kept short) and the
article's issues, the phrases whose head noun the article comes back to most ("the
Eastfield bypass" when the bypass is named again and again): a labeller names the issue a
speaker's claims are about, which is often not a phrase of the claim itself. The ``target``
head scores each by its role, place, length, head word and how often the article names it,
and the best is the pointer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from stance.reading.find.document import Document, Token
from stance.reading.judge.features import ClaimView

__all__ = [
    "ISSUES",
    "MAX_WORDS",
    "Issues",
    "article_issues",
    "claim_phrases",
    "stance_targets",
    "target_candidates",
    "target_features",
]

MAX_WORDS = 8
ISSUES = 6  # the article's issues offered to every claim besides its own phrases
Chunk = tuple[int, int, int]  # start, end, head token index
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


@dataclass(frozen=True)
class Issues:
    """The article's issues (each head noun's first and fullest phrase, most named first)
    and how often each head noun heads a phrase of the article."""

    chunks: tuple[Chunk, ...]
    counts: dict[str, int]


def article_issues(doc: Document) -> Issues:
    """The phrases whose head noun heads the most noun phrases of the article (at least two),
    one per head: the longest of its first sentence's, up to ``ISSUES``."""
    every = target_candidates(doc, 0, len(doc.text))
    counts = Counter(_head_word(doc, c) for c in every)
    chosen: dict[str, Chunk] = {}
    for chunk in every:
        word = _head_word(doc, chunk)
        if counts[word] < 2 or doc.tokens[chunk[2]].ent_type == "PERSON":
            continue
        first = chosen.get(word)
        same_sentence = first is not None and (
            doc.tokens[first[2]].sentence == doc.tokens[chunk[2]].sentence
        )
        if first is None or (same_sentence and chunk[1] - chunk[0] > first[1] - first[0]):
            chosen[word] = chunk
    ranked = sorted(chosen.items(), key=lambda wc: (-counts[wc[0]], wc[1][0]))
    return Issues(tuple(c for _, c in ranked[:ISSUES]), dict(counts))


def stance_targets(doc: Document, view: ClaimView, issues: Issues) -> list[Chunk]:
    """What a claim's stance may be toward: the phrases of its sentences, then the
    article's issues not among them."""
    own = claim_phrases(doc, view)
    texts = {doc.text[s:e].lower() for s, e, _ in own}
    return own + [c for c in issues.chunks if doc.text[c[0] : c[1]].lower() not in texts]


def _head_word(doc: Document, chunk: Chunk) -> str:
    return doc.tokens[chunk[2]].lemma.lower()


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3-4" if n <= 4 else "5+"


def target_features(doc: Document, chunk: Chunk, view: ClaimView, issues: Issues) -> list[str]:
    """Named features of one candidate phrase, for the ``target`` head."""
    start, end, head_index = chunk
    head = doc.tokens[head_index]
    words = [t for t in doc.tokens_within(start, end)]
    span = view.draft.claim.span
    inside = span.start <= start and end <= span.end
    place = (head.start - span.start) / max(1, span.length) if inside else -1.0
    before = end <= span.start
    claim_tokens = doc.tokens_within(span.start, span.end)
    own = {t.lemma.lower() for t in claim_tokens}
    near = bool(claim_tokens) and abs(head.sentence - claim_tokens[0].sentence) <= 1
    issue = chunk in issues.chunks
    named = _bucket(issues.counts.get(head.lemma.lower(), 1))
    return [
        f"named={named}",
        f"issue={issue}",
        f"issue_near={issue}|{near}",
        f"head_in_claim={head.lemma.lower() in own}",
        f"named_in_claim={named}|{head.lemma.lower() in own}",
        f"lede={head.sentence <= 1}",
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
