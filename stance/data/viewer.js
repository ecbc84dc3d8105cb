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
