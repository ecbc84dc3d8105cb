"""The words that tell a claim's type when its cue does not: what ``rules_reader`` reads in
the quote itself (a future, a condition, an obligation, blame, judgement, denial, a hedged
deed). Kept apart so the type rules read as rules, not as a wall of patterns."""

from __future__ import annotations

import re

__all__ = [
    "BLAME",
    "CALLING",
    "CONDITION",
    "DENIES",
    "FORECAST",
    "HEDGED_DEED",
    "JUDGING",
    "LET_THEM",
    "MUST",
    "NEGATED_FUTURE",
    "NEGATION",
    "NOT_TO",
    "PLANS",
    "REFUSES",
    "REJECTING",
    "WILL",
    "WOULD",
]

# a deed told with a hedge, not about the speaker's side: the gold set's hedged accusation
HEDGED_DEED = re.compile(r"\b(?:appears?|seems?) to have\b|\b(?:may|might) have\b", re.I)
WOULD = re.compile(r"\bwould\b", re.IGNORECASE)
CONDITION = re.compile(r"\b(?:if|unless|without)\b", re.IGNORECASE)
PLANS = re.compile(
    r"\b(?:plans? to|intends? to|(?:is|are|was|were) ready to|(?:is|are|was|were) prepared to)\b",
    re.IGNORECASE,
)
DENIES = re.compile(
    r"\b(?:groundless|baseless|unfounded|untrue|not true|false accusations?|fabricat\w*|"
    r"nonsense|smear|reject(?:s|ed)?|den(?:y|ies|ied)|nothing to do with|no evidence|"
    r"not responsible)\b",
    re.IGNORECASE,
)
# what a speaker calls a claim it rejects: "called the report false", "described it as baseless"
CALLING = frozenset({"call", "describe", "brand", "label", "term"})  # the verbs, by lemma
REJECTING = re.compile(
    r"false|baseless|groundless|unfounded|untrue|wrong|inaccurate|misleading|nonsense|"
    r"absurd|ridiculous|fabricated|lies|rubbish",
    re.IGNORECASE,
)
NOT_TO = re.compile(r"\bnot to\b", re.IGNORECASE)
NEGATION = re.compile(r"\b(?:not|never|no|nothing)\b|n[’']t\b", re.IGNORECASE)
# the future itself negated ("would not intervene", "won't", "no child would lose"), not a
# negation somewhere after a future ("would leave the city with a debt it could not control")
NEGATED_FUTURE = re.compile(
    r"\b(?:will|would|shall)\s+(?:\w+\s+)?(?:not|never)\b|\b(?:won|wouldn)[’']t\b|"
    r"\b(?:not|never)\s+going\s+to\b|"
    r"\b(?:no|nobody|no one|none|nothing)\b[^.;,]{0,40}?\b(?:will|would)\b",
    re.IGNORECASE,
)
# a refusal to put up with something is a threat ("we will not accept interference")
REFUSES = re.compile(
    r"\b(?:will|would|shall)\s+(?:not|never)\s+(?:accept|tolerate|allow|stand for)\b|"
    r"\bwon[’']t\s+(?:accept|tolerate|allow|stand for)\b",
    re.IGNORECASE,
)
# an imperative "let them ..." opening a clause: a demand ("if they have nothing to hide,
# let them put every contract on the table"), not "would not let us see the plans"
LET_THEM = re.compile(r"(?:^|[.;:,]\s*|\bthen\s+)let (?:them|him|her|us)\b", re.IGNORECASE)
MUST = re.compile(r"\b(?:must|should|has to|have to|needs? to|ought to)\b", re.IGNORECASE)
WILL = re.compile(r"\b(?:will|won[’']t|shall|going to)\b", re.IGNORECASE)
BLAME = re.compile(
    r"\b(?:blame[sd]?|fault|failed|lied|lying|illegal(?:ly)?|corrupt\w*|cover(?:ed)?[- ]up|"
    r"responsible for|to blame|negligen\w*|mislead\w*|misled|dumping|cheat\w*|abus\w*|"
    r"in breach|breach(?:ed|es)?|ignor(?:ed|ing)|hid|hidden|hiding|conceal\w*|skipp(?:ed|ing)|"
    r"neglect\w*|never told|not told|gone unnoticed|without (?:a word|consulting|telling)|"
    r"kept (?:\w+ )?secret|secretly|quietly)\b",
    re.IGNORECASE,
)
# a forecast in the words themselves: "expects the terminal to reopen", "further losses are likely"
FORECAST = re.compile(
    r"\b(?:expects?|expected to|(?:is|are|was|were) (?:un)?likely to|forecasts?)\b",
    re.IGNORECASE,
)
JUDGING = re.compile(
    r"\b(?:shameful|disgrace\w*|outrageous|unacceptable|welcome[sd]?|excellent|terrible|"
    r"wrong|right|fair|unfair|good|bad|best|worst|great|ridiculous|absurd|reckless|"
    r"irresponsible|important|vital|disappoint\w*|proud|problem|mistake|painful|responsible|"
    r"failure|disaster|scandal)\b",
    re.IGNORECASE,
)
