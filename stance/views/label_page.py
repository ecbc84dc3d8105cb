"""The labelling page: gold made by correcting a prediction, in one offline HTML file.

Labelling from scratch is slow; correcting what ``stance extract`` found is quicker, and the
corrections say where the reader is wrong. The page starts each article from its prediction
(claims with spans, speakers, types, hedging, stances and denial links) and the labeller adds,
deletes and fixes claims, then saves ``ARTICLE.gold.json`` in the gold format
(``stance.evaluation.gold``), which ``python -m stance.evaluation.gold`` accepts.

The page follows the viewer's safety rules (``views/viewer.py``): data goes in as escaped JSON,
nothing is fetched (the shared page's Content-Security-Policy), and the script inserts text only
with ``textContent``. Work in progress is kept in the browser's localStorage, keyed by article
id and a hash of the article text computed here, so a changed text never receives stale labels.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from typing import Any

from stance.evaluation.gold import COVERAGE
from stance.schema import ActorKind, ClaimType, Extraction, Polarity
from stance.views.html_page import page

__all__ = [
    "SHORTCUTS",
    "label_data",
    "render_label_page",
    "text_hash",
]

# Keyboard shortcuts, listed on the page; label.js binds the same keys.
SHORTCUTS = [
    ("a", "add a claim from the selected text"),
    ("d / Delete", "delete the selected claim"),
    ("l", "link: the selected denial denies the next claim clicked"),
    ("j / k", "next / previous claim"),
    ("n / p", "next / previous article"),
    ("s", "save this article's gold file"),
    ("Esc", "leave link mode"),
]


def text_hash(text: str) -> str:
    """A short hash of the article text: part of the key work in progress is stored under."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def label_data(record: Extraction) -> dict[str, Any]:
    """One article as the page starts it: the prediction, in the gold format's vocabulary."""
    polarity: dict[str, tuple[str, str]] = {}
    for stance in record.stances:
        for claim_id in stance.evidence:
            polarity.setdefault(claim_id, (stance.target, stance.polarity.value))
    return {
        "id": record.article_id,
        "title": record.title or _headline(record.text),
        "text": record.text,
        "hash": text_hash(record.text),
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind.value,
                "role": a.role,
                "affiliation": a.affiliation,
                "mentions": sorted({m.text for m in a.mentions if m.text in record.text}),
            }
            for a in record.actors
        ],
        "claims": [
            {
                "id": c.id,
                "claimer": c.claimer,
                "type": c.type.value,
                "attribution": c.attribution.value,
                "cue": c.cue,
                "start": c.span.start,
                "end": c.span.end,
                "proposition": c.proposition,
                "target": c.target,
                "topic": c.topic,
                "hedged": c.hedged,
                "denies": c.denies,
                "stance_target": polarity.get(c.id, ("", ""))[0],
                "polarity": polarity.get(c.id, ("", ""))[1],
            }
            for c in record.claims
        ],
    }


def _headline(text: str) -> str | None:
    first = text.strip().split("\n", 1)[0].strip()
    return first or None


def render_label_page(records: Iterable[Extraction], *, source: str = "") -> str:
    """The whole page for the extractions of one JSONL file, in file order."""
    articles = [label_data(r) for r in records]
    vocab = {
        "types": [t.value for t in ClaimType],
        "kinds": [k.value for k in ActorKind],
        "polarities": [p.value for p in Polarity],
        "covers": list(COVERAGE),
    }
    meta = f"{len(articles)} article{'s' if len(articles) != 1 else ''} from {source}"
    script = _asset("label.js")
    data = {"articles": articles, "vocab": vocab, "shortcuts": SHORTCUTS}
    return page("stance: label", _BODY, css=_asset("label.css"), script=script, data=data,
                meta=meta)  # fmt: skip


def _asset(name: str) -> str:
    return resources.files("stance").joinpath("data", name).read_text(encoding="utf-8")


_BODY = """<div id="app">
<nav id="index">
  <ol id="list"></ol>
  <h3>Shortcuts</h3>
  <dl id="shortcuts"></dl>
</nav>
<main id="article">
  <div id="toolbar">
    <button id="add" type="button">Add claim from selection (a)</button>
    <button id="save" type="button">Save gold file (s)</button>
    <button id="discard" type="button">Discard my changes</button>
    <span id="status" role="status"></span>
  </div>
  <h2 id="title"></h2>
  <div class="grid">
    <div id="text" class="text"></div>
    <aside>
      <section id="editor" hidden>
        <h3>Claim <span id="ed-id" class="mono"></span></h3>
        <p id="ed-quote" class="quote"></p>
        <label>Speaker <select id="ed-speaker"></select></label>
        <div class="row"><input id="ed-new-actor" placeholder="or a new actor's name"
          autocomplete="off"><button id="ed-add-actor" type="button">New actor</button></div>
        <fieldset><legend>The speaker</legend>
          <label>Name <input id="ed-name" autocomplete="off"></label>
          <label>Kind <select id="ed-kind"></select></label>
          <label>Role <input id="ed-role" autocomplete="off"></label>
          <label>Affiliation <input id="ed-affiliation" autocomplete="off"></label>
          <label>Mentions, one a line <textarea id="ed-mentions" rows="2"></textarea></label>
        </fieldset>
        <label>Type <select id="ed-type"></select></label>
        <label class="check"><input id="ed-hedged" type="checkbox"> hedged</label>
        <label>Stance target <input id="ed-target" autocomplete="off"></label>
        <label>Polarity <select id="ed-polarity"></select></label>
        <p id="ed-link" class="link"></p>
        <div class="row">
          <button id="ed-link-mode" type="button">Link to denied claim (l)</button>
          <button id="ed-unlink" type="button">Unlink</button>
          <button id="ed-delete" type="button" class="danger">Delete (d)</button>
        </div>
      </section>
      <h3>Claims <span id="claim-count" class="muted"></span></h3>
      <ol id="claims"></ol>
      <h3>Article</h3>
      <label>Note <textarea id="note" rows="2"></textarea></label>
      <label>Hard cases, one a line <textarea id="hard-cases" rows="3"></textarea></label>
      <div id="covers"></div>
      <p id="corrections" class="muted"></p>
    </aside>
  </div>
</main>
</div>"""
