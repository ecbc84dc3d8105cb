"""A long article of any length, written by code, with its gold labels.

No real article is 20,000 words and labelled, and third-party text may not enter the
repository, so this one is generated: an invented port inquiry where named people speak
in direct quotes (some by pronoun, "she added"), accusations made on the first pages are
denied near the end, a few paragraphs run past the segment limit, and narration without
any reporting verb fills the rest. The labels follow evals/gold/README.md, so the eval
scorer measures a long article like any other.

    python tests/longdoc.py 20000 OUT_DIR     # writes OUT_DIR/long-inquiry.{txt,gold.json}
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PEOPLE = [
    # id, full name, surname, pronoun, role, organisation
    ("a1", "Mira Okafor", "Okafor", "she", "a borough councillor", "Harwick Borough Council"),
    ("a2", "Paul Henning", "Henning", "he", "chief executive of Dunmore Dredging", "Dunmore"),
    ("a3", "Ines Varga", "Varga", "she", "the harbour master", "Harwick Port Authority"),
    ("a4", "Tomas Rielly", "Rielly", "he", "who chairs the inquiry", "the inquiry"),
    ("a5", "Lena Sorvik", "Sorvik", "she", "an organiser for the Dockworkers' Union", "union"),
    ("a6", "Edwin Achterberg", "Achterberg", "he", "the transport minister", "ministry"),
    ("a7", "Greta Lindqvist", "Lindqvist", "she", "of the Office of Public Audit", "audit"),
    ("a8", "Samir Haddad", "Haddad", "he", "a trawler skipper", "fleet"),
    ("a9", "Noor Ellison", "Ellison", "she", "a marine scientist", "university"),
]

SUBJECTS = [
    "the dredging contract",
    "the harbour budget",
    "the silt survey",
    "the new quay wall",
    "the tender process",
    "the berth fees",
    "the channel depth",
    "the night shifts",
    "the fuel surcharge",
    "the safety audit",
    "the eastern breakwater",
    "the crane upgrade",
    "the tidal model",
    "the harbour accounts",
    "the pilot boats",
    "the storm repairs",
]
PREDICATES = [
    "was signed in a hurry and nobody checked the figures",
    "will cost the town more than anyone has admitted",
    "has kept the channel open through the worst winter in years",
    "must be published in full before the next council meeting",
    "probably saved the port from closing for a season",
    "was never put to a proper public vote",
    "will be finished by the spring if the weather holds",
    "may have been priced too high from the very first day",
    "gave the crews work when the yards were laying people off",
    "should be handed to an independent engineer",
    "is the reason the fishing fleet lost half its landings",
    "was approved by every member of the harbour board",
    "cannot be judged until the autumn soundings are in",
    "has been run with more care than any project in the borough",
]
OPENERS = ["", "Frankly, ", "Let me be clear: ", "In my view ", "Everyone here knows that "]

# Narration: facts about the place, never a reporting verb, so no model call is spent.
N_SUBJECTS = [
    "The harbour",
    "The old fish market",
    "The eastern quay",
    "The river mouth",
    "The pilot station",
    "The dredger Marlin",
    "The customs shed",
    "The town's ferry",
    "The breakwater",
    "The container yard",
    "The lifeboat crew",
    "The sand bar",
    "The tide gauge",
    "The rail siding",
    "The ice plant",
    "The harbour office",
]
N_VERBS = [
    "dates from",
    "was rebuilt in",
    "last changed hands in",
    "was extended in",
    "flooded in",
    "was painted in",
    "reopened in",
    "lost its roof in",
]
N_TAILS = [
    "after a winter of gales that closed the channel for nine days",
    "when the borough still owned most of the land along the water",
    "at a cost that the ledgers of the time put at a few thousand pounds",
    "and the brass plaque from that year still hangs by the door",
    "while the fleet numbered more than sixty boats",
    "with timber brought down the coast by schooner",
    "in the same month that the railway reached the town",
    "and the work took three summers to finish",
]
N_EXTRA = [
    "Gulls gather on its roof at every low tide.",
    "At dawn the trawlers queue in the outer basin for a berth.",
    "Silt from the river settles here faster than anywhere else on the coast.",
    "Tourists photograph the cranes from the promenade in summer.",
    "The water at the inner wall is barely four metres deep at low tide.",
    "A small museum by the slipway keeps the old charts.",
    "Two hundred people work within sight of the harbour office.",
    "The tide here rises more than five metres twice a day.",
    "In fog the foghorn sounds every thirty seconds from the point.",
    "The night shift changes over at ten o'clock.",
]


@dataclass
class _Writer:
    rng: random.Random
    text: str = ""
    words: int = 0
    claims: list[dict[str, Any]] = field(default_factory=list)
    spoken: set[str] = field(default_factory=set)
    last_speaker: str | None = None
    unused: list[tuple[str, str]] = field(default_factory=list)

    def paragraph(self, body: str) -> int:
        """Append a paragraph; returns its start offset."""
        if self.text:
            self.text += "\n\n"
        start = len(self.text)
        self.text += body
        self.words += len(body.split())
        return start

    def narration(self, sentences: int) -> str:
        out = []
        for _ in range(sentences):
            if self.rng.random() < 0.35:
                out.append(self.rng.choice(N_EXTRA))
            else:
                year = self.rng.randint(1860, 1990)
                out.append(
                    f"{self.rng.choice(N_SUBJECTS)} {self.rng.choice(N_VERBS)} {year}, "
                    f"{self.rng.choice(N_TAILS)}."
                )
        return " ".join(out)

    def quote_words(self) -> tuple[str, bool]:
        """Fresh words each time: a person repeating a sentence is one claim, not two."""
        if not self.unused:
            self.unused = [(s, p) for s in SUBJECTS for p in PREDICATES]
            self.rng.shuffle(self.unused)
        subject, predicate = self.unused.pop()
        opener = self.rng.choice(OPENERS)
        words = f"{opener}{subject} {predicate}"
        words = words[0].upper() + words[1:]
        return words, predicate.startswith(("probably", "may have"))

    def speak(
        self,
        person: tuple[str, ...],
        words: str,
        *,
        kind: str = "assertion",
        hedged: bool = False,
        denies: str | None = None,
        pronoun: bool = False,
        prefix: str = "",
    ) -> str:
        """A paragraph of one direct quote; returns the claim id."""
        actor, full, surname, she, role, _ = person
        if pronoun:
            tag = f"{she} added"
        elif actor in self.spoken:
            tag = f"{surname} said"
        else:
            tag = f"{full}, {role}, said"
        body = f"{prefix}“{words},” {tag}."
        start = self.paragraph(body) + len(prefix) + 1
        claim_id = f"c{len(self.claims) + 1}"
        self.claims.append(
            {
                "id": claim_id,
                "claimer": actor,
                "type": kind,
                "attribution": "direct",
                "cue": "added" if pronoun else "said",
                "quote": words,
                "start": start,
                "end": start + len(words),
                "proposition": words,
                "target": "the dredging contract",
                "topic": "the Harwick dredging inquiry",
                "hedged": hedged,
                "denies": denies,
                **({"source_kind": "pronoun"} if pronoun else {}),
            }
        )
        self.spoken.add(actor)
        self.last_speaker = actor
        return claim_id


ACCUSATIONS = [
    # (accuser, accused, accusation words, denier, denial words)
    (
        0,
        1,
        "Dunmore Dredging inflated its invoices by four million pounds and the port paid "
        "without a single question",
        1,
        "We have never inflated an invoice, and the charge that we did is baseless",
    ),
    (
        4,
        2,
        "The harbour master hid the safety reports from the crews for two whole years",
        2,
        "No safety report was ever hidden from anyone, and that accusation is simply untrue",
    ),
    (
        7,
        5,
        "The minister promised the fleet compensation and then quietly dropped it",
        5,
        "I have not dropped any promise to the fleet, and that story is false",
    ),
]


def generate(target_words: int = 20_000, seed: int = 7) -> tuple[str, dict[str, Any]]:
    """The article text and its gold labels, deterministic for a seed."""
    w = _Writer(random.Random(seed))
    w.paragraph("Harwick dredging inquiry: the full story")
    w.paragraph(w.narration(4))
    accusation_ids = []
    for accuser, _accused, words, _, _ in ACCUSATIONS:
        w.paragraph(w.narration(3))
        accusation_ids.append(w.speak(PEOPLE[accuser], words, kind="accusation"))
    long_every = 9
    n = 0
    while w.words < target_words * 0.9:
        n += 1
        w.paragraph(w.narration(w.rng.randint(4, 8)))
        person = w.rng.choice(PEOPLE)
        words, hedged = w.quote_words()
        if n % long_every == 0:
            # A paragraph past the segment limit, its quote near the end: read in windows.
            w.speak(person, words, hedged=hedged, prefix=w.narration(34) + " ")
        else:
            w.speak(person, words, hedged=hedged)
        if n % 4 == 0:
            more, hedged = w.quote_words()
            w.speak(person, more, hedged=hedged, pronoun=True)
    for (_, _, _, denier, words), accused_claim in zip(ACCUSATIONS, accusation_ids, strict=True):
        w.paragraph(w.narration(3))
        w.speak(PEOPLE[denier], words, kind="denial", denies=accused_claim)
    while w.words < target_words:
        w.paragraph(w.narration(6))
    actors = [
        {
            "id": actor,
            "name": full,
            "kind": "person",
            "role": role,
            "affiliation": None,
            "mentions": [full, surname],
        }
        for actor, full, surname, _, role, _ in PEOPLE
        if actor in w.spoken
    ]
    gold = {
        "id": "long-inquiry",
        "title": "Harwick dredging inquiry: the full story",
        "covers": ["long", "denial_link", "direct_speech", "pronoun_speaker"],
        "note": f"Generated by tests/longdoc.py ({target_words} words, seed {seed}): "
        "accusations on the first page denied on the last, over-long paragraphs, "
        "pronoun speakers, narration without reporting verbs.",
        "actors": actors,
        "claims": w.claims,
        "stances": [],
        "hard_cases": [],
    }
    return w.text + "\n", gold


def main(argv: list[str]) -> int:
    words = int(argv[0]) if argv else 20_000
    out = Path(argv[1] if len(argv) > 1 else "long-article")
    out.mkdir(parents=True, exist_ok=True)
    text, gold = generate(words)
    (out / "long-inquiry.txt").write_text(text, encoding="utf-8")
    (out / "long-inquiry.gold.json").write_text(
        json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{out}/long-inquiry.txt: {len(text.split())} words, {len(gold['claims'])} claims")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def oracle_create(text: str, gold: dict[str, Any]) -> Any:
    """A fake ``create`` that answers every paragraph with its gold claims, as a perfect
    reader would: what is left to measure is the pipeline (segmenting, grounding, actor
    merging, de-duplication, denial linking) and its cost, not the model."""
    from openai.types.chat import ChatCompletion

    names = {a["id"]: a["name"] for a in gold["actors"]}
    pronouns = {p[0]: p[3] for p in PEOPLE}
    by_id = {c["id"]: c for c in gold["claims"]}

    def answer(paragraph: str) -> list[dict[str, Any]]:
        out = []
        for c in gold["claims"]:
            if c["quote"] not in paragraph:
                continue
            pronoun = c.get("source_kind") == "pronoun"
            out.append(
                {
                    "speaker": pronouns[c["claimer"]] if pronoun else names[c["claimer"]],
                    "speaker_kind": "person",
                    "cue": c["cue"],
                    "quote": c["quote"],
                    "type": c["type"],
                    "hedged": c["hedged"],
                    "proposition": c["proposition"],
                    "target": c["target"],
                    "topic": c["topic"],
                    "stance": "against" if c["type"] in ("accusation", "denial") else "neutral",
                    "denies": by_id[c["denies"]]["quote"] if c["denies"] else "",
                }
            )
        return out

    def create(**kwargs: Any) -> ChatCompletion:
        last = kwargs["messages"][-1]["content"]
        paragraph = last.rpartition("<<<\n")[2].partition("\n>>>")[0]
        content = json.dumps({"claims": answer(paragraph)}, ensure_ascii=False)
        return ChatCompletion.model_validate(
            {
                "id": "oracle",
                "object": "chat.completion",
                "created": 0,
                "model": "oracle",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
                "usage": {
                    "prompt_tokens": len(last) // 4,
                    "completion_tokens": len(content) // 4,
                    "total_tokens": (len(last) + len(content)) // 4,
                },
            }
        )

    return create
