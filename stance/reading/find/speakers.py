"""Who does the article itself say is speaking? The words around a quote outrank the model.

Evals showed the small model gives a quote to the wrong one of several people named in a
paragraph. When the text right next to a quote names its speaker ("…,” Kallaste said.",
"Raman said that …", "…,” she added.), that speaker wins, provided the article already knows
them as an actor (a pronoun goes to the person named last before the quote). Runs after the
whole article is read, so the prompts (and the response cache) do not change.
"""

from __future__ import annotations

import re

from stance.reading.find.actors import ActorRegistry, lexicon, split_role
from stance.reading.find.mentions import find_mentions
from stance.schema import ActorKind, Span

__all__ = [
    "PRONOUN_LOOKBACK",
    "WINDOW",
    "attributed_key",
    "is_attributed",
    "named_speaker",
    "person_before",
    "sentence_of",
    "speakers_named_in",
    "without_attribution",
]

_VERBS = (
    r"said|says|added|adds|told|tells|warned|warns|insisted|insists|argued|argues|claimed|"
    r"claims|denied|denies|stressed|stresses|noted|notes|wrote|writes|explained|replied|"
    r"answered|acknowledged|admitted|declared|announced|predicted|promised|vowed|pledged|"
    r"complained|suggested|contended|maintained|urged|asked|recalled|conceded|countered"
)
_NAME = r"[A-Z][\w’'.-]*(?:\s+(?:de\s+|van\s+|von\s+|da\s+)?[A-Z][\w’'.-]*){0,3}"
_PRONOUN = r"[Hh]e|[Ss]he"
# "…,” Kallaste said." / "…," said Caddell, / "…,” she added."
_AFTER = re.compile(
    rf"^(?:[,.;:!?—–-]?[\"”’]|,)[\s,]*(?:(?:{_VERBS})\s+(?P<after>{_NAME})\b"
    rf"|(?P<subject>{_NAME}|{_PRONOUN})\s+(?:\w+ly\s+)?(?:{_VERBS})\b)"
)
# "Raman said that …" / "Marsh told a press conference: “…" / "She added that …"
_BEFORE = re.compile(
    rf"(?P<before>{_NAME}|{_PRONOUN})\s+(?:(?:has|had|have|also|\w+ly)\s+)*(?:{_VERBS})"
    rf"(?:\s+(?:[\w’' -]{{0,40}}?\s+)?that|\s*[,:]?)\s*[\"“]?\s*$"
)
_LEADING = {
    "but",
    "and",
    "yet",
    "so",
    "then",
    "however",
    "meanwhile",
    "in",
    "on",
    "at",
    "later",
    "earlier",
    "yesterday",
    "today",
    "separately",
    "still",
    "also",
}
WINDOW = 120


def _strip_leading(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower() in _LEADING:
        words = words[1:]
    return " ".join(words)


# "Marsh said" / "Helena Marsh, director of the council, told ..." / "…,” said Caddell"
_SPEAKING = (
    rf"{_VERBS}|accused|accuses|criticised|criticized|condemned|rejected|dismissed|"
    r"demanded|called on|called for|threatened|blamed|welcomed|praised"
)
_SPEAKS = re.compile(
    rf"(?P<subject>{_NAME})(?:,[^,“”\"\n]{{1,80}},)?\s+(?:(?:has|had|also|\w+ly)\s+)*"
    rf"(?:{_SPEAKING})\b|[\"”’],?\s+(?:{_VERBS})\s+(?P<after>{_NAME})\b"
)
_SENTENCE_BREAK = re.compile(r"[.!?;:]\s+|\s*\n\s*")  # a name never spans one
_PLACE_WORDS = {"in", "of", "from", "at", "for", "with", "to", "by", "near", "across"}
_DETERMINERS = {"the", "a", "an", "this", "that"}


def speakers_named_in(text: str) -> list[str]:
    """Names the text itself says speak ("Marsh said", "said Caddell"), in order.

    A cheap, deterministic reading of who is quoted, for when no model answer is at hand
    (a batch file is prepared before any paragraph is read).
    """
    found = []
    for match in _SPEAKS.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()].split()
        if (
            match.group("subject")
            and before
            and before[-1] in _PLACE_WORDS
            and (len(before) < 2 or before[-2][:1].islower())
        ):
            continue  # "officials in Valdera said": a place ("Secretary of State X" is not)
        raw = _SENTENCE_BREAK.split(match.group("subject") or match.group("after"))[-1]
        name = split_role(_strip_leading(raw))[0]
        first = name.split()[0].lower() if name else ""
        if name and first not in _DETERMINERS | lexicon().pronouns and name not in found:
            found.append(name)
    return found


def named_speaker(text: str, span: Span, paragraph: Span) -> str | None:
    """The speaker the text names beside the quote (a name or he/she), or None."""
    after = text[span.end : min(paragraph.end, span.end + WINDOW)]
    match = _AFTER.match(after)
    if match:
        return _strip_leading(match.group("after") or match.group("subject"))
    before = text[max(paragraph.start, span.start - WINDOW) : span.start]
    match = _BEFORE.search(before)
    if match:
        return _strip_leading(match.group("before"))
    return None


def person_before(registry: ActorRegistry, text: str, position: int) -> str | None:
    """The person actor whose mention ends last before ``position``: who "he"/"she" is.

    The search looks back through a window that doubles until a person is found, so a
    pronoun costs what the distance to its person costs, not the length of the article
    (searching all the text before every pronoun made a 40,000-word article quadratic).
    """
    forms = registry.forms(kind=ActorKind.PERSON)
    window = PRONOUN_LOOKBACK
    while True:
        start = max(0, position - window)
        best: tuple[int, str] | None = None
        for key, surfaces in forms.items():
            for form in surfaces:
                for found in find_mentions(form, text[start:position]):
                    if best is None or found.end > best[0]:
                        best = (found.end, key)
        if best is not None or start == 0:
            return best[1] if best else None
        window *= 4


PRONOUN_LOOKBACK = 2_000  # characters: a few paragraphs


def attributed_key(registry: ActorRegistry, text: str, span: Span, paragraph: Span) -> str | None:
    """The actor key the surrounding text gives the quote to, if it is a known actor."""
    speaker = named_speaker(text, span, paragraph)
    if speaker is None:
        return None
    if registry.is_pronoun(speaker):
        return person_before(registry, text, span.start)
    if registry.is_unnamed(speaker):
        return None
    return registry.known(speaker) or _new_person(registry, text, speaker)


def _new_person(registry: ActorRegistry, text: str, speaker: str) -> str | None:
    """A person the model never named as a speaker: "Kallaste said" after "Tiina Kallaste"
    appears in the article. Only a name the article spells out in full becomes an actor."""
    full = re.search(rf"\b((?:[A-Z][\w’'-]+ ){{1,2}}){re.escape(speaker)}\b", text)
    if full is None and len(speaker.split()) < 2:
        return None
    name = f"{full.group(1)}{speaker}" if full else speaker
    if any(w.lower() in _LEADING or w.lower() in {"the", "a", "an"} for w in name.split()[:1]):
        return None
    return registry.resolve(name, "person")


# "Helena Marsh, director of the council, said the scheme ..." -> "the scheme ..."
_PREFIX = re.compile(
    rf"^(?:(?:In|On|At|In a|Later|Earlier)\b[^,“”\"]{{0,40}},\s+)?"
    rf"(?:[Tt]he\s+)?(?:{_NAME}|[a-z]+(?:\s+[a-z]+)?)(?:,\s[^,“”\"]{{1,80}},)?\s+"
    rf"(?:(?:has|have|had|also|long|again|later|earlier|repeatedly|\w+ly)\s+)*(?:{_VERBS})\b"
    rf"(?:\s+(?:[\w’' -]{{0,40}}?\s+)?that\b|\s*[,:])?\s*[\"“]?\s*"
)


def without_attribution(text: str, span: Span) -> Span:
    """The span minus a leading "Speaker said (that)" the model copied with the claim.

    Claims are the words said, not who said them; the speaker is kept by the caller. Only
    trimmed when at least three words of the claim remain, and never inside quotation
    marks: in “The minister promised the fleet compensation ...” the words are the claim.
    """
    if span.start > 0 and text[span.start - 1] in _OPENING_MARKS:
        return span
    words = text[span.start : span.end]
    match = _PREFIX.match(words)
    if not match or len(words[match.end() :].split()) < 3:
        return span
    return Span(start=span.start + match.end(), end=span.end)


_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s")
_OPENING_MARKS = '“"«„‘'


def sentence_of(text: str, span: Span, paragraph: Span) -> str:
    """The sentence(s) of the paragraph that hold the span."""
    before = text[paragraph.start : span.start]
    ends = list(_SENTENCE_END.finditer(before))
    start = paragraph.start + ends[-1].end() if ends else paragraph.start
    after = _SENTENCE_END.search(text, span.end, paragraph.end)
    end = after.end() if after else paragraph.end
    return text[start:end]


def is_attributed(text: str, span: Span, paragraph: Span) -> bool:
    """Does the sentence around reported words say someone said them?

    The gold set showed the small model turning narration ("Redmere City ended a run of five
    matches without a win") into claims by the sentence's subject. Reported speech has a
    reporting verb or "according to" in its sentence; without one it is the article's voice.
    """
    from stance.reading.find.segments import REPORTING_VERBS

    sentence = sentence_of(text, span, paragraph)
    verbs = {m.group(0).lower() for m in REPORTING_VERBS.finditer(sentence)}
    return bool(verbs - _WEAK_CUES or _ACCORDING.search(sentence))


# Words the reading pass counts as possible cues but that do not attribute on their own
# ("rain is expected", "a warning", "the report").
_WEAK_CUES = {"expect", "expects", "expected", "warning", "reported", "reports", "notes"}
_ACCORDING = re.compile(r"\baccording to\b|\bin a statement\b|\bin a letter\b", re.IGNORECASE)
