"""Actor canonicalisation: many speaker strings, one actor each.

"Beijing", "China" and "Chinese officials" become the Chinese government; "Blinken"
and "Antony Blinken" one person. Pronouns are resolved to the last person who spoke.
Everything here is deterministic code over the model's speaker strings and the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from stance.reading.find import lexicon_data
from stance.reading.find.mentions import find_mentions
from stance.schema import Actor, ActorKind, Mention

__all__ = [
    "CONTEXT_SPEAKERS",
    "ActorRegistry",
    "country_of",
    "lexicon",
    "role_in_text",
    "split_role",
]


@dataclass(frozen=True)
class _Lexicon:
    country_alias: dict[str, str]  # lower-cased alias -> country
    demonym: dict[str, str]  # lower-cased demonym -> country
    aliases_of: dict[str, list[str]]  # country -> surface forms to look for in text
    demonyms_of: dict[str, list[str]]  # country -> "Chinese", ...: what a claim is about
    titles: frozenset[str]  # lexicon.yaml's role words
    pronouns: frozenset[str]  # lexicon.yaml's speaker pronouns
    unnamed: frozenset[str]  # lexicon.yaml's unnamed speakers


@cache
def lexicon() -> _Lexicon:
    """The places gazetteer (``places.yaml``) with the speaker words of the one lexicon."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("stance").joinpath("data/places.yaml").read_text(encoding="utf-8")
    )
    alias: dict[str, str] = {}
    demonym: dict[str, str] = {}
    aliases_of: dict[str, list[str]] = {}
    demonyms_of: dict[str, list[str]] = {}
    for country, info in raw["countries"].items():
        alias[country.lower()] = country
        forms = [country]
        for capital in info.get("capitals", []):
            alias[capital.lower()] = country
            forms.append(capital)
        for dem in info.get("demonyms", []):
            demonym[dem.lower()] = country
            demonyms_of.setdefault(country, []).append(dem)
        aliases_of[country] = forms
    words = lexicon_data.lexicon()
    return _Lexicon(
        country_alias=alias,
        demonym=demonym,
        aliases_of=aliases_of,
        demonyms_of=demonyms_of,
        titles=words.role_words,
        pronouns=words.speaker_pronouns,
        unnamed=words.unnamed_speakers,
    )


_GOVERNMENT_NOUNS = (
    r"(government|officials?|counterparts?|authorities|leaders?|side|administration|"
    r"foreign ministry|ministry|state media|embassy|diplomats?)"
)
_ADMINISTRATION = re.compile(r"^(the\s+)?[A-Z][\w-]+\s+administration$")


def _clean(raw: str) -> str:
    text = re.sub(r"\s+", " ", raw).strip().strip(".,;:\"'“”‘’()")
    return re.sub(r"^(the|a|an)\s+(?=[a-z])", "", text, flags=re.IGNORECASE).strip()


def country_of(speaker: str) -> str | None:
    """The country whose government a speaker string stands for, if any."""
    lex = lexicon()
    text = _clean(speaker)
    lower = text.lower()
    if lower in lex.country_alias:
        return lex.country_alias[lower]
    lower = re.sub(r"^the\s+", "", lower)
    if lower in lex.country_alias:
        return lex.country_alias[lower]
    if _ADMINISTRATION.match(text):
        return "United States"
    match = re.match(rf"^(.+?)\s+{_GOVERNMENT_NOUNS}$", lower)
    if match:
        head = match.group(1)
        return lex.demonym.get(head) or lex.country_alias.get(head)
    paren = re.match(r"^(.+?)\s*\((.+)\)$", text)  # "China (Chinese government)"
    if paren:
        return country_of(paren.group(1))
    return None


def split_role(name: str, *, person: bool = True) -> tuple[str, str | None]:
    """Split "Spanish Fisheries Minister Ana Ruiz" into name and role.

    For people, everything up to the last title word is role ("US Secretary of State
    Antony Blinken"); for organisations only leading lower-case words are dropped, so
    "General Motors" keeps its name.
    """
    tokens = name.split()
    titles = lexicon().titles
    cut = 0
    while cut < len(tokens) - 1 and tokens[cut][0].islower():
        cut += 1
    if person:
        for index, token in enumerate(tokens[:-1]):
            if token.lower() in titles and index >= cut:
                cut = index + 1
    role = " ".join(tokens[:cut]) or None
    return " ".join(tokens[cut:]), role


def role_in_text(name: str, text: str) -> str | None:
    """Title words written just before a name in the article ("Foreign Minister Wang Yi",
    "US Secretary of State Antony Blinken"): capitalised words and titles, bridged by "of"
    or "for", up to anything else. Punctuation ends a role: in "By Simone McCarthy, CNN —
    US Secretary of State Antony Blinken" the byline is not part of it."""
    titles = lexicon().titles
    for span in find_mentions(name, text):
        before = re.findall(r"[\w.'’-]+|[^\w\s]", text[max(0, span.start - 80) : span.start])
        role: list[str] = []
        for token in reversed(before):
            if token.lower() in titles or (token[0].isupper() and token.lower() not in {"the"}):
                role.insert(0, token)
            elif token.lower() in {"of", "for"} and role:
                role.insert(0, token)  # "Secretary of State"
            else:
                break
        while role and role[0].lower() in {"of", "for", "the"}:
            role.pop(0)
        if any(t.lower() in titles for t in role):
            return " ".join(role)
    return None


@dataclass
class _Entry:
    name: str
    kind: ActorKind
    surfaces: set[str] = field(default_factory=set)
    # what the text calls it instead of its name ("the watchdog"): mentions only, never
    # used to recognise the actor in someone's words
    descriptions: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    role: str | None = None
    country: str | None = None


CONTEXT_SPEAKERS = 20  # speakers named in a paragraph's prompt: the most recent ones


class ActorRegistry:
    """Resolves speaker strings to stable actor keys while an article is read."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._used: dict[str, int] = {}  # key -> when it was last resolved
        self._clock = 0
        self.last_person: str | None = None
        self._roles_read: set[str] = set()  # persons whose title was looked up in the text

    def context(self) -> tuple[str, str]:
        """Speakers so far ("Name (kind)", ...) and the last person: the model's context.

        At most CONTEXT_SPEAKERS of them, the most recently resolved (listed in the order
        they first spoke), so a prompt stays the same size however long the article is.
        """
        keys = list(self._entries)
        if len(keys) > CONTEXT_SPEAKERS:
            recent = set(sorted(keys, key=lambda k: self._used.get(k, 0))[-CONTEXT_SPEAKERS:])
            keys = [k for k in keys if k in recent]
        entries = [self._entries[k] for k in keys]
        speakers = ", ".join(f"{e.name} ({e.kind.value})" for e in entries)
        last = self._entries[self.last_person].name if self.last_person else ""
        return speakers, last

    def named_in(self, key: str, words: str) -> bool:
        """Is the actor named (by any of its surface forms or aliases) inside ``words``?"""
        return self.first_named_at(key, words) is not None

    def first_named_at(self, key: str, words: str) -> int | None:
        """Where in ``words`` the actor is first named (any surface form or alias), if at
        all."""
        entry = self._entries[key]
        forms = set(entry.surfaces)
        if entry.country is not None:
            forms.update(lexicon().aliases_of.get(entry.country, []))
            forms.update(lexicon().demonyms_of.get(entry.country, []))
        elif len(entry.name.split()) > 1:
            forms.update({entry.name.split()[-1], entry.name.split()[0]})
        starts = [m[0].start for form in forms if form and (m := find_mentions(form, words))]
        return min(starts, default=None)

    def complete_role(self, key: str, text: str) -> None:
        """Take the title the article writes before a person's name when the speaker's own
        words held only its tail: a parse that cut "US Secretary of State Antony Blinken"
        to "State Antony Blinken" gave the role "State"."""
        entry = self._entries[key]
        if entry.kind is not ActorKind.PERSON or key in self._roles_read:
            return
        self._roles_read.add(key)
        written = role_in_text(entry.name, text)
        if written and (entry.role is None or written.endswith(entry.role)):
            entry.role = written

    def country_served(self, key: str) -> str | None:
        """The key of the country a person's title names ("US Secretary of State": the
        United States), if any: whom the person speaks for."""
        entry = self._entries[key]
        if entry.kind is not ActorKind.PERSON:
            return None
        country = _affiliation(entry.role)
        return f"country:{country}" if country else None

    def is_pronoun(self, speaker: str) -> bool:
        return _clean(speaker).lower() in lexicon().pronouns

    def is_unnamed(self, speaker: str) -> bool:
        return _clean(speaker).lower() in lexicon().unnamed

    def resolve(self, speaker: str, kind: str) -> str | None:
        """The actor key for a speaker, creating the actor; None when no one is named."""
        key = self._resolve(speaker, kind)
        if key is not None:
            self._clock += 1
            self._used[key] = self._clock
        return key

    def _resolve(self, speaker: str, kind: str) -> str | None:
        if self.is_pronoun(speaker):
            return self.last_person
        if self.is_unnamed(speaker):
            return None
        country = country_of(speaker)
        if country is not None:
            key = f"country:{country}"
            entry = self._entries.setdefault(
                key, _Entry(name=country, kind=ActorKind.GOVERNMENT, country=country)
            )
            entry.surfaces.add(_clean(speaker))
            return key
        name, role = split_role(_clean(speaker), person=kind == "person")
        key = self._match_name(name) or f"name:{name.lower()}"
        entry = self._entries.setdefault(key, _Entry(name=name, kind=ActorKind.PERSON))
        old, new = entry.name.split(), name.split()
        if len(new) > len(old) and (new[-len(old) :] == old or new[: len(old)] == old):
            entry.name = name  # the fuller form: "Xi" -> "Xi Jinping"
        entry.surfaces.update({name, _clean(speaker)})
        entry.kinds[kind] += 1
        entry.role = entry.role or role
        entry.kind = _kind(entry.kinds)
        if entry.kind is ActorKind.PERSON:
            self.last_person = key
        return key

    def described_as(self, key: str, description: str) -> None:
        """Record that the text calls actor ``key`` ``description`` ("the watchdog"), so the
        description is listed among its mentions."""
        self._entries[key].descriptions.add(_clean(description))

    def actor_keys(self) -> list[str]:
        return list(self._entries)

    def name_of(self, key: str) -> str:
        return self._entries[key].name

    def kind_of(self, key: str) -> str:
        return self._entries[key].kind.value

    def known(self, speaker: str) -> str | None:
        """The key of an actor already read that ``speaker`` names; never creates one."""
        country = country_of(speaker)
        if country is not None:
            key = f"country:{country}"
            return key if key in self._entries else None
        name, _ = split_role(_clean(speaker))
        return self._match_name(name)

    def forms(self, kind: ActorKind | None = None) -> dict[str, set[str]]:
        """Surface forms per actor key (with the surname of a person): to find mentions."""
        found: dict[str, set[str]] = {}
        for key, entry in self._entries.items():
            if kind is not None and entry.kind is not kind:
                continue
            forms = set(entry.surfaces)
            if entry.kind is ActorKind.PERSON and len(entry.name.split()) > 1:
                forms.update({entry.name.split()[-1], entry.name.split()[0]})
            found[key] = {f for f in forms if f}
        return found

    def _match_name(self, name: str) -> str | None:
        """The one actor whose name ``name`` is a part of, or that is part of ``name``: a
        surname ("Holt", "Anna Holt") or a family name first ("Xi", "Xi Jinping"). The word
        of the longer name next to the shared part must be a name too (capitalised): "Trump"
        is not "Nine months of Trump", nor "Sanders" the "Sanders campaign"."""
        tokens = name.lower().split()
        if not tokens:
            return None
        candidates = []
        for key, entry in self._entries.items():
            if entry.country is not None:
                continue
            known = entry.name.lower().split()
            shorter, longer = sorted((tokens, known), key=len)
            fuller = (name if len(tokens) > len(known) else entry.name).split()
            family_first = len(shorter) == 1 and shorter[0] == longer[0]  # "Xi" / "Xi Jinping"
            if len(shorter) == len(longer):
                beside = "A"
            elif longer[-len(shorter) :] == shorter:
                beside = fuller[-len(shorter) - 1]
            else:
                beside = fuller[1] if family_first else ""
            if (longer[-len(shorter) :] == shorter or family_first) and beside[:1].isupper():
                candidates.append(key)
        return candidates[0] if len(candidates) == 1 else None

    def build(self, text: str, keys_in_order: list[str]) -> tuple[list[Actor], dict[str, str]]:
        """Actors with ids a1.. in order of first claim, with every mention in the text."""
        ids: dict[str, str] = {}
        actors: list[Actor] = []
        for key in dict.fromkeys(keys_in_order):
            entry = self._entries[key]
            actor_id = f"a{len(actors) + 1}"
            ids[key] = actor_id
            surfaces = set(entry.surfaces)
            if entry.country is not None:
                surfaces.update(lexicon().aliases_of.get(entry.country, []))
            elif entry.kind is ActorKind.PERSON and len(entry.name.split()) > 1:
                # Surname: last token, or first for family-name-first names ("Xi Jinping").
                surfaces.update({entry.name.split()[-1], entry.name.split()[0]})
            mentions = _mentions(surfaces | entry.descriptions, text)
            role = entry.role or (
                role_in_text(entry.name, text) if entry.kind is ActorKind.PERSON else None
            )
            actors.append(
                Actor(
                    id=actor_id,
                    name=entry.name,
                    kind=entry.kind,
                    role=role,
                    affiliation=_affiliation(role),
                    mentions=mentions,
                )
            )
        return actors, ids


def _kind(kinds: Counter[str]) -> ActorKind:
    best = kinds.most_common(1)[0][0] if kinds else "person"
    try:
        return ActorKind(best)
    except ValueError:
        return ActorKind.OTHER


def _affiliation(role: str | None) -> str | None:
    if not role:
        return None
    for token in role.split():
        country = lexicon().demonym.get(token.lower()) or lexicon().country_alias.get(token.lower())
        if country:
            return country
    return None


def _mentions(surfaces: set[str], text: str) -> list[Mention]:
    """Every occurrence of every surface form; longer forms win where they overlap."""
    taken: list[Mention] = []
    for surface in sorted((s for s in surfaces if s), key=len, reverse=True):
        for span in find_mentions(surface, text):
            if all(span.end <= m.span.start or span.start >= m.span.end for m in taken):
                taken.append(Mention(text=text[span.start : span.end], span=span))
    return sorted(taken, key=lambda m: m.span.start)
