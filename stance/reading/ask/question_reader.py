"""The questions reader: code finds the candidates, the model answers short questions about each.

Stages, each reading the previous one's output:
1. the rules reader's drafts (``rules_reader.read_by_rules``): every candidate with its
   source, cue and content spans, its speaker and its claim type, all decided by code;
2. one call per candidate, in text order (claims@7, @9), or one per speaker and paragraph
   (claims@11, the default: ``ask_together``): what the claim is about, in a few words, and
   the speaker's stance towards that (``QuestionAnswer``). The fixed instructions and shots
   come first, so llama.cpp evaluates them once and reuses their cached prefix; the call's
   own part is the paragraph (claims@7) or the article's headline (claims@9, @11: the same
   in every call of an article, so it is cached too), the speaker, the reporting word and
   the words. With ``stance_by_type`` (claims@9, @11) a type that implies the stance (an
   accusation is against, a promise for) sets it, and the model is asked only what the
   claim is about (``TopicAnswer``);
3. when the prompt has a ``follow_up`` question (claims@8), a denial gets it in the same
   conversation: which of the earlier claims code proposes (other actors' claims before
   it, those aimed at the speaker first, numbered C1, C2 ...) it rejects, or none. The
   answer is an enum of the numbers shown, so llama.cpp's schema grammar cannot point at
   nothing. Without it (claims@7), the link is code's (``rules_reader``, ``denial_links``);
4. code applies the answers. No quote is ever generated.

Speaker, spans, hedging and the claim type stay code's. Asked for the type as well, the
1.5B model scored below the rules on the gold set (0.45-0.48 against 0.55 type accuracy,
whichever label wording), and moved quotes to the wrong speaker when asked who spoke; its
denial links lost to code's too (2 against 4 of 11 gold links), hence code's links by default.
claims@9 against claims@7, same drafts, gold set: stance F1 0.357 -> 0.405, 23.6 -> 18.9
model-seconds per article; gold/test 0.236 -> 0.286, 31.9 -> 24.7. claims@11 against
claims@9 (this round's type rules in both): gold stance F1 0.403 -> 0.414 at 19.4 -> 15.9
model-s per article, gold/test 0.298 -> 0.303 at 25.4 -> 19.7; PolNeAR dev, all 84, 1,828 ->
1,436 questions and 43.4 -> 32.2 model-s per article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from stance.reading.ask.prompts import PromptTemplate
from stance.reading.base.merge import Draft
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.segments import Segment, is_headline
from stance.schema import ClaimType, Polarity

__all__ = [
    "OFFERED_CLAIMS",
    "STANCE_OF_TYPE",
    "QuestionAnswer",
    "TopicAnswer",
    "ask_one",
    "ask_together",
    "denial_choices",
    "issue_words",
    "link_model",
    "speaker_groups",
]

OFFERED_CLAIMS = 4  # earlier claims a candidate may name as what it denies
ABOUT_CHARS = 60  # what a claim is about: a short noun phrase, not a sentence
_WORDS_SHOWN = 400  # a candidate's words in its question; the paragraph above has them all
_NONE = "none"
_DENIABLE = {
    ClaimType.ACCUSATION, ClaimType.WARNING, ClaimType.ASSERTION, ClaimType.DEMAND,
    ClaimType.OPINION, ClaimType.PREDICTION,
}  # fmt: skip

Ask = Callable[[list[dict[str, str]], type[BaseModel]], BaseModel]


# The answer to a candidate's question: what the claim is about (bounded, so a small model
# cannot ramble), and the speaker's stance towards that. No docstring: its JSON schema (the
# docstring would become its description) is part of every cache key, and the recordings
# under evals/recordings/ were made with this exact schema.
class QuestionAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    about: str = Field(max_length=ABOUT_CHARS, description="The issue, in a few words")
    stance: Literal["favor", "against", "neutral"]


class TopicAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    about: str = Field(max_length=ABOUT_CHARS, description="The issue, in a few words")


# The stance a claim type implies towards what the claim is about: an accusation, a denial
# or a warning is against it, a promise or a demand for it. With ``stance_by_type`` (claims@9)
# such a candidate is asked only what it is about; the others are asked the stance too. On
# the gold set, with claims@7's answers, taking these from the type raised stance F1 (gold
# 0.357 -> 0.369, gold/test 0.236 -> 0.255): the small model called many accusations neutral.
STANCE_OF_TYPE: dict[ClaimType, Polarity] = {
    ClaimType.ACCUSATION: Polarity.AGAINST,
    ClaimType.DENIAL: Polarity.AGAINST,
    ClaimType.WARNING: Polarity.AGAINST,
    ClaimType.COMMITMENT: Polarity.FAVOR,
    ClaimType.DEMAND: Polarity.FAVOR,
}


def link_model(choices: tuple[str, ...]) -> type[BaseModel]:
    """The response model of the second question, asked of denials only: which of the
    offered claims (``choices``) it rejects, or none. Cached by its argument: the same
    shape gives the same class, so the same JSON schema and the same cache key."""
    return _link_model(choices)


@lru_cache(maxsize=64)
def _link_model(choices: tuple[str, ...]) -> type[BaseModel]:
    denies: Any = Literal[(_NONE, *choices)]
    return create_model(
        "LinkAnswer",
        __config__=ConfigDict(extra="ignore"),
        denies=(denies, Field(description="The earlier claim this denial rejects, or none")),
    )


def denial_choices(draft: Draft, earlier: Sequence[Draft], registry: ActorRegistry) -> list[Draft]:
    """The earlier claims a denial by ``draft``'s speaker could answer, most likely first.

    Other actors' claims of a deniable type, before it in the text: those aimed at the
    speaker (their target, or their words name it) first, then accusations, then the
    nearest.
    """
    speaker = draft.claimer_key
    scored: list[tuple[tuple[int, int, int], Draft]] = []
    for position, other in enumerate(earlier):
        if other.claimer_key == speaker or other.claim.type not in _DENIABLE:
            continue
        if other.claim.span.start >= draft.claim.span.start:
            continue
        aimed = other.target_key == speaker or registry.named_in(speaker, other.claim.quote)
        accusation = other.claim.type is ClaimType.ACCUSATION
        scored.append(((int(aimed), int(accusation), position), other))
    scored.sort(key=lambda item: item[0], reverse=True)
    picked = [d for _, d in scored[:OFFERED_CLAIMS]]
    return sorted(picked, key=lambda d: d.claim.span.start)


def ask_one(
    draft: Draft,
    segments: Sequence[Segment],
    registry: ActorRegistry,
    prompt: PromptTemplate,
    ask: Ask,
    earlier: Sequence[Draft] = (),
) -> Draft:
    """Ask about one candidate and apply the answers; ``earlier`` are the claims already
    decided, before it in the text (what a denial may answer).

    A call that fails raises (``ExtractionError``); the caller keeps code's reading of the
    candidate and says so.
    """
    messages, reply = _ask_topic([draft], segments, registry, prompt, ask)
    if draft.claim.type is not ClaimType.DENIAL or not prompt.follow_up:
        return draft
    offered = denial_choices(draft, earlier, registry)
    draft.denied = None
    if offered:
        numbers = {f"C{n}": d for n, d in enumerate(offered, start=1)}
        follow_up = prompt.follow_up_messages(
            messages,
            reply.model_dump_json(),
            claims="\n".join(
                f"{n} {registry.name_of(d.claimer_key)}: {_short(d.claim.quote, 160)}"
                for n, d in numbers.items()
            ),
        )
        link = ask(follow_up, link_model(tuple(numbers)))
        draft.denied = numbers.get(str(getattr(link, "denies", _NONE)))
        draft.denies_nothing = draft.denied is None
    return draft


def ask_together(
    drafts: Sequence[Draft],
    segments: Sequence[Segment],
    registry: ActorRegistry,
    prompt: PromptTemplate,
    ask: Ask,
) -> None:
    """One question for the candidates of one speaker in one paragraph (claims@11): what
    they are about and, unless every one's type implies it, the speaker's stance. Their
    words are shown together, in text order, and the answer applies to each, in place.

    A speaker's sentences in one paragraph are one line of argument, so they share their
    issue; asking once spares a call for a fifth of PolNeAR's candidates.
    """
    _ask_topic(drafts, segments, registry, prompt, ask)


def speaker_groups(drafts: Sequence[Draft]) -> list[list[Draft]]:
    """The candidates grouped by paragraph and speaker, groups in order of their first."""
    groups: dict[tuple[int, str], list[Draft]] = {}
    for draft in drafts:
        groups.setdefault((draft.claim.segment, draft.claimer_key), []).append(draft)
    return list(groups.values())


def _ask_topic(
    drafts: Sequence[Draft],
    segments: Sequence[Segment],
    registry: ActorRegistry,
    prompt: PromptTemplate,
    ask: Ask,
) -> tuple[list[dict[str, str]], BaseModel]:
    """The first question, for one or more candidates of one speaker; its answer applied."""
    first = drafts[0]
    cues = list(dict.fromkeys(d.claim.cue for d in drafts if d.claim.cue))
    messages = prompt.messages(
        paragraph=segments[first.claim.segment].text,
        speaker=registry.name_of(first.claimer_key),
        cue=", ".join(cues),
        words=" ".join(_short(d.claim.quote, _WORDS_SHOWN // len(drafts)) for d in drafts),
        headline=segments[0].text.strip() if segments and is_headline(segments[0]) else "",
    )
    implied = [STANCE_OF_TYPE.get(d.claim.type) if prompt.stance_by_type else None for d in drafts]
    topic_only = all(p is not None for p in implied)  # the type says the stance: not asked
    asked: type[TopicAnswer | QuestionAnswer] = TopicAnswer if topic_only else QuestionAnswer
    reply = ask(messages, asked)
    answer = asked.model_validate(reply.model_dump())
    for draft, polarity in zip(drafts, implied, strict=True):
        draft.claim.topic = issue_words(answer.about)
        if polarity is not None:
            draft.polarity = polarity
        elif isinstance(answer, QuestionAnswer):
            draft.polarity = Polarity(answer.stance)
    return messages, reply


_CUT_AFTER = re.compile(r"[,;:]\s")
_DANGLING = frozenset({
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "from", "by", "with",
    "its", "their", "his", "her", "after", "over", "about", "regarding", "due", "into", "than",
})  # fmt: skip


def issue_words(about: str) -> str:
    """What a claim is about, as the model said it, less what the length bound cut short.

    An answer that reaches ``ABOUT_CHARS`` was stopped by the schema's bound mid-phrase
    ("the medical records of about 80,000 patients, after files on", "... with the EU and U"):
    a fifth of the gold set's answers. Its head names the issue: the words before the first
    comma or semicolon, else all but its last word, which the bound may have cut; then no
    dangling "and", "of" or "the" at the end. A shorter answer only loses trailing commas.
    """
    flat = " ".join(about.split())
    if len(about) >= ABOUT_CHARS - 1:
        head = _CUT_AFTER.split(flat + " ", maxsplit=1)[0].strip()
        words = head.split() if len(head.split()) >= 2 and head != flat else flat.split()[:-1]
        while len(words) > 1 and words[-1].lower() in _DANGLING:
            words.pop()
        flat = " ".join(words) or flat
    return flat.strip(" ,;:")


def _short(words: str, limit: int = _WORDS_SHOWN) -> str:
    flat = " ".join(words.split())
    return f"“{flat[:limit]}{'…' if len(flat) > limit else ''}”"
