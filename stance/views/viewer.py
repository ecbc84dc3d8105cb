"""The extraction viewer: one self-contained HTML page for one article or thousands.

People judge an extraction by looking at it. The page shows an index (search, filters by
actor, claim type and topic) and one article at a time: its text with every claim's quote
highlighted in its actor's colour, a panel per actor with claims, stances and denials,
rejected items apart with their reasons, and the provenance (model, prompt and its hash).
Clicking a denial lights up the claim it denies, and the other way round. Above the panels,
who accuses, denies and demands of whom is drawn as a small network (inline SVG, drawn by
the page's own script: the file works offline); clicking an arrow lights up its claims.

The records go into the page as JSON and the page's script draws only the article being
looked at, so 1,000 articles stay responsive. The script is written in the style of the
data: text is only ever inserted with ``textContent``, never as markup, so an article
cannot inject anything into the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from importlib import resources
from typing import Any

from stance.schema import ErrorRecord, Extraction, OutputRecord
from stance.views.html_page import escape, page

__all__ = [
    "PALETTE",
    "record_data",
    "redacted",
    "render_viewer",
]

# Distinct, readable highlight colours; an actor keeps its colour within an article.
PALETTE = [
    "#ffd166",
    "#8ecae6",
    "#b5e48c",
    "#f4a3a8",
    "#cdb4db",
    "#f9c784",
    "#a0e7e5",
    "#ffadad",
    "#caffbf",
    "#bdb2ff",
    "#fdffb6",
    "#d0d1ff",
]


def record_data(record: OutputRecord) -> dict[str, Any]:
    """The parts of a record the page shows, in a compact JSON shape."""
    if isinstance(record, ErrorRecord):
        return {
            "id": record.article_id,
            "kind": "error",
            "source": record.source,
            "error_type": record.error_type,
            "message": record.message,
        }
    return _extraction_data(record)


def _extraction_data(record: Extraction) -> dict[str, Any]:
    p = record.provenance
    return {
        "id": record.article_id,
        "kind": "extraction",
        "title": record.title,
        "source": record.source,
        "text": record.text,
        "provenance": {
            "model": p.model,
            "endpoint": p.endpoint,
            "prompt": f"{p.prompt.name}@{p.prompt.version}",
            "hash": p.prompt.hash,
            "schema": p.schema_version,
            "stance": p.stance_version,
            "created": p.created_at.isoformat(timespec="seconds"),
            "calls": p.usage.calls,
            "cached": p.usage.cached_calls,
            "tokens": p.usage.total_tokens,
        },
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind.value,
                "role": a.role,
                "affiliation": a.affiliation,
                "colour": PALETTE[i % len(PALETTE)],
            }
            for i, a in enumerate(record.actors)
        ],
        "claims": [
            {
                "id": c.id,
                "claimer": c.claimer,
                "type": c.type.value,
                "quote": c.quote,
                "start": c.span.start,
                "end": c.span.end,
                "denies": c.denies,
                "hedged": c.hedged,
                "attribution": c.attribution.value,
                "alignment": c.alignment.value,
                "topic": c.topic,
                "target": c.target,
                "proposition": c.proposition,
                "target_actor": c.target_actor,
            }
            for c in record.claims
        ],
        "relations": [
            {
                "source": r.source,
                "relation": r.relation.value,
                "target": r.target,
                "evidence": r.evidence,
            }
            for r in record.relations
        ],
        "stances": [
            {
                "holder": s.holder,
                "target": s.target,
                "polarity": s.polarity.value,
                "evidence": s.evidence,
            }
            for s in record.stances
        ],
        "rejected": [
            {"quote": r.quote, "speaker": r.speaker, "reason": r.reason} for r in record.rejected
        ],
        "errors": [{"segment": e.segment, "message": e.message} for e in record.errors],
    }


def redacted(data: dict[str, Any]) -> dict[str, Any]:
    """The article's words replaced by blocks, character for character.

    For showing what was extracted from text that may not be shared (a paywalled or
    third-party article): offsets, highlights, actors, types and links stay exactly as
    they are; the text, quotes, topics, targets and reasons become unreadable.
    """
    if data["kind"] != "extraction":
        return data
    out = {**data, "text": _blocks(data["text"]), "title": None}
    out["claims"] = [
        {**c, "quote": _blocks(c["quote"]), "topic": _blocks(c["topic"]),
         "target": _blocks(c["target"]), "proposition": _blocks(c["proposition"])}
        for c in data["claims"]
    ]  # fmt: skip
    out["stances"] = [{**s, "target": _blocks(s["target"])} for s in data["stances"]]
    out["rejected"] = [
        {**r, "quote": _blocks(r["quote"]), "reason": r["reason"]} for r in data["rejected"]
    ]
    return out


def _blocks(text: str) -> str:
    return _WORD.sub("\u2592", text)


_WORD = re.compile(r"\w")


def render_viewer(
    records: Iterable[OutputRecord], *, source: str = "", redact: bool = False
) -> str:
    """The whole page for ``records`` (extractions and error records, in file order);
    ``redact`` hides the article text but keeps the structure (see ``redacted``)."""
    articles = [record_data(r) for r in records]
    if redact:
        articles = [redacted(a) for a in articles]
    extracted = [a for a in articles if a["kind"] == "extraction"]
    claims = sum(len(a["claims"]) for a in extracted)
    meta = (
        f"{escape(source)} · {len(articles)} article{'s' if len(articles) != 1 else ''}, "
        f"{claims} claims, {len(articles) - len(extracted)} failed · written "
        f"{datetime.now(timezone.utc).isoformat(timespec='seconds')}"
    )
    title = "stance: " + (
        str(extracted[0]["title"] or extracted[0]["id"])
        if len(articles) == 1 and extracted
        else "extractions"
    )
    css, script = _asset("viewer.css"), _asset("viewer.js")
    return page(title, _BODY, css=css, script=script, data={"articles": articles}, meta=meta)


def _asset(name: str) -> str:
    """The page's stylesheet and script live in stance/data/ as plain .css and .js files."""
    return resources.files("stance").joinpath("data", name).read_text(encoding="utf-8")


_BODY = """<div id="app">
<nav id="index">
  <input id="search" type="search" placeholder="Search text, ids, actors, topics"
   autocomplete="off">
  <div class="filters">
    <select id="f-actor"><option value="">every actor</option></select>
    <select id="f-type"><option value="">every claim type</option></select>
    <select id="f-topic"><option value="">every topic</option></select>
  </div>
  <div id="count" class="muted"></div>
  <ol id="list"></ol>
  <button id="more" type="button" hidden>show more</button>
</nav>
<main id="article"><p class="muted">Choose an article.</p></main>
</div>"""
