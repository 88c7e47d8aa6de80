// wirewatch's web page: a plain ES module over the JSON API under /api/v1.
// The page's whole state lives in its URL (see readState and writeState),
// so a URL shared is the same search. No framework, no build step.

const $ = (sel) => document.querySelector(sel);
const colours = ["#1f6feb", "#d9480f", "#2b8a3e", "#9c36b5"];
const MAX_COMPARE = 4;

// ---- state ----------------------------------------------------------------

const state = {
  q: "", range: "", since: "", until: "", sort: "relevance", all: false,
  interval: "day", measure: "count", compare: [], article: "", live: false,
};

function readState() {
  const p = new URLSearchParams(location.search);
  state.q = p.get("q") || "";
  state.range = p.get("range") || "";
  state.since = p.get("since") || "";
  state.until = p.get("until") || "";
  state.sort = p.get("sort") || "relevance";
  state.all = p.get("all") === "1";
  state.interval = p.get("interval") || "day";
  state.measure = p.get("measure") || "count";
  state.compare = p.getAll("cmp").slice(0, MAX_COMPARE - 1);
  state.article = p.get("article") || "";
  state.live = p.get("live") === "1";
}

function writeState(push) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  if (state.range) p.set("range", state.range);
  if (state.range === "custom" || state.range === "zoom") {
    if (state.since) p.set("since", state.since);
    if (state.until) p.set("until", state.until);
  }
  if (state.sort !== "relevance") p.set("sort", state.sort);
  if (state.all) p.set("all", "1");
  if (state.interval !== "day") p.set("interval", state.interval);
  if (state.measure !== "count") p.set("measure", state.measure);
  for (const c of state.compare) p.append("cmp", c);
  if (state.article) p.set("article", state.article);
  if (state.live) p.set("live", "1");
  const url = p.toString() ? "?" + p.toString() : location.pathname;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

// dateBounds turns the range into since/until parameters (UTC days or
// RFC 3339 times).
function dateBounds() {
  if (state.range === "custom" || state.range === "zoom") {
    return { since: state.since, until: state.until };
  }
  const m = /^(\d+)d$/.exec(state.range);
  if (!m) return { since: "", until: "" };
  const t = new Date(Date.now() - Number(m[1]) * 86400000);
  return { since: t.toISOString().replace(/\.\d+Z$/, "Z"), until: "" };
}

// ---- API ------------------------------------------------------------------

let token = sessionStorage.getItem("wirewatch-token") || "";

function headers(extra) {
  const h = Object.assign({}, extra);
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

// askToken shows the token dialog and resolves once one is given.
function askToken() {
  const dlg = $("#token-dialog");
  return new Promise((resolve) => {
    $("#token-form").onsubmit = () => {
      token = $("#token").value.trim();
      sessionStorage.setItem("wirewatch-token", token);
      resolve();
    };
    if (!dlg.open) dlg.showModal();
  });
}

// api calls the API; a problem answer is thrown as an Error carrying it.
async function api(path, opts = {}) {
  for (;;) {
    const res = await fetch("/api/v1/" + path, Object.assign({}, opts, { headers: headers(opts.headers) }));
    if (res.status === 401) {
      await askToken();
      continue;
    }
    const ct = res.headers.get("Content-Type") || "";
    if (!res.ok) {
      const problem = ct.includes("json") ? await res.json() : { title: res.statusText, detail: await res.text() };
      const err = new Error(problem.detail || problem.title);
      err.problem = problem;
      throw err;
    }
    if (res.status === 204) return null;
    return ct.includes("json") ? res.json() : res;
  }
}

function params(extra) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  const b = dateBounds();
  if (b.since) p.set("since", b.since);
  if (b.until) p.set("until", b.until);
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

// ---- small DOM helpers ----------------------------------------------------

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) {
    if (k === null || k === undefined) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function fmtDate(s) {
  return s ? s.slice(0, 10) : "undated";
}

// snippet renders a snippet whose matches the stores mark with [brackets].
function snippet(text) {
  const p = el("p", { class: "snippet" });
  const parts = (text || "").split(/\[([^\]]*)\]/);
  parts.forEach((part, i) => p.append(i % 2 ? el("mark", {}, part) : document.createTextNode(part)));
  return p;
}

// ---- query errors and completion -----------------------------------------

function showQueryError(problem) {
  const box = $("#q-error");
  const input = $("#q");
  if (!problem) {
    box.hidden = true;
    input.removeAttribute("aria-invalid");
    return;
  }
  box.hidden = false;
  box.textContent = "";
  if (problem.position && problem.query !== undefined && problem.param === "q") {
    const at = problem.position - 1;
    const q = problem.query;
    box.append(el("span", {}, `Column ${problem.position}: ${problem.detail}`), el("br"),
      el("code", { class: "errq" }, q.slice(0, at), el("mark", { class: "bad" }, q.slice(at, at + 1) || " "), q.slice(at + 1)));
    input.setAttribute("aria-invalid", "true");
    input.focus();
    input.setSelectionRange(at, Math.min(q.length, at + 1));
  } else {
    box.textContent = problem.detail || problem.title;
  }
}

// completedFields are the query fields whose values complete, named as
// the suggest API names them. Only the names are listed here: the values
// come from the server, the fixed ones of closedFields from the query
// language's own lists, which the suggest API answers with.
const completedFields = ["person", "place", "org", "site", "event.actor", "event", "event.kind", "event.status"];
// closedFields have a few fixed values, listed as soon as the colon is
// typed; the others wait for a first letter.
const closedFields = new Set(["event", "event.kind", "event.status"]);
const tokenPattern = new RegExp(`(?:^|\\s)-?(${completedFields.map((f) => f.replace(".", "\\.")).join("|")}):("?)([^"\\s]*)$`);
let suggestTimer = 0;
let suggestIndex = -1;
let suggestSeq = 0;

// currentToken finds the field:prefix the caret is in (excluded with a
// leading - too).
function currentToken() {
  const input = $("#q");
  const upto = input.value.slice(0, input.selectionStart);
  const m = tokenPattern.exec(upto);
  if (!m) return null;
  return { field: m[1], quoted: m[2] === '"', prefix: m[3], start: upto.length - m[3].length - m[2].length };
}

function closeSuggest() {
  $("#suggest").hidden = true;
  $("#q").setAttribute("aria-expanded", "false");
  $("#q").removeAttribute("aria-activedescendant");
  suggestIndex = -1;
}

async function suggest() {
  const tok = currentToken();
  // An answer to an earlier keystroke that arrives late is dropped.
  const seq = ++suggestSeq;
  if (!tok || (tok.prefix.length < 1 && !closedFields.has(tok.field))) return closeSuggest();
  let res;
  try {
    res = await api("suggest?" + new URLSearchParams({ field: tok.field, prefix: tok.prefix, limit: "8" }));
  } catch {
    return closeSuggest();
  }
  if (seq !== suggestSeq) return;
  const list = $("#suggest");
  list.textContent = "";
  res.suggestions.forEach((s, i) => {
    list.append(el("li", {
      id: "sug-" + i, role: "option", "data-value": s.value,
      onmousedown: (ev) => { ev.preventDefault(); pickSuggestion(s.value); },
    }, s.value, el("span", { class: "count" }, String(s.count))));
  });
  list.hidden = res.suggestions.length === 0;
  $("#q").setAttribute("aria-expanded", String(!list.hidden));
  suggestIndex = -1;
}

function pickSuggestion(value) {
  const input = $("#q");
  const tok = currentToken();
  if (!tok) return;
  const v = /\s/.test(value) ? `"${value}"` : value;
  const rest = input.value.slice(input.selectionStart).replace(/^[^\s]*/, "");
  input.value = input.value.slice(0, tok.start) + v + (rest.startsWith(" ") ? rest : " " + rest.trimStart());
  const caret = tok.start + v.length + 1;
  input.setSelectionRange(caret, caret);
  closeSuggest();
}

function moveSuggestion(delta) {
  const items = [...$("#suggest").children];
  if (!items.length) return;
  suggestIndex = (suggestIndex + delta + items.length) % items.length;
  items.forEach((li, i) => li.setAttribute("aria-selected", String(i === suggestIndex)));
  $("#q").setAttribute("aria-activedescendant", items[suggestIndex].id);
}

// ---- search ---------------------------------------------------------------

let nextCursor = "";
let searchSeq = 0;

async function search(push) {
  writeState(push);
  syncControls();
  const seq = ++searchSeq;
  const col = $("#results-col");
  col.setAttribute("aria-busy", "true");
  try {
    await runSearch(seq);
  } finally {
    if (seq === searchSeq) col.setAttribute("aria-busy", "false");
  }
}

async function runSearch(seq) {
  const p = params({ facets: "1", timeline: state.interval, sort: state.sort, limit: "20" });
  if (state.all) p.set("all", "1");
  let res;
  try {
    res = await api("search?" + p);
  } catch (err) {
    if (seq !== searchSeq) return;
    showQueryError(err.problem || { detail: err.message });
    $("#summary").textContent = "No results";
    return;
  }
  if (seq !== searchSeq) return;
  showQueryError(null);
  nextCursor = res.next_cursor || "";
  $("#hits").textContent = "";
  renderHits(res.hits);
  $("#more").hidden = !nextCursor;
  $("#summary").textContent = `${res.total} matching article${res.total === 1 ? "" : "s"}` +
    (state.all ? "" : `, ${res.hits.length}${nextCursor ? "+" : ""} stor${res.hits.length === 1 ? "y" : "ies"} shown`);
  renderFacets(res.facets);
  await renderTimeline(res.timeline || []);
  startLive();
}

async function more() {
  const p = params({ sort: state.sort, limit: "20", cursor: nextCursor });
  if (state.all) p.set("all", "1");
  const res = await api("search?" + p);
  nextCursor = res.next_cursor || "";
  renderHits(res.hits);
  $("#more").hidden = !nextCursor;
}

function hitRow(h, fresh) {
  const li = el("li", { class: "hit" + (fresh ? " fresh" : ""), "data-id": h.id });
  const title = el("a", { href: "?article=" + h.id, class: "title", onclick: (ev) => { ev.preventDefault(); openArticle(h.id, true); } }, h.title || h.url);
  const meta = el("p", { class: "meta" }, el("span", { class: "site" }, h.site), " · ", el("time", { datetime: h.published_at || "" }, fmtDate(h.published_at)));
  li.append(el("h3", {}, title), meta);
  const badges = eventBadges(h.events);
  if (badges) li.append(badges);
  li.append(snippet(h.snippet));
  if (h.copies > 1 && !state.all) {
    const n = h.copies - 1;
    const btn = el("button", { type: "button", class: "copies", "aria-expanded": "false" }, `+${n} ${n === 1 ? "copy" : "copies"}`);
    const list = el("ul", { class: "copy-list", hidden: true });
    btn.addEventListener("click", async () => {
      const open = btn.getAttribute("aria-expanded") === "true";
      btn.setAttribute("aria-expanded", String(!open));
      list.hidden = open;
      if (!open && !list.children.length) {
        const story = await api("stories/" + encodeURIComponent(h.story_id));
        for (const a of story.articles) {
          if (a.id === h.id) continue;
          list.append(el("li", {}, el("a", { href: "?article=" + a.id, onclick: (ev) => { ev.preventDefault(); openArticle(a.id, true); } }, a.title),
            " ", el("span", { class: "site" }, a.site), " ", fmtDate(a.published_at)));
        }
      }
    });
    meta.append(" · ", btn);
    li.append(list);
  }
  return li;
}

// roleName names an event's role: its entity's canonical name, else its
// words; "" when the event has no such role.
function roleName(r) {
  return r ? r.canonical || r.text : "";
}

// whoWhatWhere tells who withdraws what from where, leaving out the roles
// the event lacks ("Russia withdraws its troops from Moldova", "Russia
// withdraws from Moldova"); "" when it has none.
function whoWhatWhere(e) {
  const what = roleName(e.what), from = roleName(e.from);
  const verb = what || from ? ["withdraws", what].filter(Boolean).join(" ") : "";
  return [roleName(e.actor), verb, from && "from " + from].filter(Boolean).join(" ");
}

// eventBadges flags a hit's withdrawal events: one badge per distinct
// type and kind, marked "new" when any of its events is news in this
// article (what an alert on event:new-withdrawal fires on), its tooltip
// naming who withdraws from where for each event. A click searches for
// the kind. After the badges a line tells who withdraws what from where in
// the leading event (the first that is news, else the first), so that an
// analyst sees it in the list without opening the article, also on a
// touch screen, which shows no tooltip.
function eventBadges(events) {
  const groups = new Map();
  for (const e of events || []) {
    const label = `${e.type} · ${e.kind}`;
    if (!groups.has(label)) groups.set(label, { kind: e.kind, events: [] });
    groups.get(label).events.push(e);
  }
  if (!groups.size) return null;
  const box = el("p", { class: "ev-badges" });
  for (const [label, g] of groups) {
    const isNew = g.events.some((e) => e.new_announcement);
    const lines = g.events.map((e) => `${roleName(e.actor) || "actor not named"}${e.from ? " → " + roleName(e.from) : ""}` +
      ` (${e.status}${e.new_announcement ? ", new announcement" : ""})`);
    const term = `event.kind:${g.kind}`;
    box.append(el("button", {
      type: "button", class: "ev-badge" + (isNew ? " new" : ""), "data-kind": g.kind,
      title: lines.join("\n") + `\nClick to search ${term}`, onclick: () => addTerm(term),
    }, label, isNew ? [" ", el("span", { class: "ev-new" }, "new")] : null));
  }
  const lead = events.find((e) => e.new_announcement) || events[0];
  const who = whoWhatWhere(lead);
  if (who) box.append(el("span", { class: "ev-who" }, `${who} · ${lead.status}`));
  return box;
}

// addTerm adds a term to the query (dropping its exclusion, if any) and
// searches; a term already there just searches again.
function addTerm(term) {
  let q = removeTerm(state.q, "-" + term);
  if (!hasTerm(q, term)) q = (q + " " + term).trim();
  state.q = q;
  $("#q").value = q;
  search(true);
}

function renderHits(hits) {
  const ol = $("#hits");
  for (const h of hits) ol.append(hitRow(h));
}

// ---- facets ---------------------------------------------------------------

// facetFields are each facet of the search answer, the query field a
// click filters it by, and its heading.
const facetFields = [
  ["people", "person", "People"], ["places", "place", "Places"], ["organizations", "org", "Organisations"],
  ["sites", "site", "Sites"], ["languages", "lang", "Languages"],
  ["event_kinds", "event.kind", "Withdrawals"], ["event_actors", "event.actor", "Withdrawing"],
];

function quoteValue(v) {
  return /[\s"]/.test(v) ? `"${v.replaceAll('"', "")}"` : v;
}

// facetTerms are the terms with which q includes (field:value) or
// excludes (-field:value) a facet value.
function facetTerms(field, value) {
  const inc = `${field}:${quoteValue(value)}`;
  return { inc, exc: "-" + inc };
}

function hasTerm(q, term) {
  return (" " + q + " ").includes(" " + term + " ");
}

function removeTerm(q, term) {
  return (" " + q + " ").replace(" " + term + " ", " ").trim().replace(/\s+/g, " ");
}

function toggleFacet(field, value) {
  const { inc, exc } = facetTerms(field, value);
  let q = state.q;
  if (hasTerm(q, inc)) q = (removeTerm(q, inc) + " " + exc).trim();
  else if (hasTerm(q, exc)) q = removeTerm(q, exc);
  else q = (q + " " + inc).trim();
  state.q = q;
  $("#q").value = q;
  search(true);
}

// excludedValues are the values q excludes from field (-field:value or
// -field:"value"), each with its term as written, so that a click drops
// exactly that term.
function excludedValues(q, field) {
  const re = new RegExp(`(?:^|\\s)(-${field.replace(".", "\\.")}:(?:"([^"]*)"|([^\\s"]+)))(?=\\s|$)`, "g");
  return [...q.matchAll(re)].map((m) => ({ term: m[1], value: m[2] ?? m[3] }));
}

// dropTerm removes a term from the query and searches.
function dropTerm(term) {
  state.q = removeTerm(state.q, term);
  $("#q").value = state.q;
  search(true);
}

function renderFacets(f) {
  const box = $("#facet-list");
  box.textContent = "";
  if (!f) return;
  for (const [key, field, label] of facetFields) {
    const counts = f[key] || [];
    const sec = el("section", { class: "facet" }, el("h3", {}, label));
    const ul = el("ul");
    // A value the query excludes has no count (no match has it), so the
    // store's counts leave it out; it stays listed, struck through, so
    // that a click can drop the exclusion again.
    const excluded = excludedValues(state.q, field).filter((x) => !counts.some((c) => c.value === x.value));
    for (const c of counts) {
      const { inc, exc } = facetTerms(field, c.value);
      const mode = hasTerm(state.q, inc) ? "include" : hasTerm(state.q, exc) ? "exclude" : "";
      const label = `${c.value}, ${c.count} articles` + (mode ? `, ${mode}d` : "");
      ul.append(el("li", {}, el("button", {
        type: "button", class: "fv " + mode, "aria-pressed": mode ? "true" : "false", "aria-label": label, onclick: () => toggleFacet(field, c.value),
      }, el("span", { class: "v" }, c.value), el("span", { class: "count" }, String(c.count)))));
    }
    for (const x of excluded) {
      ul.append(el("li", {}, el("button", {
        type: "button", class: "fv exclude", "aria-pressed": "true", "aria-label": `${x.value}, excluded`, onclick: () => dropTerm(x.term),
      }, el("span", { class: "v" }, x.value), el("span", { class: "count" }, "excluded"))));
    }
    if (!counts.length && !excluded.length) ul.append(el("li", { class: "none" }, "—"));
    sec.append(ul);
    box.append(sec);
  }
}

// ---- timeline -------------------------------------------------------------

let timelineSeries = []; // [{name, colour, values[], counts[]}]
let periods = [];        // bucket starts (ISO strings)

async function renderTimeline(buckets) {
  const bounds = dateBounds();
  if (state.compare.length) {
    const queries = [{ name: state.q || "everything", q: state.q }].concat(state.compare.map((c) => ({ name: c || "everything", q: c })));
    try {
      const res = await api("compare", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ queries, interval: state.interval, since: bounds.since, until: bounds.until }),
      });
      periods = res.periods;
      timelineSeries = res.series.map((s, i) => ({ name: s.name, colour: colours[i], counts: s.counts, values: state.measure === "share" ? s.shares : s.counts, total: s.total }));
    } catch (err) {
      showQueryError(err.problem || { detail: err.message });
      return;
    }
  } else {
    periods = buckets.map((b) => b.start);
    timelineSeries = [{ name: state.q || "everything", colour: colours[0], counts: buckets.map((b) => b.count), values: buckets.map((b) => state.measure === "share" ? b.share : b.count) }];
  }
  drawTimeline();
}

function periodEnd(start) {
  const d = new Date(start);
  if (state.interval === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCDate(d.getUTCDate() + (state.interval === "week" ? 7 : 1));
  return new Date(d.getTime() - 1000);
}

function drawTimeline() {
  const chart = $("#timeline");
  chart.textContent = "";
  const W = 800, H = 160, pad = 24;
  chart.setAttribute("viewBox", `0 0 ${W} ${H + pad}`);
  const legend = $("#legend");
  legend.textContent = "";
  if (timelineSeries.length > 1) {
    timelineSeries.forEach((s) => legend.append(el("span", { class: "key" }, el("i", { class: "swatch", "data-colour": s.colour }), `${s.name} (${s.total})`)));
    legend.querySelectorAll(".swatch").forEach((i) => { i.style.background = i.dataset.colour; });
  }
  const n = periods.length;
  if (!n) {
    const t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" });
    t.textContent = "No matching articles";
    chart.append(t);
    return;
  }
  const max = Math.max(1e-9, ...timelineSeries.flatMap((s) => s.values));
  const slot = W / n;
  const k = timelineSeries.length;
  const barW = Math.max(1, (slot * 0.8) / k);
  const desc = [];
  periods.forEach((p, i) => {
    timelineSeries.forEach((s, j) => {
      const v = s.values[i] || 0;
      const h = (v / max) * (H - 10);
      const r = svg("rect", { x: i * slot + slot * 0.1 + j * barW, y: H - h, width: barW, height: Math.max(h, v > 0 ? 1 : 0), fill: s.colour, class: "bar", "data-i": i });
      const title = svg("title");
      title.textContent = `${fmtDate(p)}: ${s.counts[i]} articles` + (state.measure === "share" ? ` (${(v * 100).toFixed(1)}%)` : "") + (k > 1 ? ` — ${s.name}` : "");
      r.append(title);
      chart.append(r);
    });
    // A transparent hit area per period makes clicking easy.
    chart.append(svg("rect", { x: i * slot, y: 0, width: slot, height: H, class: "hit-area", "data-i": i }));
    if (n <= 12 || i % Math.ceil(n / 8) === 0) {
      const t = svg("text", { x: i * slot + slot / 2, y: H + 16, "text-anchor": "middle", class: "tick" });
      t.textContent = state.interval === "month" ? p.slice(0, 7) : p.slice(5, 10);
      chart.append(t);
    }
    desc.push(`${fmtDate(p)} ${timelineSeries.map((s) => s.counts[i]).join("/")}`);
  });
  chart.setAttribute("aria-label", "Timeline: " + desc.slice(0, 60).join(", "));
  const sel = svg("rect", { class: "selection", x: 0, y: 0, width: 0, height: H, visibility: "hidden" });
  chart.append(sel);
  bindZoom(chart, slot, sel);
}

// bindZoom zooms the dates to a clicked period or a dragged range.
function bindZoom(chart, slot, sel) {
  let from = -1;
  const index = (ev) => {
    const box = chart.getBoundingClientRect();
    const x = ((ev.clientX - box.left) / box.width) * 800;
    return Math.max(0, Math.min(periods.length - 1, Math.floor(x / slot)));
  };
  chart.onpointerdown = (ev) => {
    from = index(ev);
    chart.setPointerCapture(ev.pointerId);
  };
  chart.onpointermove = (ev) => {
    if (from < 0) return;
    const to = index(ev);
    const a = Math.min(from, to), b = Math.max(from, to);
    sel.setAttribute("x", a * slot);
    sel.setAttribute("width", (b - a + 1) * slot);
    sel.setAttribute("visibility", "visible");
  };
  chart.onpointerup = (ev) => {
    if (from < 0) return;
    const to = index(ev);
    const a = Math.min(from, to), b = Math.max(from, to);
    from = -1;
    zoomTo(periods[a], periodEnd(periods[b]).toISOString().replace(/\.\d+Z$/, "Z"));
  };
}

function zoomTo(since, until) {
  state.range = "zoom";
  state.since = since.replace(/T00:00:00Z$/, "");
  state.until = until;
  // Finer periods once zoomed in.
  const days = (new Date(until) - new Date(since)) / 86400000;
  if (days <= 62 && state.interval === "month") state.interval = "week";
  if (days <= 14) state.interval = "day";
  search(true);
}

// ---- compare --------------------------------------------------------------

function renderCompareInputs() {
  const box = $("#compare-inputs");
  box.textContent = "";
  state.compare.forEach((c, i) => {
    const id = "cmp-" + i;
    const input = el("input", { id, value: c, spellcheck: "false" });
    input.addEventListener("change", () => { state.compare[i] = input.value.trim(); search(true); });
    box.append(el("div", { class: "cmp" },
      el("i", { class: "swatch", "data-colour": colours[i + 1] }),
      el("label", { for: id, class: "sr-only" }, `Comparison query ${i + 2}`), input,
      el("button", { type: "button", "aria-label": `Remove comparison ${i + 2}`, onclick: () => { state.compare.splice(i, 1); renderCompareInputs(); search(true); } }, "×")));
  });
  box.querySelectorAll(".swatch").forEach((i) => { i.style.background = i.dataset.colour; });
  $("#add-compare").hidden = state.compare.length >= MAX_COMPARE - 1;
}

// ---- article --------------------------------------------------------------

// markBody highlights entities and figures; their offsets are bytes of the
// UTF-8 body, so the body is sliced as bytes.
function markBody(a) {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const bytes = enc.encode(a.body || "");
  const spans = [];
  for (const e of a.entities || []) spans.push({ start: e.start, end: e.end, cls: "ent " + e.type, title: `${e.type.toLowerCase()}: ${e.canonical}` });
  for (const f of a.figures || []) spans.push({ start: f.start, end: f.end, cls: "fig", title: `${f.kind}: ${f.value}${f.unit ? " " + f.unit : ""}` });
  for (const e of a.events || []) spans.push({ start: e.trigger_start, end: e.trigger_end, cls: "trig", title: `${e.kind} withdrawal, ${e.status}${e.new_announcement ? ", new announcement" : ""}` });
  spans.sort((x, y) => x.start - y.start || y.end - x.end);
  const out = el("div", { class: "body" });
  let para = el("p");
  let at = 0;
  const text = (s) => {
    const parts = s.split("\n\n");
    parts.forEach((part, i) => {
      if (i > 0) { out.append(para); para = el("p"); }
      if (part) para.append(document.createTextNode(part));
    });
  };
  for (const s of spans) {
    if (s.start < at || s.end > bytes.length || s.end <= s.start) continue;
    text(dec.decode(bytes.slice(at, s.start)));
    para.append(el("mark", { class: s.cls, title: s.title }, dec.decode(bytes.slice(s.start, s.end))));
    at = s.end;
  }
  text(dec.decode(bytes.slice(at)));
  out.append(para);
  return out;
}

async function openArticle(id, push) {
  state.article = id;
  writeState(push);
  const dlg = $("#article");
  let a;
  try {
    a = await api("articles/" + encodeURIComponent(id));
  } catch (err) {
    $("#art-title").textContent = "Article not available";
    $("#art-meta").textContent = err.message;
    ["#art-body", "#art-events", "#art-figures", "#art-removed", "#art-copies"].forEach((s) => { $(s).textContent = ""; });
    if (!dlg.open) dlg.showModal();
    return;
  }
  $("#art-title").textContent = a.title || a.url;
  const meta = $("#art-meta");
  meta.textContent = "";
  meta.append(el("span", { class: "site" }, a.site), " · ", fmtDate(a.published_at),
    a.authors && a.authors.length ? " · " + a.authors.join(", ") : "", a.language ? ` · ${a.language}` : "", " · ",
    el("a", { href: a.url, rel: "noopener noreferrer", target: "_blank" }, "original"));
  $("#art-body").replaceChildren(markBody(a));
  $("#art-events").replaceChildren(...eventList(a.events || []));
  const figs = $("#art-figures");
  figs.textContent = "";
  if (a.figures && a.figures.length) {
    figs.append(el("h3", {}, "Figures"), el("ul", {}, a.figures.map((f) => el("li", {}, `${f.text} — ${f.kind} ${f.value}${f.unit ? " " + f.unit : ""}${f.date ? " (" + f.date + ")" : ""}`))));
  }
  const rem = $("#art-removed");
  rem.textContent = "";
  if (a.removed && a.removed.length) {
    rem.append(el("h3", {}, `Removed boilerplate (${a.removed.length})`));
    for (const r of a.removed) rem.append(el("details", {}, el("summary", {}, r.reason), el("p", {}, r.text)));
  }
  const cop = $("#art-copies");
  cop.textContent = "";
  if (a.other_copies && a.other_copies.length) {
    cop.append(el("h3", {}, `Other copies of this story (${a.other_copies.length})`),
      el("ul", {}, a.other_copies.map((c) => el("li", {}, el("a", { href: "?article=" + c.id, onclick: (ev) => { ev.preventDefault(); openArticle(c.id, true); } }, c.title), " ", el("span", { class: "site" }, c.site)))));
  }
  if (!dlg.open) dlg.showModal();
  $("#art-close").focus();
}

// eventList shows the withdrawal events of an article as the detector
// explains them: kind, status, whether it is a new announcement, who
// withdraws what from where, the trigger words and the cues that decided
// the status, so an analyst can see why an alert fired or did not.
function eventList(events) {
  if (!events.length) return [];
  const items = events.map((e) => {
    const who = whoWhatWhere(e);
    return el("li", { class: "event" },
      el("strong", {}, `${e.kind} withdrawal`), `, ${e.status}`,
      e.new_announcement ? el("span", { class: "news" }, " · new announcement") : " · background",
      who ? " — " + who : "",
      el("span", { class: "why" }, `trigger “${e.trigger}”` + (e.cues && e.cues.length ? `; decided by ${e.cues.map((c) => "“" + c + "”").join(", ")}` : "")));
  });
  return [el("h3", {}, `Withdrawal events (${events.length})`), el("ul", {}, items)];
}

function closeArticle() {
  if (!state.article) return;
  state.article = "";
  writeState(true);
}

// ---- alerts ---------------------------------------------------------------

async function loadAlerts() {
  let list, log;
  try {
    [list, log] = await Promise.all([api("alerts"), api("alerts/log?limit=10")]);
  } catch (err) {
    $("#alert-list").replaceChildren(el("li", { class: "none" }, err.message));
    return;
  }
  $("#alert-list").replaceChildren(...list.alerts.map((s) => el("li", { class: "alert-item" },
    el("span", { class: "name" }, s.name), " ", el("code", {}, s.query), s.webhook ? el("span", { class: "hook" }, " → webhook") : null, " ",
    el("a", { href: `/api/v1/alerts/${s.id}/feed.rss`, class: "rss" }, "RSS"), " ",
    el("button", { type: "button", "aria-label": `Remove alert ${s.name}`, onclick: () => removeAlert(s.id) }, "Remove"))));
  if (!list.alerts.length) $("#alert-list").append(el("li", { class: "none" }, "No alerts yet."));
  $("#alert-log").replaceChildren(...log.fired.map((a) => el("li", {}, el("span", { class: "name" }, a.search_name), ": ",
    el("a", { href: "?article=" + a.article_id, onclick: (ev) => { ev.preventDefault(); openArticle(a.article_id, true); } }, a.title), " ", fmtDate(a.fired_at),
    alertEvents(a.events))));
  if (!log.fired.length) $("#alert-log").append(el("li", { class: "none" }, "None yet."));
}

// alertEvents lists the events an alert's search matched, as the alert
// carries them: who withdraws what from where, kind and status, so the log
// says what was announced without opening the article.
function alertEvents(events) {
  if (!events || !events.length) return null;
  return el("ul", { class: "alert-events" }, events.map((e) => el("li", {},
    `${e.kind} withdrawal, ${e.status}${e.new_announcement ? " (new)" : ""}: `,
    [roleName(e.actor) ? "" : "actor not named", whoWhatWhere(e)].filter(Boolean).join(" "))));
}

async function addAlert(ev) {
  ev.preventDefault();
  const err = $("#alert-error");
  err.hidden = true;
  try {
    const saved = await api("alerts", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: $("#alert-name").value, query: state.q, webhook: $("#alert-webhook").value }),
    });
    $("#alert-name").value = "";
    $("#alert-webhook").value = "";
    if (saved.secret) {
      $("#secret").textContent = saved.secret;
      $("#secret-box").hidden = false;
    }
  } catch (e) {
    err.hidden = false;
    err.textContent = e.message;
  }
  loadAlerts();
}

async function removeAlert(id) {
  await api("alerts/" + id, { method: "DELETE" });
  loadAlerts();
}

// ---- live -----------------------------------------------------------------

let liveAbort = null;

// startLive follows /api/v1/stream with fetch, which, unlike EventSource,
// can send the Authorization header.
async function startLive() {
  if (liveAbort) { liveAbort.abort(); liveAbort = null; }
  delete $("#results-col").dataset.stream;
  $("#results-col").classList.toggle("is-live", state.live);
  if (!state.live) return;
  const ctl = new AbortController();
  liveAbort = ctl;
  try {
    const res = await fetch("/api/v1/stream?" + params(), { headers: headers(), signal: ctl.signal });
    if (!res.ok) return;
    // Marks the stream as open (the browser tests wait on it).
    $("#results-col").dataset.stream = "open";
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
        if (block.includes("event: story") && data) {
          const row = hitRow(JSON.parse(data), true);
          $("#hits").prepend(row);
        }
      }
    }
  } catch (err) {
    if (err.name !== "AbortError") console.warn("live:", err);
  }
}

// ---- downloads ------------------------------------------------------------

async function download(format) {
  const url = "/api/v1/export?" + params({ format });
  if (!token) {
    location.href = url; // streamed straight to disk
    return;
  }
  const res = await fetch(url, { headers: headers() });
  const blob = await res.blob();
  const a = el("a", { href: URL.createObjectURL(blob), download: "wirewatch-export." + format });
  document.body.append(a);
  a.click();
  a.remove();
}

// ---- wiring ---------------------------------------------------------------

function syncControls() {
  $("#q").value = state.q;
  $("#range").value = state.range === "zoom" ? "custom" : state.range;
  $("#custom-range").hidden = !(state.range === "custom" || state.range === "zoom");
  $("#since").value = (state.since || "").slice(0, 10);
  $("#until").value = (state.until || "").slice(0, 10);
  $("#sort").value = state.sort;
  $("#all").checked = state.all;
  $("#interval").value = state.interval;
  $("#measure").value = state.measure;
  $("#live").checked = state.live;
  $("#zoom-out").hidden = state.range !== "zoom";
  renderCompareInputs();
}

// takeQuery adopts the query as typed, so that changing another control
// searches what the analyst sees in the box.
function takeQuery() {
  state.q = $("#q").value.trim();
}

function init() {
  readState();
  syncControls();
  const q = $("#q");
  $("#search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    closeSuggest();
    state.q = q.value.trim();
    search(true);
  });
  q.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 120);
  });
  q.addEventListener("keydown", (ev) => {
    const open = !$("#suggest").hidden;
    if (ev.key === "ArrowDown" && open) { ev.preventDefault(); moveSuggestion(1); }
    else if (ev.key === "ArrowUp" && open) { ev.preventDefault(); moveSuggestion(-1); }
    else if ((ev.key === "Enter" || ev.key === "Tab") && open && suggestIndex >= 0) {
      ev.preventDefault();
      pickSuggestion($("#suggest").children[suggestIndex].dataset.value);
    } else if (ev.key === "Escape" && open) { ev.preventDefault(); closeSuggest(); }
  });
  q.addEventListener("blur", () => setTimeout(closeSuggest, 100));
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "/" && document.activeElement.tagName !== "INPUT" && !$("#article").open) { ev.preventDefault(); q.focus(); }
  });
  $("#range").addEventListener("change", () => {
    takeQuery();
    const v = $("#range").value;
    state.range = v;
    if (v !== "custom") { state.since = ""; state.until = ""; search(true); }
    else syncControls();
  });
  for (const id of ["#since", "#until"]) {
    $(id).addEventListener("change", () => {
      takeQuery();
      state.range = "custom";
      state.since = $("#since").value;
      state.until = $("#until").value;
      search(true);
    });
  }
  $("#zoom-out").addEventListener("click", () => { takeQuery(); state.range = ""; state.since = ""; state.until = ""; search(true); });
  $("#sort").addEventListener("change", () => { takeQuery(); state.sort = $("#sort").value; search(true); });
  $("#all").addEventListener("change", () => { takeQuery(); state.all = $("#all").checked; search(true); });
  $("#interval").addEventListener("change", () => { takeQuery(); state.interval = $("#interval").value; search(true); });
  $("#measure").addEventListener("change", () => { takeQuery(); state.measure = $("#measure").value; search(true); });
  $("#live").addEventListener("change", () => { state.live = $("#live").checked; writeState(false); startLive(); });
  $("#more").addEventListener("click", more);
  $("#add-compare").addEventListener("click", () => {
    if (state.compare.length >= MAX_COMPARE - 1) return;
    state.compare.push("");
    renderCompareInputs();
    $("#cmp-" + (state.compare.length - 1)).focus();
  });
  $("#dl-csv").addEventListener("click", () => download("csv"));
  $("#dl-jsonl").addEventListener("click", () => download("jsonl"));
  $("#alert-form").addEventListener("submit", addAlert);
  $("#copy-secret").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("#secret").textContent));
  $("#art-close").addEventListener("click", () => $("#article").close());
  $("#article").addEventListener("close", closeArticle);
  window.addEventListener("popstate", () => {
    readState();
    if (state.article) openArticle(state.article, false);
    else if ($("#article").open) $("#article").close();
    search(false);
  });
  search(false);
  loadAlerts();
  if (state.article) openArticle(state.article, false);
}

init();
