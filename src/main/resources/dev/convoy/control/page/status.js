// Convoy's status page: the jobs table, sparklines of the last 30 minutes, and stop/start/restart.
// Every value from the driver goes into the page as text (textContent), never as HTML: job names and
// error messages are data. The token lives in this tab's sessionStorage only, and travels in a header.
"use strict";

const REFRESH_MS = 5000;
const TOKEN_KEY = "convoy.controlToken";
const rows = new Map(); // job name -> { tr, cells }

const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function showTokenState() {
  $("token-state").textContent = token() ? "token set for this tab" : "no token: buttons will be refused";
}

function say(text, isError) {
  const m = $("message");
  m.textContent = text;
  m.className = "message" + (isError ? " error" : "");
}

function cell(tr, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  tr.appendChild(td);
  return td;
}

function sparkline(kind) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark " + kind);
  svg.setAttribute("viewBox", "0 0 120 24");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "polyline"));
  svg.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title"));
  return svg;
}

function drawSparkline(svg, points, index, unit) {
  const values = points.map((p) => p[index]);
  const line = svg.querySelector("polyline");
  const title = svg.querySelector("title");
  svg.dataset.points = String(values.length);
  if (values.length === 0) {
    line.setAttribute("points", "");
    title.textContent = "no batch in the last 30 minutes";
    return;
  }
  // Scaled to the points' own span (at most 30 minutes), so a job that started recently still shows a line.
  const now = Date.now();
  const from = Math.min(now - 60 * 1000, Math.max(now - 30 * 60 * 1000, points[0][0]));
  const max = Math.max(1, ...values);
  const xy = points.map((p) => {
    const x = Math.max(0, Math.min(120, ((p[0] - from) / (now - from)) * 120));
    const y = 23 - (p[index] / max) * 22;
    return x.toFixed(1) + "," + y.toFixed(1);
  });
  line.setAttribute("points", xy.join(" "));
  title.textContent = "last " + values[values.length - 1] + " " + unit + ", max " + max + " " + unit + ", " + values.length
    + " points since " + new Date(points[0][0]).toISOString().slice(11, 19) + " UTC";
}

function newRow(name) {
  const tr = document.createElement("tr");
  tr.dataset.job = name;
  const cells = {
    name: cell(tr, "name"), state: cell(tr, "state"), batch: cell(tr, "num batch"), time: cell(tr, "time"),
    input: cell(tr, "num"), processed: cell(tr, "num"), duration: cell(tr, "duration"), lag: cell(tr, "lag"),
    late: cell(tr, "num late"), dead: cell(tr, "num dead"), restarts: cell(tr, "num restarts"), error: cell(tr, "error"),
    actions: cell(tr, "actions"),
  };
  cells.name.textContent = name;
  // Each sparkline has the current value beside it: the line shows the trend, the number the now.
  cells.durationValue = document.createElement("span");
  cells.durationValue.className = "value";
  cells.duration.appendChild(cells.durationValue);
  cells.durationLine = sparkline("duration");
  cells.duration.appendChild(cells.durationLine);
  cells.lagValue = document.createElement("span");
  cells.lagValue.className = "value";
  cells.lag.appendChild(cells.lagValue);
  cells.lagLine = sparkline("lag");
  cells.lag.appendChild(cells.lagLine);
  for (const action of ["stop", "start", "restart"]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = action[0].toUpperCase() + action.slice(1);
    b.dataset.action = action;
    b.addEventListener("click", () => act(name, action, b));
    cells.actions.appendChild(b);
  }
  $("jobs").tBodies[0].appendChild(tr);
  return { tr, cells };
}

function render(jobs, history) {
  const seen = new Set();
  for (const j of jobs) {
    seen.add(j.name);
    const row = rows.get(j.name) || newRow(j.name);
    rows.set(j.name, row);
    const c = row.cells;
    c.state.textContent = j.state;
    c.state.className = "state state-" + j.state;
    c.batch.textContent = String(j.lastBatchId);
    c.time.textContent = j.lastBatchTime ? j.lastBatchTime.slice(11, 19) : "-";
    c.time.title = j.lastBatchTime || "no batch yet";
    c.input.textContent = j.inputRowsPerSecond.toFixed(1);
    c.processed.textContent = j.processedRowsPerSecond.toFixed(1);
    c.late.textContent = String(j.lateEvents);
    c.dead.textContent = String(j.deadLetters);
    c.restarts.textContent = String(j.restarts);
    c.error.textContent = j.waitingFor ? "waiting since " + j.waitingSince + ": " + j.waitingFor : (j.lastError || "");
    c.durationValue.textContent = String(j.batchDurationMs);
    c.lagValue.textContent = String(j.sourceLagMs);
    const points = history[j.name] || [];
    drawSparkline(c.durationLine, points, 1, "ms");
    drawSparkline(c.lagLine, points, 2, "ms");
  }
  for (const [name, row] of rows) {
    if (!seen.has(name)) {
      row.tr.remove();
      rows.delete(name);
    }
  }
  const states = {};
  for (const j of jobs) states[j.state] = (states[j.state] || 0) + 1;
  $("summary").textContent = jobs.length + " jobs: " + Object.entries(states).map(([s, n]) => n + " " + s).join(", ");
}

async function refresh() {
  try {
    const [jobs, history, health] = await Promise.all([
      fetch("/jobs").then((r) => r.json()),
      fetch("/history").then((r) => r.json()),
      fetch("/health").then((r) => r.json()),
    ]);
    render(jobs, history.jobs);
    const h = $("health");
    h.textContent = health.status === "ok" ? "healthy" : "a job FAILED";
    h.className = "health " + health.status;
    $("refreshed").textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC";
  } catch (e) {
    $("refreshed").textContent = "the driver does not answer (" + e.message + "); retrying";
  }
}

async function act(name, action, button) {
  const t = token();
  const headers = t ? { Authorization: "Bearer " + t } : {};
  button.disabled = true;
  say(action + " " + name + "…", false);
  try {
    const r = await fetch("/jobs/" + encodeURIComponent(name) + "/" + action, { method: "POST", headers });
    const body = await r.json();
    if (r.status === 401) say("refused: " + action + " " + name + " needs the control token (enter it above)", true);
    else if (!r.ok) say(action + " " + name + " failed: " + body.error, true);
    else say(action + " " + name + ": now " + body.state, false);
  } catch (e) {
    say(action + " " + name + " failed: " + e.message, true);
  } finally {
    button.disabled = false;
    refresh();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("token").value.trim();
    $("token").value = "";
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    showTokenState();
  });
  $("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
  });
  showTokenState();
  refresh();
  setInterval(refresh, REFRESH_MS);
});
