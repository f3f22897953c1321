// The auditors' workbench page: queue → one application → decide with the keyboard → next.
// No framework and no inline script (the content-security policy forbids it). The API is this
// page's own origin under /workbench; the sign-in is Cognito's hosted page (code + PKCE) in AWS,
// or the local stack's sign-in form.
"use strict";

const state = { config: null, token: null, queue: [], selected: 0, cursor: null, current: null, next: null, grade: null };
const $ = (id) => document.getElementById(id);
const VIEWS = ["signin", "queue", "application", "stats"];

function show(view) {
  for (const v of VIEWS) $(v).hidden = v !== view;
  $("nav").hidden = view === "signin";
}

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
}

function claims(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
}

function waited(seconds) {
  if (seconds == null) return "–";
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
  return h >= 48 ? `${Math.floor(h / 24)} d ${h % 24} h` : h ? `${h} h ${m} min` : `${m} min`;
}

function percent(x) { return x == null ? "–" : `${(100 * x).toFixed(1)} %`; }

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
}

async function api(path, options = {}) {
  const response = await fetch(state.config.api + path, {
    ...options,
    headers: { Authorization: state.token, "Content-Type": "application/json", ...(options.headers || {}) },
  });
  if (response.status === 401) { signOut("Your sign-in has expired: sign in again."); throw new Error("unauthorized"); }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = (body.error && body.error.message) || body.message || `error ${response.status}`;
    notice(response.status === 403 ? `Not allowed: ${message}` : message);
    throw new Error(message);
  }
  return body;
}

// -- sign-in ------------------------------------------------------------------------------------

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function hostedSignIn() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem("pkce", verifier);
  const params = new URLSearchParams({
    response_type: "code", client_id: state.config.signIn.clientId, redirect_uri: location.origin + "/",
    scope: "openid email", code_challenge_method: "S256", code_challenge: challenge,
  });
  location.assign(`${state.config.signIn.domain}/oauth2/authorize?${params}`);
}

async function finishHostedSignIn(code) {
  const body = new URLSearchParams({
    grant_type: "authorization_code", client_id: state.config.signIn.clientId, code,
    redirect_uri: location.origin + "/", code_verifier: sessionStorage.getItem("pkce") || "",
  });
  const response = await fetch(`${state.config.signIn.domain}/oauth2/token`, {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body,
  });
  sessionStorage.removeItem("pkce");
  history.replaceState(null, "", location.pathname + "#/queue");
  if (!response.ok) { notice("Sign-in failed."); return null; }
  return (await response.json()).id_token;
}

async function localSignIn(event) {
  event.preventDefault();
  const response = await fetch(state.config.signIn.tokenUrl, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: $("username").value, password: $("password").value }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { notice((body.error && body.error.message) || "Sign-in failed."); return; }
  $("password").value = "";
  signedIn(body.id_token);
}

function signedIn(token) {
  state.token = token;
  sessionStorage.setItem("token", token);
  const who = claims(token);
  $("who").textContent = who["cognito:username"] || who.email || who.sub;
  notice("");
  if (!location.hash || location.hash === "#/signin") location.hash = "#/queue";
  route();
}

function signOut(message) {
  state.token = null;
  sessionStorage.removeItem("token");
  show("signin");
  notice(message || "");
}

// -- queue -------------------------------------------------------------------------------------

function filters() {
  const params = new URLSearchParams();
  for (const name of ["channel", "since", "until"]) {
    const value = $(`filter-${name}`).value;
    if (value) params.set(name, value);
  }
  return params;
}

async function loadQueue(more) {
  const params = filters();
  if (more && state.cursor) params.set("cursor", state.cursor);
  const page = await api(`/queue?${params}`);
  state.queue = more ? state.queue.concat(page.items) : page.items;
  state.cursor = page.next_cursor;
  if (!more) state.selected = 0;
  renderQueue();
}

function renderQueue() {
  const body = $("queue-table").querySelector("tbody");
  body.replaceChildren();
  state.queue.forEach((item, index) => {
    const row = document.createElement("tr");
    row.dataset.id = item.application_id;
    if (index === state.selected) row.className = "selected";
    cell(row, waited(item.waited_seconds));
    cell(row, item.channel);
    cell(row, item.tier, `tier-${item.tier}`);
    cell(row, percent(item.probability));
    cell(row, item.reasons.length ? item.reasons[0].words : "–");
    cell(row, item.application_id);
    row.addEventListener("click", () => openApplication(item.application_id));
    body.appendChild(row);
  });
  $("queue-count").textContent = `(${state.queue.length}${state.cursor ? "+" : ""})`;
  $("more").hidden = !state.cursor;
  show("queue");
}

function move(step) {
  if (!state.queue.length) return;
  state.selected = Math.max(0, Math.min(state.queue.length - 1, state.selected + step));
  renderQueue();
  const row = $("queue-table").querySelector("tr.selected");
  if (row) row.scrollIntoView({ block: "nearest" });
}

// -- one application -----------------------------------------------------------------------------

function list(target, pairs) {
  target.replaceChildren();
  for (const [name, value] of pairs) {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = name.replace(/_/g, " ");
    dd.textContent = value == null ? "–" : String(value);
    target.append(dt, dd);
  }
}

async function openApplication(id) {
  if (location.hash !== `#/applications/${id}`) { location.hash = `#/applications/${id}`; return; }
  const view = await api(`/applications/${encodeURIComponent(id)}`);
  state.current = view;
  $("app-note").value = "";
  const index = state.queue.findIndex((item) => item.application_id === id);
  state.next = index >= 0 && index + 1 < state.queue.length ? state.queue[index + 1].application_id : null;
  $("app-id").textContent = id;
  $("app-meta").textContent = `${view.channel} · submitted ${new Date(view.submitted_at).toLocaleString()} · waited ${waited(view.waited_seconds)} · ${view.status}`;
  const { applicant, ...facts } = view.facts;
  const address = applicant.address;
  list($("app-applicant"), [
    ["name", `${applicant.first_name} ${applicant.last_name}`], ["date_of_birth", applicant.date_of_birth],
    ["email", applicant.email], ["phone", applicant.phone],
    // The full number is not needed to decide: the last four identify it on a call with the applicant.
    ["national_id", `•••-••-${applicant.national_id.slice(-4)}`],
    ["address", `${address.street}, ${address.city}, ${address.state} ${address.postal_code}`],
  ]);
  list($("app-facts"), Object.entries(facts));
  const a = view.assessment;
  $("app-score").textContent = a ? `Tier ${a.tier} · probability an auditor rejects ${percent(a.probability)} · ${a.model_version}` : "Not scored yet.";
  const tiers = $("app-tiers");
  tiers.replaceChildren();
  if (a && a.tier_probabilities) {
    for (const tier of ["low", "medium", "high"]) {
      const bar = document.createElement("div"), name = document.createElement("span");
      const track = document.createElement("span"), fill = document.createElement("span"), value = document.createElement("span");
      bar.className = "bar"; fill.className = "fill"; name.textContent = tier; value.textContent = percent(a.tier_probabilities[tier]);
      fill.style.display = "block"; fill.style.width = `${(100 * a.tier_probabilities[tier]).toFixed(1)}%`;
      track.appendChild(fill); bar.append(name, track, value); tiers.appendChild(bar);
    }
  }
  const reasons = $("app-reasons");
  reasons.replaceChildren();
  for (const reason of a ? a.reasons : []) {
    const li = document.createElement("li");
    li.textContent = reason.words;
    li.title = reason.code;
    reasons.appendChild(li);
  }
  state.grade = null;
  showGrade();
  $("app-audit").textContent = view.audit ? `Decided: ${view.audit.outcome} by ${view.audit.auditor_id} at ${new Date(view.audit.decided_at).toLocaleString()}` : "";
  show("application");
}

function showGrade() {
  const grades = (state.current && state.current.grades) || [];
  const keys = grades.slice(0, 9).map((g, i) => `${i + 1} = ${g.grade}`).join(" · ");
  $("app-grade").textContent = grades.length
    ? `Grade (optional): ${keys} — chosen: ${state.grade || "none"}`
    : "";
}

function chooseGrade(digit) {
  const grades = (state.current && state.current.grades) || [];
  const chosen = grades[digit - 1];
  if (!chosen) return false;
  state.grade = state.grade === chosen.grade ? null : chosen.grade;
  showGrade();
  return true;
}

async function decide(outcome) {
  if (!state.current || state.current.audit) return;
  const id = state.current.application_id;
  const body = { outcome };
  if (state.grade) body.grade = state.grade;
  const note = $("app-note").value.trim();
  if (note) body.note = note;
  const answer = await api(`/applications/${encodeURIComponent(id)}/decision`, { method: "POST", body: JSON.stringify(body) });
  state.queue = state.queue.filter((item) => item.application_id !== id);
  notice(`${id}: ${outcome} recorded as ${answer.decision.auditor_id}.`);
  const next = state.next && state.next !== id ? state.next : answer.next_application_id;
  if (next) openApplication(next); else { location.hash = "#/queue"; }
}

// -- dashboard -----------------------------------------------------------------------------------

async function loadStats() {
  const stats = await api("/stats");
  $("stat-size").textContent = stats.queue.size;
  $("stat-age").textContent = waited(stats.queue.oldest_waited_seconds);
  $("stat-agreement").textContent = percent(stats.decisions.agreement);
  $("stat-decisions").textContent = stats.decisions.count;
  const channels = $("stat-channels").querySelector("tbody");
  channels.replaceChildren();
  for (const [channel, size] of Object.entries(stats.queue.by_channel)) {
    const row = document.createElement("tr"); cell(row, channel); cell(row, size); channels.appendChild(row);
  }
  const tiers = $("stat-tiers").querySelector("tbody");
  tiers.replaceChildren();
  for (const [tier, figures] of Object.entries(stats.decisions.by_tier)) {
    const row = document.createElement("tr"); cell(row, tier, `tier-${tier}`); cell(row, figures.decisions); cell(row, percent(figures.agreement));
    tiers.appendChild(row);
  }
  show("stats");
}

// -- routing and keys ----------------------------------------------------------------------------

function route() {
  if (!state.token) { show("signin"); return; }
  const hash = location.hash || "#/queue";
  const match = hash.match(/^#\/applications\/([A-Za-z0-9_-]+)$/);
  const done = (promise) => promise.catch(() => {});
  if (match) done(openApplication(match[1]));
  else if (hash === "#/stats") done(loadStats());
  else done(loadQueue(false));
}

function onKey(event) {
  if (!state.token || event.ctrlKey || event.metaKey || event.altKey) return;
  if (["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
  const view = VIEWS.find((v) => !$(v).hidden);
  const key = event.key;
  if (view === "queue") {
    if (key === "j" || key === "ArrowDown") move(1);
    else if (key === "k" || key === "ArrowUp") move(-1);
    else if ((key === "Enter" || key === "o") && state.queue[state.selected]) openApplication(state.queue[state.selected].application_id);
    else if (key === "s") location.hash = "#/stats";
    else return;
  } else if (view === "application") {
    if (key === "a") decide("accept").catch(() => {});
    else if (key === "r") decide("reject").catch(() => {});
    else if (key === "n" && state.next) openApplication(state.next);
    else if (key === "m") { event.preventDefault(); $("app-note").focus(); }
    else if (/^[1-9]$/.test(key) && chooseGrade(Number(key))) { /* grade chosen */ }
    else if (key === "q" || key === "Escape") location.hash = "#/queue";
    else return;
  } else if (view === "stats") {
    if (key === "q" || key === "Escape") location.hash = "#/queue";
    else return;
  } else return;
  event.preventDefault();
}

async function start() {
  state.config = await (await fetch("config.json", { cache: "no-store" })).json();
  $("signin-form").addEventListener("submit", localSignIn);
  $("signin-hosted").addEventListener("click", hostedSignIn);
  $("sign-out").addEventListener("click", () => signOut("Signed out."));
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); loadQueue(false).catch(() => {}); });
  $("more").addEventListener("click", () => loadQueue(true).catch(() => {}));
  $("back").addEventListener("click", () => { location.hash = "#/queue"; });
  $("next").addEventListener("click", () => { if (state.next) openApplication(state.next); });
  for (const id of ["accept", "reject"]) $(id).addEventListener("click", (e) => decide(e.currentTarget.dataset.outcome).catch(() => {}));
  document.addEventListener("keydown", onKey);
  $("app-note").addEventListener("keydown", (event) => { if (event.key === "Escape") event.target.blur(); });
  window.addEventListener("hashchange", route);
  const hosted = state.config.signIn.kind === "cognito";
  $("signin-form").hidden = hosted;
  $("signin-hosted").hidden = !hosted;
  const code = new URLSearchParams(location.search).get("code");
  const token = hosted && code ? await finishHostedSignIn(code) : sessionStorage.getItem("token");
  if (token && claims(token).exp * 1000 > Date.now()) signedIn(token); else show("signin");
}

start();
