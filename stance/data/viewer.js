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

// The actor network: who accuses, denies and demands of whom. Inline SVG drawn here, so the
// page needs nothing from outside; names go in with textContent like every other text.
const SVG = "http://www.w3.org/2000/svg";
const RELATIONS = ["accuses", "denies", "demands"];

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) {
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function drawNetwork(a, colours) {
  const names = new Map(a.actors.map(x => [x.id, x.name]));
  const edges = (a.relations || []).filter(r =>
    names.has(r.source) && names.has(r.target) && r.source !== r.target);
  if (!edges.length) return null;
  const ids = [...new Set(edges.flatMap(r => [r.source, r.target]))];
  const W = 420, H = 260, R = 11;
  const at = new Map(ids.map((id, i) => {
    const angle = Math.PI + 2 * Math.PI * i / ids.length;  // the first actor on the left
    return [id, [W / 2 + 145 * Math.cos(angle), 128 + 92 * Math.sin(angle)]];
  }));
  const box = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", id: "network-graph"});
  box.appendChild(svg("defs", {}, ...RELATIONS.map(rel => svg("marker", {
    id: `arrow-${rel}`, class: `rel-${rel}`, viewBox: "0 0 10 10", refX: "10", refY: "5",
    markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse"},
    svg("path", {d: "M0,0 L10,5 L0,10 z"})))));
  const seen = new Map();  // source>target -> edges drawn so far: each next one bends more
  for (const r of edges) {
    const pair = r.source + ">" + r.target, k = seen.get(pair) || 0;
    seen.set(pair, k + 1);
    const [sx, sy] = at.get(r.source), [ex, ey] = at.get(r.target);
    const len = Math.hypot(ex - sx, ey - sy) || 1;
    const bend = 2 * (22 + 24 * k);  // to the left of the direction: A->B and B->A part
    const cx = (sx + ex) / 2 - (ey - sy) / len * bend, cy = (sy + ey) / 2 + (ex - sx) / len * bend;
    const trim = (px, py, qx, qy, by) => {
      const d = Math.hypot(qx - px, qy - py) || 1;
      return [px + (qx - px) / d * by, py + (qy - py) / d * by];
    };
    const [x1, y1] = trim(sx, sy, cx, cy, R + 2), [x2, y2] = trim(ex, ey, cx, cy, R + 3);
    const mx = (x1 + 2 * cx + x2) / 4, my = (y1 + 2 * cy + y2) / 4;
    const label = r.relation + (r.evidence.length > 1 ? ` ×${r.evidence.length}` : "");
    const edge = svg("g", {class: `edge rel-${r.relation}`, "data-source": r.source,
      "data-target": r.target, "data-relation": r.relation},
      svg("title", {}, `${names.get(r.source)} ${r.relation} ${names.get(r.target)}: ` +
        r.evidence.join(", ")),
      svg("path", {d: `M${x1},${y1} Q${cx},${cy} ${x2},${y2}`,
        "marker-end": `url(#arrow-${r.relation})`}),
      svg("text", {x: mx, y: my, "text-anchor": "middle", class: "label"}, label));
    edge.addEventListener("click", () => lightAll(r.evidence));
    box.appendChild(edge);
  }
  for (const id of ids) {
    const [x, y] = at.get(id), name = names.get(id);
    box.appendChild(svg("g", {class: "node", "data-actor": id},
      svg("title", {}, name),
      svg("circle", {cx: x, cy: y, r: R, fill: colours.get(id) || "#ddd"}),
      svg("text", {x: x, y: y < 100 ? y - R - 6 : y + R + 14, "text-anchor": "middle"},
        name.length > 24 ? name.slice(0, 23) + "…" : name)));
  }
  return el("section", {id: "network"},
    el("h3", {}, "Who accuses, denies and demands of whom"), box,
    el("p", {class: "muted"}, "Found by code from the claims; click an arrow for its claims."));
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
      el("div", {class: "grid"}, drawText(a, colours),
        el("div", {class: "side"}, drawNetwork(a, colours), drawActors(a, colours))),
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
  lightAll([...linked], c && c.denies ? c.denies : id);
}

function lightAll(ids, scrollTo) {
  // These claims light up, in the text and in their actors' panels; one is scrolled to.
  document.querySelectorAll(".lit").forEach(n => n.classList.remove("lit"));
  for (const claim of ids) {
    document.querySelectorAll(`[data-claim="${CSS.escape(claim)}"]`)
      .forEach(n => n.classList.add("lit"));
  }
  const first = scrollTo || ids[0];
  const mark = first && document.querySelector(`mark[data-claim="${CSS.escape(first)}"]`);
  if (mark) mark.scrollIntoView({block: "nearest"});
}

document.getElementById("search").addEventListener("input", () => { shown = PAGE; filter(); });
document.getElementById("more").addEventListener("click", () => { shown += PAGE; drawList(); });
fillFilters();
filter();
const wanted = decodeURIComponent(location.hash.slice(1));
const start = ARTICLES.findIndex(a => a.id === wanted);
if (ARTICLES.length) show(start >= 0 ? start : 0);
