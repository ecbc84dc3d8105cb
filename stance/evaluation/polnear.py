"""PolNeAR (Newell et al., LREC 2018) attributions as gold articles the scorer already reads.

PolNeAR labels who said what, and the cue, but no stance, hedging or claim type: those stay None
and only denial cues set a type. Sources become actors by small, predictable heuristics instead
of a coreference model. A span that disagrees with the text is counted and skipped, not fatal.
"""

from __future__ import annotations

import glob
import logging
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from stance.errors import InputError
from stance.evaluation.gold import GoldActor, GoldArticle, GoldClaim, SourceKind
from stance.runs.inputs import clean_text
from stance.schema import ActorKind, ClaimType

__all__ = [
    "DENIAL_STEMS",
    "GENERIC_WORDS",
    "PRONOUNS",
    "Event",
    "ParsedAnn",
    "Span",
    "actor_name",
    "is_denial",
    "load_polnear",
    "log",
    "parse_ann",
    "resolve_actors",
    "source_kind",
    "to_article",
]

log = logging.getLogger(__name__)


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


DENIAL_STEMS = ("deni", "deny", "reject", "dismiss", "disput", "refut", "rebut", "contest")
_PERSONAL = _set("he she him her his hers i me my who whom himself herself")
PRONOUNS = _PERSONAL | _set(
    "they it we you them its their theirs our us which that this these those themselves itself"
)
GENERIC_WORDS = _set(
    "source sources official officials aide aides critic critics expert experts analyst analysts"
    " people some many others other several most few advisers advisors adviser advisor supporters"
    " voters observers spokesman spokeswoman spokesperson protesters lawmakers republicans"
    " democrats americans europeans latinos polls police activists economists researchers"
    " scientists witnesses residents members leaders groups attorneys lawyers insiders allies"
    " opponents strategists donors staffers readers percent someone everyone"
)
_NOT_NAMES = GENERIC_WORDS | PRONOUNS | _set("the a an another republican democratic american")
_TITLES = _set(
    "mr mrs ms miss dr sen senator rep gov governor president vice rev reverend gen general lt"
    " col retired speaker secretary attorney judge justice mayor chairman chairwoman prof"
    " professor former ambassador nominee candidate chief minister house leader director"
    " representative"
)
_PERSON_TITLES = _TITLES - _set("house former nominee candidate chief vice")
_ORG_WORDS = _set(
    "campaign committee party times post news journal center foundation department office"
    " administration university house court council fund agency association institute network"
    " service press group poll study report statement team staff panel board union commission"
    " government company rules"
)
_CONNECTORS = _set("of for at de van von la le al bin")
_INDEFINITE = _set("a an another one many some most few several other all both")
_DETERMINERS = _set("the a an")
_PREPOSITIONS = _set("of close from at in with by familiar for to on")
_NAME_RUN = r"(?:[A-Z][\w.'’-]*\s*){2,4}"


class Span(NamedTuple):
    """A T line's covered text; a discontinuous span runs from its first start to its last end."""

    start: int
    end: int
    covered: str
    pieces: tuple[tuple[int, int], ...] = ()


class Event(NamedTuple):
    """One E line: what was said (every Content piece), the cue and the source if any."""

    content: Span
    cue: Span | None
    source: Span | None


@dataclass
class ParsedAnn:
    events: list[Event] = field(default_factory=list)
    mismatched: int = 0  # events dropped because a span's .ann text disagrees with the article
    skipped: int = 0  # E lines without a Content span, or lines that cannot be parsed


def _key(token: str) -> str:
    """A token compared case- and punctuation-free, without a possessive 's."""
    return re.sub(r"['’]s$", "", token.strip(".,;:!?\"“”'‘’()[]").lower())


def _keys(words: str) -> list[str]:
    return [_key(w) for w in words.split()]


def parse_ann(text: str, ann: str) -> ParsedAnn:
    """The attributions of one .ann file; a span must cover what it says (pieces join by ' ')."""
    spans: dict[str, Span | None] = {}  # None: the offsets do not match the text
    parsed = ParsedAnn()
    for line in ann.splitlines():
        parts = line.split("\t")
        if not line.startswith("T") or len(parts) < 3:
            continue
        try:
            offsets = parts[1].split(" ", 1)[1]
            segs = tuple((int(a), int(b)) for a, b in (s.split() for s in offsets.split(";")))
        except (IndexError, ValueError):
            parsed.skipped += 1
            continue
        ok = " ".join(text[s:e] for s, e in segs) == parts[2]
        spans[parts[0]] = (
            Span(min(segs)[0], max(e for _, e in segs), parts[2], segs) if ok else None
        )
    for line in ann.splitlines():
        if not line.startswith("E"):
            continue
        roles: dict[str, list[str]] = {}  # Content2 (a second quote) joins Content
        for arg in line.partition("\t")[2].split()[1:]:
            role, _, tid = arg.partition(":")
            roles.setdefault(role.rstrip("0123456789"), []).append(tid)
        used = [t for r in ("Content", "Cue", "Source") for t in roles.get(r, [])]
        if not roles.get("Content") or any(t not in spans for t in used):
            parsed.skipped += 1
        elif any(spans[t] is None for t in used):
            parsed.mismatched += 1
        else:
            pieces = [p for t in roles["Content"] if (p := spans[t])]
            covered = " ".join(p.covered for p in pieces)
            content = Span(
                min(p.start for p in pieces),
                max(p.end for p in pieces),
                covered,
                tuple(sorted(seg for p in pieces for seg in p.pieces)),
            )
            cue, source = (spans[roles[r][0]] if r in roles else None for r in ("Cue", "Source"))
            parsed.events.append(Event(content, cue, source))
    return parsed


def _head(source: str) -> str:
    """The source's noun phrase: no parentheses or relative clause, the name of an apposition."""
    source = re.sub(r"\([^)]*\)", " ", source)
    parts = re.split(r"(,| who | which | that |\s--|\s[—–])", source, maxsplit=1)
    first, comma, rest = [*parts, "", ""][:3]
    appositive = re.match(rf"\s*({_NAME_RUN})(,|$)", rest) if comma == "," else None
    if appositive and not any(w[:1].isupper() for w in first.split()[1:]):
        first = appositive.group(1)  # "another critic, Jane Roe," names Jane Roe
    return " ".join(first.split()).strip(' ;:"“”')


def source_kind(source: str | None) -> SourceKind:
    """NAMED unless absent, a pronoun, or generic: the head noun is a generic word or a lowercase
    plural ("Clinton aides", "mining companies"), or a generic word with no proper name."""
    if source is None or not source.strip():
        return SourceKind.NONE
    if _key(source.strip()) in PRONOUNS:
        return SourceKind.PRONOUN
    words = _head(source).split() or source.split()
    keys = [_key(w) for w in words]
    noun = next((i for i, k in enumerate(keys) if i and k in _PREPOSITIONS), len(keys)) - 1
    proper = any(w[:1].isupper() and k not in _NOT_NAMES for w, k in zip(words, keys, strict=True))
    plural = words[noun].islower() and re.search(r"[^su]s$", keys[noun]) is not None
    unnamed = not proper and (keys[0] in _INDEFINITE or GENERIC_WORDS.intersection(keys))
    generic = keys[noun] in GENERIC_WORDS or plural or unnamed
    return SourceKind.GENERIC if generic else SourceKind.NAMED


def actor_name(source: str) -> str:
    """A named source's name: its trailing capitalised run, after the last title in it."""
    words = _head(source).split() or source.split()
    keys = [_key(w) for w in words]
    plain = [w for w in words if _key(w) not in _DETERMINERS] or words
    if "and" in keys:  # "Obama and Clinton" stays whole
        return " ".join(plain)
    run: list[str] = []
    for word in reversed(words):
        if not (word[:1].isupper() or (run and _key(word) in _CONNECTORS)):
            break
        run.insert(0, word)
    while run and (run[0][:1].islower() or _key(run[0]) in _DETERMINERS):
        run.pop(0)
    words = run or plain
    keys = [_key(w) for w in words]
    for i in reversed(range(len(words))):
        cut = i + (3 if keys[i + 1 : i + 2] == ["of"] else 1)  # "Secretary of State John Kerry"
        named = cut < len(words) and words[cut][:1].isupper()
        if keys[i] in _TITLES and named and not _ORG_WORDS.intersection(keys[cut:]):
            words = words[cut:]
            break
    return re.sub(r"['’]s$", "", " ".join(words))


def _looks_like_person(source: str, name: str) -> bool:
    """A person title, or no sign of an organisation ("the ...", an acronym, "campaign")."""
    keys = _keys(_head(source))
    if _PERSON_TITLES.intersection(keys):
        return True
    acronym = name.isupper() and len(name) <= 4
    return not (acronym or keys[:1] == ["the"] or _ORG_WORDS.intersection(_keys(name)))


def _same(a: list[str], b: list[str]) -> bool:
    """Equal names, or one is the other's trailing surname ("Trump" / "Donald Trump").

    A joint source ("Obama and Clinton") matches only itself."""
    short, long_ = sorted((a, b), key=len)
    return bool(short) and "and" not in long_ and long_[len(long_) - len(short) :] == short


def resolve_actors(
    text: str, sources: list[Span]
) -> tuple[list[GoldActor], dict[tuple[int, int], tuple[str, SourceKind]]]:
    """Group sources into actors; returns the actors and (start, end) -> (actor id, kind).

    A named source joins the most recently seen named actor it matches (`_same`); generics get
    an actor per distinct text; a pronoun joins the most recent named source before it (a
    person for he/she/who...), else an actor of its own.
    """
    index: dict[str, GoldActor] = {}
    person: dict[str, bool] = {}
    own: dict[str, GoldActor] = {}  # generic and unresolved pronoun actors, by lowercased text
    found: dict[tuple[int, int], tuple[str, SourceKind]] = {}
    named_at: list[tuple[int, str]] = []  # (start, actor id) of named sources, in text order

    def add(actor: GoldActor | None, name: str, surface: str, is_person: bool) -> GoldActor:
        if actor is None:
            actor = GoldActor(id=f"a{len(index) + 1}", name=name)
            index[actor.id] = actor
        if surface not in actor.mentions:
            actor.mentions.append(surface)
        person[actor.id] = person.get(actor.id, False) or is_person
        return actor

    pronouns: list[tuple[int, int]] = []
    for start, end in sorted({s[:2] for s in sources}):
        surface, kind = text[start:end], source_kind(text[start:end])
        key = " ".join(surface.lower().split())
        if kind is SourceKind.PRONOUN:
            pronouns.append((start, end))
            continue
        if kind is SourceKind.GENERIC:
            actor = own[key] = add(own.get(key), surface.strip(), surface, False)
        else:
            name = actor_name(surface)
            recent = (index[a] for _, a in reversed(named_at))
            match = next((a for a in recent if _same(_keys(name), _keys(a.name))), None)
            actor = add(match, name, surface, _looks_like_person(surface, name))
            if len(name.split()) > len(actor.name.split()):
                actor.name = name
            named_at.append((start, actor.id))
        found[(start, end)] = (actor.id, kind)
    for start, end in pronouns:
        surface = text[start:end]
        key, personal = _key(surface), _key(surface) in _PERSONAL
        before = [index[a] for s, a in reversed(named_at) if s < start]
        fallback = before[0] if before else own.get(key)
        pick = next((a for a in before if person[a.id] or not personal), fallback)
        actor = add(pick, surface.strip(), surface, personal)
        if not before:
            own[key] = actor
        found[(start, end)] = (actor.id, SourceKind.PRONOUN)
    for actor in index.values():
        actor.kind = ActorKind.PERSON if person[actor.id] else ActorKind.OTHER
    return list(index.values()), found


def is_denial(cue: str) -> bool:
    """A denial cue: any word starts with a denial stem ("denied", "has strongly denied")."""
    return any(w.startswith(DENIAL_STEMS) for w in re.findall(r"[a-z]+", cue.lower()))


def to_article(article_id: str, text: str, parsed: ParsedAnn, note: str = "") -> GoldArticle:
    """One gold article: a claim per attribution in text order, its source as claimer."""
    events = sorted(parsed.events, key=lambda e: e.content[:2])
    actors, found = resolve_actors(text, [e.source for e in events if e.source])
    claims = []
    for n, (content, cue_span, source) in enumerate(events, 1):
        claimer, kind = found[source[:2]] if source else (None, SourceKind.NONE)
        cue, (start, end) = cue_span.covered if cue_span else "", content[:2]
        denial = ClaimType.DENIAL if is_denial(cue) else None
        parts = list(content.pieces) if len(content.pieces) > 1 else None
        claims.append(
            GoldClaim(
                id=f"c{n}",
                claimer=claimer,
                type=denial,
                cue=cue,
                start=start,
                end=end,
                quote=text[start:end],
                source_kind=kind,
                parts=parts,
            )
        )
    return GoldArticle(id=article_id, note=note, actors=actors, claims=claims, text=text)


def load_polnear(
    root: Path, *, limit: int | None = None, seed: int = 0, max_words: int | None = None
) -> list[GoldArticle]:
    """A reproducible sample of a PolNeAR split (`root` holds text/ and attributions/).

    Names are sorted, shuffled by `seed`, kept if short enough and annotated, then cut to
    `limit`, so a smaller limit is a prefix of a larger one. The first annotator in sorted
    order labels each article.
    """
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir():
        raise InputError(f"{root}: no text/ folder; expected a PolNeAR split such as polnear/dev")
    names = sorted(p.stem for p in text_dir.glob("*.txt"))
    if not names:
        raise InputError(f"{text_dir}: no *.txt articles")
    random.Random(seed).shuffle(names)
    articles: list[GoldArticle] = []
    for name in names:
        if limit is not None and len(articles) >= limit:
            break
        try:
            text = clean_text((text_dir / f"{name}.txt").read_text(encoding="utf-8"))
            paths = ann_dir.glob(f"{glob.escape(name)}_*.ann")  # NAME_ANNOTATOR, not NAME_MORE_X
            anns = sorted(p for p in paths if "_" not in p.stem[len(name) + 1 :])
            if (max_words is not None and len(text.split()) > max_words) or not anns:
                continue
            parsed = parse_ann(text, anns[0].read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{root}: cannot read article {name}: {exc}") from exc
        if parsed.mismatched or parsed.skipped:
            msg = "%s: %d attributions with mismatched offsets skipped, %d unusable lines"
            log.warning(msg, anns[0].name, parsed.mismatched, parsed.skipped)
        note = f"PolNeAR {root.name}, annotator {anns[0].stem.rsplit('_', 1)[1]}"
        articles.append(to_article(name, text, parsed, note))
    if not articles and limit != 0:
        raise InputError(f"{root}: no annotated articles in attributions/ (max_words={max_words})")
    return articles
