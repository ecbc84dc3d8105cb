"""What a learned decider sees of a claim found by code: named features from the parse.

Code finds a claim's spans (the words, the cue, the source); a decider judges it. The
features here are the evidence a careful reader would weigh, named as strings so a linear
head can learn their weights from labelled articles rather than from hand-written lists:
the cue's lemma, the words and their lemmas, the first words of the claim (a promise starts
"we will"), modal verbs, negation and who is named, the main verb's lemma and tense, the
words just before the claim ("urged ... to", "dismissed as"), and the rules' own guess.

Pair features (a denial and a claim it may answer) describe how the two sit in the article:
order and distance, who speaks for whom, whom each names, and the words they share.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from stance.reading.base.merge import Draft
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.document import Document, Token
from stance.reading.judge.denial_links import content_stems
from stance.schema import Attribution, ClaimType

__all__ = ["ClaimView", "claim_features", "pair_features", "view_of"]

_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us", "me"})
_NEGATIONS = frozenset({"not", "no", "never", "n't", "nothing", "none", "nobody", "neither"})
_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True)
class ClaimView:
    """One draft as the deciders see it: its tokens, cue, context and place."""

    draft: Draft
    tokens: tuple[Token, ...]
    cue: str  # the cue's lemma(s), lower case
    before: tuple[str, ...]  # up to four lower-case words before the claim, nearest last
    sentence: int
    paragraph: int


def view_of(doc: Document, draft: Draft) -> ClaimView:
    """The parse around one draft."""
    span = draft.claim.span
    tokens = doc.tokens_within(span.start, span.end)
    cue_span = draft.claim.cue_span
    cue_tokens = doc.tokens_within(cue_span.start, cue_span.end) if cue_span else ()
    cue = " ".join(t.lemma.lower() for t in cue_tokens if t.pos != "PUNCT") or "none"
    prior = [t for t in doc.tokens_within(max(0, span.start - 60), span.start) if t.pos != "PUNCT"]
    before = tuple(t.lower for t in prior[-4:])
    first = tokens[0] if tokens else doc.tokens_within(span.start, span.start + 1)[0]
    sentence = doc.sentences[first.sentence]
    return ClaimView(draft, tokens, cue, before, first.sentence, sentence.paragraph)


def claim_features(view: ClaimView, registry: ActorRegistry) -> list[str]:
    """Named features of one claim, for the type, polarity and hedging heads."""
    claim = view.draft.claim
    words = [t for t in view.tokens if t.pos not in ("PUNCT", "SPACE")]
    lower = [t.lower for t in words]
    feats = [f"cue={view.cue}", f"rules={claim.type.value}", f"attr={claim.attribution.value}"]
    feats += [f"cue_rules={view.cue}|{claim.type.value}"]
    feats += [f"w={w}" for w in set(lower) if _WORD.fullmatch(w)]
    feats += [f"l={t.lemma.lower()}" for t in words if t.pos in ("VERB", "ADJ", "NOUN", "AUX")]
    feats += [f"bi={a}_{b}" for a, b in pairwise(lower)]
    feats += [f"first{i}={w}" for i, w in enumerate(lower[:3])]
    feats += [f"before={w}" for w in view.before] + [f"before1={w}" for w in view.before[-1:]]
    feats += [f"modal={t.lower}" for t in words if t.tag == "MD"]
    feats += [f"tag={t.tag}" for t in words if t.dep == "ROOT" or t.tag == "MD"]
    roots = [t for t in words if t.dep == "ROOT"] or words[:1]
    feats += [f"root={t.lemma.lower()}" for t in roots]
    if any(w in _NEGATIONS for w in lower):
        feats.append("negated")
        feats += [f"neg_cue={view.cue}"]
    if any(w in _FIRST_PERSON for w in lower):
        feats.append("first_person")
    if "you" in lower or "your" in lower:
        feats.append("second_person")
    if lower and lower[-1:] == ["?"]:
        feats.append("question")
    if view.draft.target_key is not None:
        feats.append("names_other_actor")
    if view.draft.named_in_quote:
        feats.append("names_itself")
    if claim.hedged:
        feats.append("hedged_rules")
    if view.draft.marker:
        feats.append("marker")
    feats.append(f"len={min(len(words) // 5, 8)}")
    kind = registry.kind_of(view.draft.claimer_key) if view.draft.claimer_key else "none"
    feats.append(f"speaker_kind={kind}")
    return feats


def _bucket(n: int) -> str:
    return str(min(int(math.log2(n + 1)), 6))


def pair_features(
    denial: ClaimView,
    other: ClaimView,
    registry: ActorRegistry,
    side: Iterable[str],
    other_type: ClaimType,
    rank: int,
) -> list[str]:
    """Named features of (denial, a claim it may answer): the link head's input."""
    d, o = denial.draft, other.draft
    sides = set(side)
    after = o.claim.span.start > d.claim.span.start
    aimed = o.target_key in sides or any(registry.named_in(k, o.claim.quote) for k in sides)
    shared = content_stems(d.claim.quote) & content_stems(o.claim.quote)
    feats = [
        "bias",
        f"after={after}",
        f"sent_dist={_bucket(abs(denial.sentence - other.sentence))}",
        f"para_dist={_bucket(abs(denial.paragraph - other.paragraph))}",
        f"same_para={denial.paragraph == other.paragraph}",
        f"rank={min(rank, 6)}",
        f"other_type={other_type.value}",
        f"other_attr={o.claim.attribution.value}",
        f"aimed={aimed}",
        f"names_claimer={registry.named_in(o.claimer_key, d.claim.quote)}",
        f"shared={min(len(shared), 5)}",
        f"denial_cue={denial.cue}",
        f"other_cue={other.cue}",
        f"same_direct={d.claim.attribution is o.claim.attribution is Attribution.DIRECT}",
        f"marker={d.marker}",
        f"denied_by_rules={d.denied is o}",
    ]
    feats += [f"aimed_type={aimed}|{other_type.value}", f"after_rank={after}|{min(rank, 4)}"]
    return feats
