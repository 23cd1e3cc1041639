// fstage serve console: reads /_fstage/api/ and follows /_fstage/events (server-sent events).
// No framework and no network beyond serve itself: it works offline.
"use strict";

const api = (path) => fetch("api/" + path, { cache: "no-store" }).then((r) => {
  if (!r.ok) return r.json().catch(() => ({})).then((e) => { throw new Error(e.error_msg || r.statusText); });
  return r;
});
const json = (path) => api(path).then((r) => r.json());
const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
};
const statusBadge = (s) => el("span", { class: "status " + String(s || "").replace(/\s+/g, "-") }, s || "");
const clock = (iso) => (iso ? String(iso).replace(/^.*T/, "").replace("Z", "") : "");

const state = {
  flow: null,          // the flow shown
  execution: null,     // the execution shown (id)
  followNewest: true,  // no execution picked by hand: show each new one
  exec: null,          // its last record
  graphNodes: {},      // SVG node id -> state path
  picked: null,        // the node whose detail is shown
  invocations: new Map(),
  sseEvents: 0,
};

// ---- functions ---------------------------------------------------------------------------
function renderFunctions(list) {
  const body = $("#functions tbody");
  body.replaceChildren();
  const filter = $("#function-filter");
  for (const f of list) {
    const routes = el("div", {}, ...f.routes.map((r) => el("div", { class: "mono" }, r.method + " " + r.path)));
    const triggers = el("div", {}, ...f.triggers.map((t) => el("div", {}, t.type + (t.schedule ? " " + t.schedule : "") + (t.path ? " " + t.path : ""))));
    const inst = f.instances ? `${f.instances.running} warm, ${f.instances.busy} busy, ${f.instances.queued} queued` : "";
    body.append(el("tr", { "data-function": f.name }, el("td", { class: "mono" }, f.name), el("td", {}, f.runtime),
      el("td", { class: "mono" }, f.handler), el("td", {}, routes), el("td", {}, triggers), el("td", {}, inst)));
    if (![...filter.options].some((o) => o.value === f.name)) filter.append(el("option", { value: f.name }, f.name));
  }
  if (!list.length) body.append(el("tr", {}, el("td", { colspan: 6, class: "empty" }, "no functions")));
}

// The instances column follows the invocations, at most once a second.
let functionsTimer = null;
function refreshFunctionsSoon() {
  if (functionsTimer) return;
  functionsTimer = setTimeout(() => {
    json("functions").then(renderFunctions).catch(() => {}).finally(() => { functionsTimer = null; });
  }, 1000);
}

// ---- invocations -------------------------------------------------------------------------
function invocationBox(inv) {
  let box = state.invocations.get(inv.request_id);
  if (!box) {
    box = el("div", { class: "invocation", "data-request-id": inv.request_id, "data-function": inv.function });
    const head = el("div", { class: "head", onclick: () => box.classList.toggle("collapsed") });
    box.append(head, el("pre", { class: "lines" }));
    state.invocations.set(inv.request_id, box);
    const list = $("#invocations");
    list.prepend(box);
    while (list.children.length > 200) {
      state.invocations.delete(list.lastElementChild.dataset.requestId);
      list.lastElementChild.remove();
    }
    applyFilter(box);
  }
  const head = box.querySelector(".head");
  const dur = inv.status && inv.status !== "running" ? `${Math.round(inv.duration_ms * 10) / 10} ms` +
    (inv.init_duration_ms ? `, init ${Math.round(inv.init_duration_ms)} ms` : "") : "";
  head.replaceChildren(el("span", { class: "fn mono" }, inv.function), statusBadge(inv.status || "running"),
    el("span", { class: "mono" }, inv.request_id), el("span", { class: "meta" }, clock(inv.started) + (dur ? " · " + dur : "")));
  box.dataset.status = inv.status || "running";
  box.dataset.started = inv.started || "";
  return box;
}
function appendLine(box, line) {
  const pre = box.querySelector(".lines");
  pre.append(el("span", { class: line.level || "info" }, el("span", { class: "time" }, clock(line.time) + " "), line.message + "\n"));
}
function applyFilter(box) {
  const f = $("#function-filter").value;
  box.hidden = f !== "" && box.dataset.function !== f;
}

// ---- flows -------------------------------------------------------------------------------
function renderFlows(list) {
  const ul = $("#flows");
  ul.replaceChildren();
  for (const f of list) {
    ul.append(el("li", {}, el("button", { "data-flow": f.name, class: f.name === state.flow ? "selected" : "",
      onclick: () => { state.execution = null; state.followNewest = true; showFlow(f.name); } }, `${f.name} (${f.mode})`)));
  }
  if (!list.length) ul.append(el("li", { class: "empty" }, "no flows served"));
}

async function showFlow(name) {
  state.flow = name;
  state.graphNodes = {};
  for (const b of document.querySelectorAll("#flows button")) b.classList.toggle("selected", b.dataset.flow === name);
  $("#flow-view").hidden = false;
  $("#flow-title").textContent = name;
  const graph = $("#graph");
  try {
    const [svg, nodes] = await Promise.all([api(`flows/${encodeURIComponent(name)}/graph.svg`).then((r) => r.text()),
      json(`flows/${encodeURIComponent(name)}/graph`)]);
    graph.innerHTML = svg.replace(/^[\s\S]*?(<svg)/, "$1");  // the SVG element, without its prologue
    for (const n of nodes.nodes) state.graphNodes[n.id] = n.state;
    for (const g of graph.querySelectorAll("g.node")) {
      const id = g.querySelector("title") ? g.querySelector("title").textContent : "";
      const path = state.graphNodes[id];
      if (path) {
        g.dataset.state = path;
        g.addEventListener("click", () => pickNode(path));
      }
    }
  } catch (e) {
    graph.replaceChildren(el("p", { class: "problem" }, "cannot draw the flow: " + e.message));
  }
  await refreshExecutions();
}

async function refreshExecutions() {
  if (!state.flow) return;
  const { executions } = await json(`flows/${encodeURIComponent(state.flow)}/executions`);
  if (state.followNewest && executions.length && executions[0].execution_id !== state.execution) {
    state.execution = executions[0].execution_id;
  }
  const body = $("#executions tbody");
  body.replaceChildren();
  for (const x of executions.slice(0, 50)) {
    body.append(el("tr", { "data-execution": x.execution_id, class: x.execution_id === state.execution ? "selected" : "",
      onclick: () => { state.followNewest = false; state.execution = x.execution_id; refreshExecutions(); } },
      el("td", { class: "mono" }, x.execution_id.slice(0, 8)), el("td", {}, statusBadge(x.status)), el("td", {}, x.begin_time)));
  }
  if (!executions.length) body.append(el("tr", {}, el("td", { colspan: 3, class: "empty" }, "no executions yet")));
  await refreshExecution();
}

// Each node's status: its last attempt's; begun but not ended: running while the execution runs.
function nodeStatuses(exec) {
  const out = {};
  for (const n of exec.node_execution_details || []) {
    const runs = n.executions || [];
    out[n.node_id] = runs.length ? runs[runs.length - 1].status : exec.status;
  }
  return out;
}

// Coalesced: while one request is out, a burst of events asks for one more after it, so that
// the last state shown is never older than the last event.
let pending = null;
let again = false;
function refreshExecution() {
  if (pending) { again = true; return pending; }
  pending = (async () => {
    do {
      again = false;
      if (!state.execution) { state.exec = null; } else {
        state.exec = await json(`executions/${encodeURIComponent(state.execution)}`);
      }
      colour();
    } while (again);
  })().finally(() => { pending = null; });
  return pending;
}

function colour() {
  const statuses = state.exec ? nodeStatuses(state.exec) : {};
  for (const g of document.querySelectorAll("#graph g.node[data-state]")) {
    for (const c of [...g.classList]) if (c.startsWith("st-")) g.classList.remove(c);
    const s = statuses[g.dataset.state];
    if (s) { g.classList.add("st-" + s); g.dataset.status = s; } else delete g.dataset.status;
  }
  const sum = $("#execution-summary");
  sum.replaceChildren();
  if (state.exec) {
    sum.append(el("p", {}, "Execution ", el("code", {}, state.exec.execution_id), " ",
      el("span", { id: "execution-status", "data-status": state.exec.status }, statusBadge(state.exec.status)),
      state.exec.end_time ? " ended " + state.exec.end_time : " began " + state.exec.begin_time));
  }
  if (state.picked) pickNode(state.picked);
}

function pickNode(path) {
  state.picked = path;
  for (const g of document.querySelectorAll("#graph g.node")) g.classList.toggle("picked", g.dataset.state === path);
  const box = $("#node-detail");
  box.hidden = false;
  $("#node-title").textContent = "State " + path;
  const body = $("#node-body");
  body.replaceChildren();
  const node = state.exec && (state.exec.node_execution_details || []).find((n) => n.node_id === path);
  if (!node) { body.append(el("p", { class: "empty" }, state.exec ? "not run in this execution" : "no execution selected")); return; }
  if (!node.executions.length) body.append(el("p", {}, statusBadge("running"), " no attempt has ended yet"));
  const figures = (((state.exec.fstage || {}).attempts) || []).filter((a) => a.node_id === path);
  node.executions.forEach((a, i) => {
    const f = figures[i] || {};
    body.append(el("p", {}, `Attempt ${i + 1} `, statusBadge(a.status), f.function ? ` ${f.function}` : "",
      f.duration_ms != null ? ` · ${f.duration_ms} ms` : "", a.request_id ? " · " : "", a.request_id ? el("code", {}, a.request_id) : ""));
    body.append(el("div", {}, "Input"), el("pre", { class: "node-input" }, JSON.stringify(a.input, null, 2)));
    body.append(el("div", {}, "Output"), el("pre", { class: "node-output" }, JSON.stringify(a.output, null, 2)));
    if (a.error_message || f.error_type) body.append(el("div", {}, "Error"), el("pre", { class: "node-error problem" }, [f.error_type, a.error_message].filter(Boolean).join(": ")));
  });
}

// ---- live --------------------------------------------------------------------------------
function connect() {
  const es = new EventSource("events");
  const live = $("#live");
  const seen = () => { state.sseEvents += 1; document.body.dataset.sseEvents = String(state.sseEvents); };
  es.onopen = () => { live.textContent = "live"; live.className = "live on"; };
  es.onerror = () => { live.textContent = "reconnecting"; live.className = "live off"; };
  es.addEventListener("invocation_started", (m) => { seen(); const d = JSON.parse(m.data); invocationBox({ ...d, started: d.time, status: "running" }); });
  es.addEventListener("invocation_finished", (m) => {
    seen();
    const d = JSON.parse(m.data);
    const box = state.invocations.get(d.request_id);
    invocationBox({ ...d, started: box ? box.dataset.started : d.time });
    refreshFunctionsSoon();
  });
  es.addEventListener("log", (m) => {
    seen();
    const d = JSON.parse(m.data);
    const box = state.invocations.get(d.request_id) || invocationBox({ function: d.function, request_id: d.request_id, started: d.time, status: "running" });
    appendLine(box, d);
  });
  const onFlow = (m) => {
    seen();
    const d = JSON.parse(m.data);
    if (d.flow !== state.flow) return;
    if (m.type === "flow_state" && d.execution_id === state.execution) refreshExecution();
    else refreshExecutions();
  };
  for (const t of ["flow_started", "flow_state", "flow_finished"]) es.addEventListener(t, onFlow);
  es.addEventListener("dropped", (m) => { seen(); console.warn(JSON.parse(m.data).message); loadInvocations(); refreshExecutions(); });
}

async function loadInvocations() {
  const { invocations } = await json("invocations?limit=100");
  $("#invocations").replaceChildren();
  state.invocations.clear();
  for (const inv of invocations.reverse()) {
    const box = invocationBox(inv);
    for (const l of inv.lines) appendLine(box, l);
    if (inv.lines_dropped) appendLine(box, { level: "warn", message: `… ${inv.lines_dropped} more lines not kept` });
  }
}

async function main() {
  $("#function-filter").addEventListener("change", () => { for (const b of state.invocations.values()) applyFilter(b); });
  connect();
  const [serve, functions, flows] = await Promise.all([json("serve"), json("functions"), json("flows")]);
  $("#project").textContent = serve.project;
  renderFunctions(functions);
  renderFlows(flows);
  await loadInvocations();
  const hash = new URLSearchParams(location.hash.slice(1));
  const wanted = hash.get("flow") || (flows.length ? flows[0].name : null);
  if (hash.get("execution")) { state.execution = hash.get("execution"); state.followNewest = false; }
  if (wanted) await showFlow(wanted);
  document.body.dataset.ready = "true";
}

main().catch((e) => document.body.prepend(el("p", { class: "problem" }, "console: " + e.message)));
