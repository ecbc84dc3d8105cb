"""The speakers a batch request can name: found in the text before the paragraph.

The live path tells the model who spoke in earlier paragraphs (from its own earlier
answers), so "he said" resolves to the right person. A batch file is written before any
answer exists, so the same context is read from the article itself: the names the text
says speak ("Marsh said", "said Caddell") in the paragraphs before, in the same format.
"""

from __future__ import annotations

from collections.abc import Iterator

from stance.reading.find.actors import ActorRegistry
from stance.reading.find.segments import Segment
from stance.reading.find.speakers import speakers_named_in

__all__ = ["kind_of", "with_context"]

# A name with one of these words is an organisation, not a person, in the context line.
# fmt: off
_ORGANISATION_WORDS = frozenset({
    "commission", "council", "authority", "ministry", "department", "union", "bank", "party",
    "court", "agency", "office", "committee", "house", "kremlin", "street", "government",
    "association", "federation", "institute", "company", "group", "corporation", "inc", "ltd",
    "police", "army", "navy", "board", "parliament", "senate", "congress",
})
# fmt: on


def kind_of(name: str) -> str:
    words = {w.lower().strip(".,") for w in name.split()}
    return "organisation" if words & _ORGANISATION_WORDS else "person"


def with_context(segments: list[Segment]) -> Iterator[tuple[Segment, ActorRegistry]]:
    """Each segment with a registry of the speakers the text named before it."""
    registry = ActorRegistry()
    for segment in segments:
        yield segment, registry
        for name in speakers_named_in(segment.text):
            registry.resolve(name, kind_of(name))
