/* global document, window, fetch, setTimeout, Node */
// The Eddy dashboard: polls the job's REST API once a second (one request for everything it
// shows) and redraws. Plain DOM, no framework; every value from the job goes in as text
// (textContent), never as markup. Once the job has ended the page keeps its final state and stops
// polling: the job's process may exit at any time after that.
'use strict';

const POLL_MS = 1000;
const SVG = 'http://www.w3.org/2000/svg';
// Tells the server this page is open, so that at the job's end it waits for the page to get the final state.
const PAGE = Math.random().toString(36).slice(2) + Date.now().toString(36);
const state = { since: -Infinity, points: [], final: false, keyed: '' };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

// JSON has no infinities: the API sends +Infinity as "+Inf", and -Infinity and NaN as null.
const INF = '+Inf';
const fmtCount = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} k` : String(Math.round(n)));
const fmtRate = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(n < 10 ? 1 : 0));
const fmtTime = (t) => (t === INF ? 'end of input' : t === null || t === undefined ? 'none' : new Date(t).toISOString().replace('T', ' ').replace('Z', ''));
const UNITS = [[365 * 86400000, 'y'], [86400000, 'd'], [3600000, 'h'], [60000, 'min'], [1000, 's']];
/** A duration in the largest unit that keeps it at 1 or more: "850 ms", "3.4 min", "2.0 y". */
function fmtDuration(ms) {
  if (ms === INF) return '> 100 y';
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  const a = Math.abs(ms);
  for (const [size, unit] of UNITS) if (a >= size) return `${(ms / size).toFixed(1)} ${unit}`;
  return `${Math.round(ms)} ms`;
}
const fmtBytes = (b) => (b < 1024 ? `${b} B` : b < 1048576 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / 1048576).toFixed(1)} MiB`);
const FINAL_WORDS = { finished: 'finished', stopped: 'was stopped with a savepoint', cancelled: 'was cancelled', failed: 'failed' };

async function api(path, init) {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

function setRows(tableId, rows) {
  $(tableId).tBodies[0].replaceChildren(...rows);
}

function renderJob(job) {
  $('job-name').textContent = job.name;
  $('job-status').textContent = job.status;
  $('job-status').className = `badge ${job.status}`;
  $('uptime').textContent = fmtDuration(job.uptimeMs);
  $('records-in').textContent = fmtCount(job.recordsIn);
  $('records-out').textContent = fmtCount(job.recordsOut);
  $('throughput').textContent = job.final ? '–' : fmtRate(job.throughputPerSec);
  $('watermark').textContent = fmtTime(job.watermark);
  $('late-count').textContent = fmtCount(job.lateDropped + job.lateToSideOutput);
  $('dead-letter-count').textContent = fmtCount(job.deadLetters);
  $('restart-count').textContent = String(job.restarts);
  const c = job.checkpoints;
  $('checkpoint-count').textContent = c ? `${c.completed} ok, ${c.failed} failed` : 'off';
  $('stop').hidden = !job.savepoints;
  $('savepoint').disabled = !job.savepoints || job.final;
  for (const id of ['stop', 'cancel']) $(id).disabled = job.final || job.status === 'stopping';
  if (job.final) {
    $('ended').hidden = false;
    $('ended').textContent = `The job ${FINAL_WORDS[job.status] || job.status} at ${fmtTime(job.endedAt)} after ${fmtDuration(job.uptimeMs)}. `
      + 'This page shows its final state; it stays here after the job\'s process has exited.';
  }
  document.title = `Eddy: ${job.name}${job.final ? ` (${job.status})` : ''}`;
}

function depthOf(ops) {
  const depth = new Map();
  for (const o of ops) depth.set(o.id, o.inputs.length === 0 ? 0 : Math.max(...o.inputs.map((i) => depth.get(i) ?? 0)) + 1);
  return depth;
}

/** A long generated name ('clicks/filter/key-by/window') keeps its end, which says what the operator is. */
const shortName = (name) => (name.length > 24 ? `…${name.slice(-23)}` : name);

function renderGraph(ops) {
  const svg = $('graph');
  const W = 180, H = 70, GX = 60, GY = 18;
  const depth = depthOf(ops);
  const rows = new Map();
  const pos = new Map();
  for (const o of ops) {
    const d = depth.get(o.id);
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    pos.set(o.id, { x: 10 + d * (W + GX), y: 10 + r * (H + GY) });
  }
  const width = 20 + (Math.max(0, ...depth.values()) + 1) * (W + GX);
  const height = 20 + Math.max(1, ...rows.values()) * (H + GY);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  const defs = el('svg:defs', {}, el('svg:marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' }, el('svg:path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9aa3ad' })));
  const parts = [defs];
  for (const o of ops) {
    for (const i of o.inputs) {
      const a = pos.get(i), b = pos.get(o.id);
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
      parts.push(el('svg:path', { class: 'edge', d: `M${x1},${y1} C${x1 + GX / 2},${y1} ${x2 - GX / 2},${y2} ${x2},${y2}` }));
    }
  }
  for (const o of ops) {
    const p = pos.get(o.id);
    const bp = o.rates.backpressured;
    const level = bp > 0.5 ? 'bad' : bp > 0.1 ? 'warn' : 'ok';
    const g = el('svg:g', { class: `op-node ${level}`, 'data-id': o.id, 'data-name': o.name, transform: `translate(${p.x},${p.y})` });
    g.append(el('svg:title', {}, `${o.kind} '${o.name}'${o.uid ? ` (uid ${o.uid})` : ''}: busy ${(o.rates.busy * 100).toFixed(0)} %, backpressured ${(bp * 100).toFixed(0)} %`));
    g.append(el('svg:rect', { width: W, height: H }));
    g.append(el('svg:rect', { class: 'busy', x: 0, y: H - 4, width: Math.max(0, Math.min(1, o.rates.busy)) * W, height: 4 }));
    g.append(el('svg:text', { class: 'title', x: 8, y: 16 }, shortName(o.name)));
    g.append(el('svg:text', { x: 8, y: 31 }, `${o.kind}  ·  in ${fmtRate(o.rates.inPerSec)}/s  out ${fmtRate(o.rates.outPerSec)}/s`));
    const wm = o.metrics.watermark;
    g.append(el('svg:text', { class: 'rate', x: 8, y: 46 }, `wm ${wm === null || wm === INF ? fmtTime(wm) : fmtTime(wm).slice(11)}  busy ${(o.rates.busy * 100).toFixed(0)}%`));
    const late = o.metrics.lateDropped + o.metrics.lateToSideOutput;
    const extra = [late > 0 ? `late ${fmtCount(late)}` : '', o.metrics.deadLetters > 0 ? `dead ${fmtCount(o.metrics.deadLetters)}` : '', o.metrics.stateKeys > 0 ? `${fmtCount(o.metrics.stateKeys)} keys` : ''].filter(Boolean).join('  ');
    g.append(el('svg:text', { x: 8, y: 60 }, extra));
    parts.push(g);
  }
  svg.replaceChildren(...parts);
}

function renderWatermarks(ops, sources) {
  setRows('watermarks', ops.filter((o) => o.kind !== 'sink').map((o) => el('tr', {},
    el('td', {}, o.name), el('td', {}, o.kind), el('td', {}, fmtTime(o.metrics.watermark)),
    el('td', {}, fmtDuration(o.watermarkLagMs)),
    el('td', {}, o.heldBackBy ? `${o.heldBackBy.source}${o.heldBackBy.split ? ` / ${o.heldBackBy.split}` : ''}` : ''))));
  const rows = [];
  let slowest = null;
  for (const s of sources) {
    s.splits.forEach((p, i) => {
      const holding = s.holdingBack === i;
      if (holding && (slowest === null || (p.watermark ?? -Infinity) < (slowest.p.watermark ?? -Infinity))) slowest = { s, p };
      rows.push(el('tr', { class: holding ? 'holding' : '' }, el('td', {}, s.name), el('td', {}, p.name), el('td', {}, fmtTime(p.watermark)),
        el('td', {}, p.finished ? 'finished' : p.idle ? 'idle' : holding ? 'holding time back' : 'active'), el('td', {}, p.lag === null ? '–' : fmtCount(p.lag))));
    });
  }
  setRows('splits', rows);
  $('held-back').textContent = slowest
    ? `Event time is held back by source '${slowest.s.name}', split '${slowest.p.name}' (watermark ${fmtTime(slowest.p.watermark)}). Windows fire once every live split's watermark passes their end; an idle split stops counting after the source's idleness timeout.`
    : 'No split holds event time back.';
}

function renderCheckpoints(list) {
  setRows('checkpoints', list.slice(-15).reverse().map((c) => el('tr', {},
    el('td', {}, c.id), el('td', { class: c.status }, c.status), el('td', {}, fmtDuration(c.durationMs)), el('td', {}, fmtDuration(c.syncMs)),
    el('td', {}, fmtBytes(c.bytes)), el('td', { class: 'failed' }, c.error || ''))));
}

function renderSamples(list) {
  setRows('samples', list.slice(-10).reverse().map((s) => el('tr', {},
    el('td', {}, fmtTime(s.at).slice(11)), el('td', {}, s.operator), el('td', {}, s.kind), el('td', { class: 'record' }, s.preview), el('td', {}, s.reason))));
}

function renderExceptions(list) {
  $('no-exceptions').hidden = list.length > 0;
  $('exceptions').hidden = list.length === 0;
  setRows('exceptions', list.slice().reverse().map((e) => {
    const error = el('td', { class: 'record' });
    if (e.stack) error.append(el('details', {}, el('summary', {}, e.message), el('pre', {}, e.stack)));
    else error.append(e.message);
    return el('tr', {}, el('td', {}, fmtTime(e.at)), el('td', {}, e.attempt), el('td', {}, e.operator || ''), error,
      el('td', { class: e.restartInMs === null ? 'failed' : '' }, e.restartInMs === null ? 'the job failed' : `restarted after ${fmtDuration(e.restartInMs)}`));
  }));
}

/** The state box only where some operator has keyed state, offering those operators. */
function renderStateBox(ops, final) {
  const keyed = ops.filter((o) => o.keyedState);
  $('state-box').hidden = keyed.length === 0;
  const ids = keyed.map((o) => o.uid || o.name).join('\n');
  if (ids !== state.keyed) {
    state.keyed = ids;
    $('state-operator').replaceChildren(...keyed.map((o) => el('option', { value: o.uid || o.name }, o.uid ? `${o.name} (uid ${o.uid})` : o.name)));
  }
  for (const id of ['state-operator', 'state-key']) $(id).disabled = final;
  $('state-form').querySelector('button').disabled = final;
  if (final) $('state-result').textContent = 'The job has ended: state is read only while it runs (eddy inspect reads it from a checkpoint).';
}

function drawChart(canvas, series, fmt) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, padL = 56, padB = 18, padT = 18;
  ctx.clearRect(0, 0, w, h);
  const pts = state.points;
  // Above the histogram's largest bucket ("+Inf") is drawn at the top, labelled as such.
  const value = (p, key) => (p[key] === INF ? Infinity : p[key]);
  let max = 0;
  let overflow = false;
  for (const s of series) for (const p of pts) {
    const v = value(p, s.key);
    if (v === Infinity) overflow = true;
    else if (Number.isFinite(v)) max = Math.max(max, v);
  }
  max = max <= 0 ? 1 : max * 1.1;
  ctx.strokeStyle = '#d9dde3';
  ctx.fillStyle = '#6b7480';
  ctx.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = padT + ((h - padT - padB) * i) / 4;
    ctx.beginPath(); ctx.moveTo(padL, y); ctx.lineTo(w, y); ctx.stroke();
    ctx.fillText(i === 0 && overflow ? 'overflow' : fmt(max * (1 - i / 4)), 2, y + 4);
  }
  if (pts.length > 1) {
    const t0 = pts[0].at, t1 = pts[pts.length - 1].at;
    ctx.fillText(fmtDuration(t1 - t0), padL, h - 4);
    const x = (t) => padL + ((w - padL - 4) * (t - t0)) / Math.max(1, t1 - t0);
    const y = (v) => padT + (h - padT - padB) * (1 - Math.min(v, max) / max);
    for (const s of series) {
      ctx.strokeStyle = s.color; ctx.lineWidth = 1.5; ctx.beginPath();
      let started = false;
      for (const p of pts) {
        const v = value(p, s.key);
        if (!(v === Infinity || Number.isFinite(v))) continue; // an interval without data (nothing reached a sink): draw across it
        if (started) ctx.lineTo(x(p.at), y(v)); else { ctx.moveTo(x(p.at), y(v)); started = true; }
      }
      ctx.stroke();
    }
  }
  let lx = padL;
  for (const s of series) {
    ctx.fillStyle = s.color; ctx.fillRect(lx, 4, 10, 10); ctx.fillStyle = '#1d2430'; ctx.fillText(s.label, lx + 14, 13);
    lx += ctx.measureText(s.label).width + 30;
  }
}

function render(d) {
  renderJob(d.job);
  renderGraph(d.operators);
  renderWatermarks(d.operators, d.sources);
  renderCheckpoints(d.checkpoints);
  renderSamples(d.samples);
  renderExceptions(d.exceptions);
  renderStateBox(d.operators, d.job.final);
  state.points = state.points.concat(d.history).slice(-600);
  if (d.history.length > 0) state.since = d.history[d.history.length - 1].at;
  drawChart($('chart-throughput'), [{ key: 'inPerSec', label: 'in', color: '#2f6fd6' }, { key: 'outPerSec', label: 'out', color: '#2e9d5b' }], fmtRate);
  drawChart($('chart-latency'), [{ key: 'eventTimeP50', label: 'event time p50', color: '#2f6fd6' }, { key: 'eventTimeP99', label: 'event time p99', color: '#d2412f' }, { key: 'ingestionP99', label: 'ingestion p99', color: '#e0a10b' }], fmtDuration);
  document.body.dataset.updated = String(d.job.now);
  document.body.dataset.status = d.job.status;
}

async function poll() {
  try {
    const d = await api(`/api/dashboard?page=${PAGE}&since=${Number.isFinite(state.since) ? state.since : ''}`);
    $('error').hidden = true;
    render(d);
    state.final = d.job.final;
  } catch (e) {
    $('error').hidden = false;
    $('error').textContent = `Cannot reach the job (its process may have exited); this page shows what it last saw: ${e.message}`;
    $('job-status').textContent = 'unreachable';
    $('job-status').className = 'badge ended';
  }
  if (!state.final) setTimeout(poll, POLL_MS);
}

async function act(what, path) {
  $('action-result').textContent = `${what}…`;
  try {
    const r = await api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    $('action-result').textContent = r.path ? `savepoint at ${r.path}` : `${what}: asked`;
  } catch (e) {
    $('action-result').textContent = e.message;
  }
}

$('savepoint').addEventListener('click', async () => {
  $('savepoint-result').textContent = 'writing…';
  try {
    const r = await api('/api/savepoints', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    $('savepoint-result').textContent = `savepoint at ${r.path}`;
  } catch (e) {
    $('savepoint-result').textContent = e.message;
  }
});
$('cancel').addEventListener('click', () => {
  if (window.confirm('Cancel the job? It stops at the next batch boundary, without a savepoint.')) void act('cancelling', '/api/cancel');
});
$('stop').addEventListener('click', () => {
  if (window.confirm('Stop the job with a savepoint? It writes a savepoint and stops exactly there.')) void act('stopping with a savepoint', '/api/stop');
});

$('state-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const op = encodeURIComponent($('state-operator').value), key = encodeURIComponent($('state-key').value);
  try {
    const r = await api(`/api/state/${op}/${key}`);
    $('state-result').textContent = r.values.length === 0 ? `no state for key ${JSON.stringify(r.key)}` : r.values.map((v) => `${v.table}: ${JSON.stringify(v.value)}`).join('\n');
  } catch (e) {
    $('state-result').textContent = e.message;
  }
});

if (window.location.search.includes('token=')) window.history.replaceState(null, '', window.location.pathname); // the cookie carries it now
poll();
