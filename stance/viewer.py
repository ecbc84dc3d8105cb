"""The extraction viewer: one self-contained HTML page for one article or thousands.

People judge an extraction by looking at it. The page shows an index (search, filters by
actor, claim type and topic) and one article at a time: its text with every claim's quote
highlighted in its actor's colour, a panel per actor with claims, stances and denials,
rejected items apart with their reasons, and the provenance (model, prompt and its hash).
Clicking a denial lights up the claim it denies, and the other way round.

The records go into the page as JSON and the page's script draws only the article being
looked at, so 1,000 articles stay responsive. The script is written in the style of the
data: text is only ever inserted with ``textContent``, never as markup, so an article
cannot inject anything into the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from .htmlpage import escape, page
from .schema import ErrorRecord, Extraction, OutputRecord

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
            }
            for c in record.claims
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


def render_viewer(records: Iterable[OutputRecord], *, source: str = "") -> str:
    """The whole page for ``records`` (extractions and error records, in file order)."""
    articles = [record_data(r) for r in records]
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
    return page(title, _BODY, css=_CSS, script=_SCRIPT, data={"articles": articles}, meta=meta)


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

_CSS = """
#app { display:grid; grid-template-columns: 300px 1fr; min-height: calc(100vh - 60px); }
#index { border-right:1px solid var(--line); padding:12px; background:#fff; overflow:auto;
  max-height: calc(100vh - 60px); position: sticky; top:0; }
#index input, #index select { width:100%; margin-bottom:6px; padding:4px; font:inherit; }
#list { list-style:none; padding:0; margin:6px 0; }
#list li { padding:4px 6px; border-radius:4px; cursor:pointer; }
#list li:hover { background:#eef3f8; }
#list li.current { background:#dce9f7; }
#list li.failed .title { color:var(--bad); }
#list .sub { font-size:12px; color:var(--muted); }
#article { padding:16px 20px; }
.prov { font-size:13px; color:var(--muted); margin-bottom:10px; }
.grid { display:grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap:20px; }
.text { white-space:pre-wrap; background:#fff; border:1px solid var(--line); padding:14px;
  border-radius:6px; line-height:1.7; }
mark.claim { border-radius:3px; padding:1px 0; cursor:pointer; color:inherit; }
mark.claim.lit, li.claim.lit { outline:3px solid var(--accent); outline-offset:1px; }
mark.claim.denial { text-decoration: underline wavy var(--bad); }
.actor { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 10px;
  margin-bottom:10px; }
.actor h3 { margin:0 0 4px; font-size:15px; }
.swatch { display:inline-block; width:12px; height:12px; border-radius:3px;
  margin-right:6px; vertical-align:-1px; }
ul.claims { list-style:none; padding:0; margin:4px 0; }
li.claim { padding:3px 4px; border-radius:4px; cursor:pointer; font-size:14px; }
li.claim:hover { background:#f3f6f9; }
.type { font-size:12px; font-weight:600; text-transform:uppercase; color:var(--muted); }
.link { color:var(--bad); font-size:12px; }
.stance { font-size:13px; color:var(--muted); }
section.apart { margin-top:16px; background:#fff7f0; border:1px solid #f0d2b8;
  border-radius:6px; padding:8px 12px; }
section.apart h3 { margin:0 0 6px; font-size:15px; color:var(--warn); }
.error-box { background:#fdecea; border:1px solid #f5c2c0; border-radius:6px; padding:12px; }
"""

# Vanilla JS: builds DOM nodes with textContent only (no innerHTML of data).
_SCRIPT = r"""
"use strict";
const DATA = JSON.parse(document.getElementById("stance-data").textContent);
const ARTICLES = DATA.articles;
const PAGE = 200;
let shown = PAGE, current = null, matches = [];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function haystack(a) {
  if (a.kind !== "extraction") return (a.id + " " + a.message).toLowerCase();
  return [a.id, a.title || "", a.text, ...a.actors.map(x => x.name),
          ...a.claims.map(c => c.topic)].join(" ").toLowerCase();
}
const HAY = ARTICLES.map(haystack);

function fillFilters() {
  const actors = new Set(), types = new Set(), topics = new Set();
  for (const a of ARTICLES) {
    if (a.kind !== "extraction") continue;
    a.actors.forEach(x => actors.add(x.name));
    a.claims.forEach(c => { types.add(c.type); if (c.topic) topics.add(c.topic); });
  }
  const fill = (id, values) => {
    const select = document.getElementById(id);
    [...values].sort().forEach(v => select.appendChild(el("option", {value: v}, v)));
    select.addEventListener("change", () => { shown = PAGE; filter(); });
  };
  fill("f-actor", actors); fill("f-type", types); fill("f-topic", topics);
}

function filter() {
  const q = document.getElementById("search").value.trim().toLowerCase();
  const actor = document.getElementById("f-actor").value;
  const type = document.getElementById("f-type").value;
  const topic = document.getElementById("f-topic").value;
  matches = [];
  ARTICLES.forEach((a, i) => {
    if (q && !HAY[i].includes(q)) return;
    if (actor || type || topic) {
      if (a.kind !== "extraction") return;
      const names = new Map(a.actors.map(x => [x.id, x.name]));
      const ok = a.claims.some(c =>
        (!actor || names.get(c.claimer) === actor) && (!type || c.type === type) &&
        (!topic || c.topic === topic));
      if (!ok) return;
    }
    matches.push(i);
  });
  drawList();
}

function drawList() {
  const list = document.getElementById("list");
  list.replaceChildren();
  for (const i of matches.slice(0, shown)) {
    const a = ARTICLES[i];
    const sub = a.kind === "extraction"
      ? `${a.claims.length} claims · ${a.actors.length} actors` +
        (a.rejected.length ? ` · ${a.rejected.length} rejected` : "")
      : `failed: ${a.error_type}`;
    list.appendChild(el("li", {
      class: (a.kind === "extraction" ? "" : "failed") + (i === current ? " current" : ""),
      "data-index": String(i), onclick: () => show(i)},
      el("div", {class: "title"}, a.kind === "extraction" ? (a.title || a.id) : a.id),
      el("div", {class: "sub"}, sub)));
  }
  document.getElementById("count").textContent =
    `${matches.length} of ${ARTICLES.length} articles`;
  document.getElementById("more").hidden = matches.length <= shown;
}

function claimMark(a, c, colour) {
  const denies = c.denies ? a.claims.find(x => x.id === c.denies) : null;
  return el("mark", {class: "claim" + (c.type === "denial" ? " denial" : ""),
    "data-claim": c.id, style: `background:${colour}`,
    title: `${c.id} · ${c.type}${denies ? " · denies " + denies.id : ""}`,
    onclick: () => light(c.id)}, a.text.slice(c.start, c.end));
}

function drawText(a, colours) {
  // Claims in text order; an overlap is cut so that every character is drawn once.
  const box = el("div", {class: "text", id: "text"});
  const claims = [...a.claims].sort((x, y) => x.start - y.start || y.end - x.end);
  let at = 0;
  for (const c of claims) {
    const start = Math.max(c.start, at);
    if (start >= c.end) continue;
    if (start > at) box.appendChild(document.createTextNode(a.text.slice(at, start)));
    box.appendChild(claimMark(a, {...c, start}, colours.get(c.claimer)));
    at = c.end;
  }
  box.appendChild(document.createTextNode(a.text.slice(at)));
  return box;
}

function claimItem(a, c, names) {
  const denied = c.denies ? a.claims.find(x => x.id === c.denies) : null;
  const deniedBy = a.claims.filter(x => x.denies === c.id);
  return el("li", {class: "claim", "data-claim": c.id, onclick: () => light(c.id)},
    el("span", {class: "type"}, c.type + (c.hedged ? " · hedged" : "")), " ",
    el("span", {class: "mono"}, c.id), " “", c.quote, "”",
    denied ? el("div", {class: "link"}, `denies ${denied.id} (${names.get(denied.claimer)})`)
           : null,
    deniedBy.length ? el("div", {class: "link"},
      "denied by " + deniedBy.map(x => `${x.id} (${names.get(x.claimer)})`).join(", ")) : null);
}

function drawActors(a, colours) {
  const names = new Map(a.actors.map(x => [x.id, x.name]));
  const panel = el("div", {id: "actors"});
  for (const actor of a.actors) {
    const claims = a.claims.filter(c => c.claimer === actor.id);
    const stances = a.stances.filter(s => s.holder === actor.id);
    const role = [actor.kind, actor.role, actor.affiliation].filter(Boolean).join(", ");
    panel.appendChild(el("div", {class: "actor", "data-actor": actor.id},
      el("h3", {}, el("span", {class: "swatch", style: `background:${colours.get(actor.id)}`}),
        actor.name, " ", el("span", {class: "muted"}, `(${role})`)),
      el("ul", {class: "claims"}, claims.map(c => claimItem(a, c, names))),
      stances.map(s => el("div", {class: "stance"},
        `stance: ${s.polarity} ${s.target} (${s.evidence.join(", ")})`))));
  }
  return panel;
}

function drawApart(a) {
  const parts = [];
  if (a.rejected.length) {
    parts.push(el("section", {class: "apart", id: "rejected"},
      el("h3", {}, `Rejected (${a.rejected.length}): not kept as claims`),
      el("ul", {}, a.rejected.map(r => el("li", {},
        "“", r.quote, "” — ", el("b", {}, r.speaker || "no speaker"), ": ", r.reason)))));
  }
  if (a.errors.length) {
    parts.push(el("section", {class: "apart", id: "segment-errors"},
      el("h3", {}, `Unreadable paragraphs (${a.errors.length}): their claims are missing`),
      el("ul", {}, a.errors.map(e => el("li", {}, `paragraph ${e.segment}: ${e.message}`)))));
  }
  return parts;
}

function show(i) {
  current = i;
  const a = ARTICLES[i];
  const main = document.getElementById("article");
  main.replaceChildren();
  if (a.kind !== "extraction") {
    main.appendChild(el("div", {class: "error-box"}, el("h2", {}, a.id),
      el("p", {}, `Not extracted (${a.error_type}): ${a.message}`),
      a.source ? el("p", {class: "muted"}, `input: ${a.source}`) : null));
  } else {
    const p = a.provenance;
    const colours = new Map(a.actors.map(x => [x.id, x.colour]));
    main.append(
      el("h2", {}, a.title || a.id),
      el("div", {class: "prov", id: "provenance"},
        `model ${p.model}${p.endpoint ? " at " + p.endpoint : ""} · prompt ${p.prompt} `,
        el("span", {class: "mono", title: p.hash}, p.hash.slice(0, 12)),
        ` · schema ${p.schema} · stance ${p.stance} · ${p.calls} model calls, ${p.cached} ` +
        `cached, ${p.tokens} tokens · ${p.created}` + (a.source ? ` · ${a.source}` : "")),
      el("div", {class: "grid"}, drawText(a, colours), drawActors(a, colours)),
      ...drawApart(a));
  }
  drawList();
  if (location.hash !== "#" + encodeURIComponent(a.id)) {
    history.replaceState(null, "", "#" + encodeURIComponent(a.id));
  }
}

function light(id) {
  // A claim, the claim it denies and the claims denying it light up together.
  const a = ARTICLES[current];
  const linked = new Set([id]);
  const c = a.claims.find(x => x.id === id);
  if (c && c.denies) linked.add(c.denies);
  a.claims.filter(x => x.denies === id).forEach(x => linked.add(x.id));
  document.querySelectorAll(".lit").forEach(n => n.classList.remove("lit"));
  for (const claim of linked) {
    document.querySelectorAll(`[data-claim="${CSS.escape(claim)}"]`)
      .forEach(n => n.classList.add("lit"));
  }
  const target = c && c.denies ? c.denies : id;
  const mark = document.querySelector(`mark[data-claim="${CSS.escape(target)}"]`);
  if (mark) mark.scrollIntoView({block: "nearest"});
}

document.getElementById("search").addEventListener("input", () => { shown = PAGE; filter(); });
document.getElementById("more").addEventListener("click", () => { shown += PAGE; drawList(); });
fillFilters();
filter();
const wanted = decodeURIComponent(location.hash.slice(1));
const start = ARTICLES.findIndex(a => a.id === wanted);
if (ARTICLES.length) show(start >= 0 ? start : 0);
"""
