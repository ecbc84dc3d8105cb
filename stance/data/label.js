"use strict";
// The labelling page (stance label). Text is only ever inserted with textContent.
const DATA = JSON.parse(document.getElementById("stance-data").textContent);
const ARTICLES = DATA.articles, VOCAB = DATA.vocab;
const PALETTE = ["#ffd166", "#8ecae6", "#b5e48c", "#f4a3a8", "#cdb4db", "#f9c784", "#a0e7e5",
  "#ffadad", "#caffbf", "#bdb2ff", "#fdffb6", "#d0d1ff"];
const QUOTES = "\"\u201c\u201d\u00ab\u00bb\u2018\u2019'";
const KINDS = ["add", "delete", "speaker", "actor", "type", "hedged", "stance", "link"];
let current = 0, selected = null, linkFrom = null, discardArmed = null;
let state = null;

const $ = id => document.getElementById(id);

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

function status(message) { $("status").textContent = message; }
function article() { return ARTICLES[current]; }
function storageKey(a) { return `stance-label:${a.id}:${a.hash}`; }

function fresh(a) {
  // The prediction, as the starting gold.
  return {actors: a.actors.map(x => ({...x, mentions: [...x.mentions]})),
    claims: a.claims.map(c => ({...c})), note: "", hardCases: "", covers: [],
    next: 1, corrections: Object.fromEntries(KINDS.map(k => [k, 0]))};
}

function stored(a) {
  try {
    const raw = localStorage.getItem(storageKey(a));
    return raw ? JSON.parse(raw) : null;
  } catch (err) { return null; }
}

function persist() {
  try { localStorage.setItem(storageKey(article()), JSON.stringify(state)); }
  catch (err) { status("could not keep your work in this browser: " + err.message); }
}

function changed(kind) {
  if (kind) state.corrections[kind] += 1;
  persist();
}

function claimsInOrder() {
  return [...state.claims].sort((x, y) => x.start - y.start || x.end - y.end);
}
function claimById(id) { return state.claims.find(c => c.id === id) || null; }
function actorById(id) { return state.actors.find(x => x.id === id) || null; }
function actorName(id) { const x = actorById(id); return x ? x.name : "no speaker"; }
function colour(id) {
  const i = state.actors.findIndex(x => x.id === id);
  return i < 0 ? "#e0e0e0" : PALETTE[i % PALETTE.length];
}

// --- drawing -------------------------------------------------------------------------

function drawText() {
  // The box holds the article's characters and nothing else, so a selection's offsets are
  // the length of the text before it. Overlaps are cut: every character is drawn once.
  const a = article(), box = $("text");
  box.replaceChildren();
  let at = 0;
  for (const c of claimsInOrder()) {
    const start = Math.max(c.start, at);
    if (start >= c.end) continue;
    if (start > at) box.appendChild(document.createTextNode(a.text.slice(at, start)));
    box.appendChild(el("mark", {class: "claim" + (c.type === "denial" ? " denial" : ""),
      "data-claim": c.id, style: `background:${colour(c.claimer)}`,
      title: `${c.id} · ${actorName(c.claimer)} · ${c.type}`,
      onclick: () => { if (window.getSelection().isCollapsed) pick(c.id); }},
      a.text.slice(start, c.end)));
    at = c.end;
  }
  box.appendChild(document.createTextNode(a.text.slice(at)));
}

function drawClaims() {
  const list = $("claims");
  list.replaceChildren();
  for (const c of claimsInOrder()) {
    const quote = article().text.slice(c.start, c.end);
    list.appendChild(el("li", {"data-claim": c.id, onclick: () => pick(c.id)},
      el("span", {class: "swatch", style: `background:${colour(c.claimer)}`}),
      el("span", {class: "mono"}, c.id), " ", el("b", {}, actorName(c.claimer)), " · ",
      el("span", {class: "type"}, c.type + (c.hedged ? " · hedged" : "")),
      c.polarity ? ` · ${c.polarity} ${c.stance_target}` : "",
      c.denies ? el("span", {class: "link"}, ` · denies ${c.denies}`) : null,
      el("div", {class: "quote"}, "\u201c", quote, "\u201d")));
  }
  $("claim-count").textContent = `(${state.claims.length})`;
}

function drawList() {
  const list = $("list");
  list.replaceChildren();
  ARTICLES.forEach((a, i) => {
    const s = i === current ? state : stored(a);
    const claims = s ? s.claims.length : a.claims.length;
    const edits = s ? KINDS.reduce((n, k) => n + s.corrections[k], 0) : 0;
    list.appendChild(el("li", {class: i === current ? "current" : "", "data-index": String(i),
      onclick: () => openArticle(i)}, el("div", {class: "title"}, a.title || a.id),
      el("div", {class: "sub"}, `${a.id} · ${claims} claims · ${edits} corrections`)));
  });
}

function drawArticleFields() {
  $("note").value = state.note;
  $("hard-cases").value = state.hardCases;
  const box = $("covers");
  box.replaceChildren(el("span", {class: "muted"}, "covers: "));
  for (const tag of VOCAB.covers) {
    const input = el("input", {type: "checkbox", value: tag, onchange: () => {
      state.covers = VOCAB.covers.filter(t => box.querySelector(`input[value="${t}"]`).checked);
      changed(null);
    }});
    input.checked = state.covers.includes(tag);
    box.appendChild(el("label", {class: "check"}, input, tag));
  }
}

function drawCorrections() {
  const c = state.corrections;
  $("corrections").textContent = "corrections: " + KINDS.map(k => `${c[k]} ${k}`).join(", ");
}

function options(select, values, chosen) {
  select.replaceChildren(...values.map(([value, label]) => {
    const option = el("option", {value}, label);
    option.selected = value === chosen;
    return option;
  }));
}

function drawEditor() {
  const c = selected ? claimById(selected) : null;
  $("editor").hidden = !c;
  document.querySelectorAll(".picked").forEach(n => n.classList.remove("picked"));
  if (!c) return;
  document.querySelectorAll(`[data-claim="${CSS.escape(c.id)}"]`)
    .forEach(n => n.classList.add("picked"));
  $("ed-id").textContent = c.id;
  $("ed-quote").textContent = "\u201c" + article().text.slice(c.start, c.end) + "\u201d";
  const actors = [...state.actors].sort((x, y) => x.name.localeCompare(y.name));
  options($("ed-speaker"), [["", "\u2014 choose a speaker \u2014"],
    ...actors.map(x => [x.id, x.name])], c.claimer || "");
  const speaker = actorById(c.claimer);
  options($("ed-kind"), VOCAB.kinds.map(k => [k, k]), speaker ? speaker.kind : "");
  $("ed-name").value = speaker ? speaker.name : "";
  $("ed-role").value = speaker ? speaker.role || "" : "";
  $("ed-affiliation").value = speaker ? speaker.affiliation || "" : "";
  $("ed-mentions").value = speaker ? speaker.mentions.join("\n") : "";
  for (const id of ["ed-kind", "ed-name", "ed-role", "ed-affiliation", "ed-mentions"]) {
    $(id).disabled = !speaker;
  }
  options($("ed-type"), VOCAB.types.map(t => [t, t]), c.type);
  $("ed-hedged").checked = c.hedged;
  $("ed-target").value = c.stance_target;
  options($("ed-polarity"), [["", "no stance"], ...VOCAB.polarities.map(p => [p, p])],
    c.polarity);
  const denied = c.denies ? claimById(c.denies) : null;
  $("ed-link").textContent = denied
    ? `denies ${denied.id} (${actorName(denied.claimer)}): \u201c` +
      article().text.slice(denied.start, denied.end) + "\u201d" : "";
  const mark = document.querySelector(`mark[data-claim="${CSS.escape(c.id)}"]`);
  if (mark) mark.scrollIntoView({block: "nearest"});
}

function render() {
  drawText(); drawClaims(); drawList(); drawCorrections(); drawEditor();
}

// --- actions ---------------------------------------------------------------------------

function pick(id) {
  if (linkFrom !== null) { link(id); return; }
  selected = id;
  drawEditor();
}

function offsetIn(box, node, offset) {
  if (!box.contains(node)) return null;
  const range = document.createRange();
  range.setStart(box, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

function addFromSelection() {
  const sel = window.getSelection(), text = article().text, box = $("text");
  if (!sel.rangeCount || sel.isCollapsed) {
    status("select the words of a claim in the text first"); return;
  }
  const range = sel.getRangeAt(0);
  let start = offsetIn(box, range.startContainer, range.startOffset);
  let end = offsetIn(box, range.endContainer, range.endOffset);
  if (start === null || end === null) { status("select text inside the article"); return; }
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  if (start >= end) { status("the selection holds no words"); return; }
  if (text.slice(start, end).includes("\n\n")) {
    status("a claim cannot cross a paragraph break: add one claim per paragraph"); return;
  }
  const same = state.claims.find(c => c.start === start && c.end === end);
  if (same) { status(`${same.id} already has exactly this span`); pick(same.id); return; }
  const direct = QUOTES.includes(text[start - 1] || "") || QUOTES.includes(text[end] || "");
  const claim = {id: "n" + state.next, claimer: null, type: "assertion",
    attribution: direct ? "direct" : "indirect", cue: "", start, end, proposition: "",
    target: "", topic: "", hedged: false, denies: null, stance_target: "", polarity: ""};
  state.next += 1;
  state.claims.push(claim);
  sel.removeAllRanges();
  selected = claim.id;
  changed("add");
  render();
  status(`added ${claim.id} (${start}\u2013${end}): choose its speaker`);
}

function deleteSelected() {
  const c = selected ? claimById(selected) : null;
  if (!c) { status("select a claim to delete"); return; }
  const order = claimsInOrder().map(x => x.id);
  const at = order.indexOf(c.id);
  state.claims = state.claims.filter(x => x.id !== c.id);
  state.claims.forEach(x => { if (x.denies === c.id) x.denies = null; });
  selected = order[at + 1] || order[at - 1] || null;
  changed("delete");
  render();
  status(`deleted ${c.id}`);
}

function startLink() {
  if (!selected) { status("select the denial first, then press l"); return; }
  linkFrom = selected;
  document.body.classList.add("linking");
  status(`click the claim that ${linkFrom} denies (Esc to cancel)`);
}

function stopLink() { linkFrom = null; document.body.classList.remove("linking"); }

function link(targetId) {
  const from = claimById(linkFrom);
  stopLink();
  if (!from || targetId === from.id) { status("a claim cannot deny itself"); return; }
  from.denies = targetId;
  const retyped = from.type !== "denial";
  from.type = "denial";
  selected = from.id;
  changed("link");
  render();
  status(`${from.id} denies ${targetId}` + (retyped ? " (its type is now denial)" : ""));
}

function unlink() {
  const c = selected ? claimById(selected) : null;
  if (!c || !c.denies) return;
  c.denies = null;
  changed("link");
  render();
}

function edit(field, value, kind) {
  const c = selected ? claimById(selected) : null;
  if (!c) return;
  const had = c[field];
  c[field] = value;
  if (field === "type" && value !== "denial" && c.denies) {
    c.denies = null;
    status(`${c.id} is no longer a denial: its link is removed`);
  }
  changed(field === "claimer" && !had ? null : kind);
  render();
}

function newActor() {
  const name = $("ed-new-actor").value.trim();
  if (!selected || !name) { status("select a claim and type the new actor's name"); return; }
  let actor = state.actors.find(x => x.name.toLowerCase() === name.toLowerCase());
  if (!actor) {
    actor = {id: "x" + state.next, name, kind: "person", role: null, affiliation: null,
      mentions: article().text.includes(name) ? [name] : []};
    state.next += 1;
    state.actors.push(actor);
  }
  $("ed-new-actor").value = "";
  edit("claimer", actor.id, "speaker");
}

function move(step) {
  const order = claimsInOrder().map(c => c.id);
  if (!order.length) return;
  const at = order.indexOf(selected);
  selected = order[at < 0 ? 0 : (at + step + order.length) % order.length];
  drawEditor();
}

function goldFile() {
  // The gold format of stance.evaluation.gold: ids renumbered in text order.
  const a = article(), claims = claimsInOrder(), problems = [];
  const actorIds = new Map(), claimIds = new Map(claims.map((c, i) => [c.id, "c" + (i + 1)]));
  for (const c of claims) {
    if (!actorById(c.claimer)) problems.push(`${c.id} has no speaker`);
    else if (!actorIds.has(c.claimer)) actorIds.set(c.claimer, "a" + (actorIds.size + 1));
    if (c.polarity && !c.stance_target.trim()) problems.push(`${c.id}: a stance needs a target`);
  }
  if (problems.length) return {problems};
  const stances = new Map();
  for (const c of claims.filter(x => x.polarity)) {
    const key = JSON.stringify([c.claimer, c.stance_target.trim(), c.polarity]);
    if (!stances.has(key)) stances.set(key, {holder: actorIds.get(c.claimer),
      target: c.stance_target.trim(), polarity: c.polarity, evidence: [], basis: "claims"});
    stances.get(key).evidence.push(claimIds.get(c.id));
  }
  const gold = {id: a.id, title: a.title, covers: state.covers, note: state.note.trim(),
    actors: [...actorIds].map(([old, id]) => {
      const x = actorById(old);
      return {id, name: x.name, kind: x.kind, role: x.role, affiliation: x.affiliation,
        mentions: x.mentions.filter(m => a.text.includes(m))};
    }),
    claims: claims.map(c => ({id: claimIds.get(c.id), claimer: actorIds.get(c.claimer),
      type: c.type, attribution: c.attribution, cue: c.cue, quote: a.text.slice(c.start, c.end),
      start: c.start, end: c.end, proposition: c.proposition, target: c.target, topic: c.topic,
      hedged: c.hedged, denies: c.denies ? claimIds.get(c.denies) || null : null})),
    stances: [...stances.values()],
    hard_cases: state.hardCases.split("\n").map(x => x.trim()).filter(Boolean)};
  return {gold};
}

function save() {
  const {gold, problems} = goldFile();
  if (problems) { status("not saved: " + problems.join("; ")); return; }
  const name = article().id + ".gold.json", json = JSON.stringify(gold, null, 2) + "\n";
  const url = URL.createObjectURL(new Blob([json], {type: "application/json"}));
  const anchor = el("a", {href: url, download: name, hidden: true});
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  window.__lastSave = {name, json};  // what was saved, for tests and scripted sessions
  status(`saved ${name}: ${gold.claims.length} claims, ${gold.actors.length} actors`);
}

function discard() {
  if (discardArmed === null) {
    $("discard").textContent = "Click again to discard";
    discardArmed = setTimeout(() => { discardArmed = null;
      $("discard").textContent = "Discard my changes"; }, 4000);
    return;
  }
  clearTimeout(discardArmed);
  discardArmed = null;
  $("discard").textContent = "Discard my changes";
  try { localStorage.removeItem(storageKey(article())); } catch (err) { /* nothing kept */ }
  openArticle(current);
  status("changes discarded: back to the prediction");
}

function openArticle(i) {
  current = (i + ARTICLES.length) % ARTICLES.length;
  const a = article();
  state = stored(a) || fresh(a);
  selected = null;
  stopLink();
  $("title").textContent = a.title || a.id;
  drawArticleFields();
  render();
  status("");
  if (location.hash !== "#" + encodeURIComponent(a.id)) {
    history.replaceState(null, "", "#" + encodeURIComponent(a.id));
  }
}

// --- wiring ----------------------------------------------------------------------------

function onKey(event) {
  const tag = event.target.tagName;
  if (["INPUT", "SELECT", "TEXTAREA"].includes(tag) || event.ctrlKey || event.metaKey ||
      event.altKey) return;
  const actions = {a: addFromSelection, d: deleteSelected, Delete: deleteSelected,
    l: startLink, s: save, j: () => move(1), k: () => move(-1),
    n: () => openArticle(current + 1), p: () => openArticle(current - 1),
    Escape: () => { stopLink(); status(""); }};
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

function wire() {
  $("add").addEventListener("click", addFromSelection);
  $("save").addEventListener("click", save);
  $("discard").addEventListener("click", discard);
  $("ed-speaker").addEventListener("change", e => edit("claimer", e.target.value || null,
    "speaker"));
  $("ed-add-actor").addEventListener("click", newActor);
  $("ed-new-actor").addEventListener("keydown", e => { if (e.key === "Enter") newActor(); });
  const actorField = (id, apply) => $(id).addEventListener("change", e => {
    const c = claimById(selected), x = c ? actorById(c.claimer) : null;
    if (!x) return;
    apply(x, e.target.value);
    changed("actor");
    render();
  });
  actorField("ed-kind", (x, v) => { x.kind = v; });
  actorField("ed-name", (x, v) => { if (v.trim()) x.name = v.trim(); });
  actorField("ed-role", (x, v) => { x.role = v.trim() || null; });
  actorField("ed-affiliation", (x, v) => { x.affiliation = v.trim() || null; });
  actorField("ed-mentions", (x, v) => {
    x.mentions = [...new Set(v.split("\n").map(m => m.trim()).filter(Boolean))];
    const absent = x.mentions.filter(m => !article().text.includes(m));
    if (absent.length) status("not in the text, left out when saving: " + absent.join(", "));
  });
  $("ed-type").addEventListener("change", e => edit("type", e.target.value, "type"));
  $("ed-hedged").addEventListener("change", e => edit("hedged", e.target.checked, "hedged"));
  $("ed-target").addEventListener("change", e => edit("stance_target", e.target.value,
    "stance"));
  $("ed-polarity").addEventListener("change", e => edit("polarity", e.target.value, "stance"));
  $("ed-link-mode").addEventListener("click", startLink);
  $("ed-unlink").addEventListener("click", unlink);
  $("ed-delete").addEventListener("click", deleteSelected);
  $("note").addEventListener("input", e => { state.note = e.target.value; changed(null); });
  $("hard-cases").addEventListener("input", e => {
    state.hardCases = e.target.value; changed(null);
  });
  document.addEventListener("keydown", onKey);
  $("shortcuts").replaceChildren(...DATA.shortcuts.flatMap(([keys, what]) =>
    [el("dt", {}, el("kbd", {}, keys)), el("dd", {}, what)]));
}

wire();
const wanted = decodeURIComponent(location.hash.slice(1));
if (ARTICLES.length) openArticle(Math.max(0, ARTICLES.findIndex(a => a.id === wanted)));
