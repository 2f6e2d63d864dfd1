/**
 * Nexmark on Eddy and on Apache Flink, side by side on this machine, with checkpoints off and on.
 *
 *   npm run bench:nexmark [-- --events 2000000 --queries q0,q5 --checkpoints both --checkpoint-ms 10000 --runs 3 --no-flink]
 *
 * Every measurement runs in a process of its own: Eddy (bench/nexmark/eddy-run.ts), the Flink peer
 * (bench/peers/flink, a local mini-cluster at parallelism 1, built here with Maven) and the
 * hand-written loops (hand-loops.ts). Throughput is events per second per core: events over the
 * CPU time of the process, generator included. Prints a table, writes bench/results/nexmark.json
 * and docs/img/nexmark.svg. See docs/nexmark.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nexmarkConfig, nexmarkEvent } from '../../src/connectors/nexmark/index.ts';
import { QUERIES } from '../../examples/nexmark/queries/index.ts';
import { eventDigest } from './event-digest.ts';
import { buildFlinkPeer, flinkDigest, flinkQueries, runFlink } from './flink-peer.ts';
import { HAND_LOOPS } from './hand-loops.ts';
import { chart, check, table, type Row } from './report.ts';
import type { RunResult } from './run-result.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '' },
    queries: { type: 'string', default: '' },
    checkpoints: { type: 'string', default: 'both' },
    'checkpoint-ms': { type: 'string', default: '10000' },
    'no-flink': { type: 'boolean', default: false },
    'no-json': { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
  },
});

/** Sized so that a full run takes a few minutes on two quiet cores; Flink's stateful queries are the slow part. */
const DEFAULT_EVENTS: Record<string, number> = { q0: 3_000_000, q1: 3_000_000, q2: 3_000_000 };
const DEFAULT_STATEFUL_EVENTS = 1_000_000;

function parseEvents(spec: string): (query: string) => number {
  const num = (s: string) => {
    const n = Number(s.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--events: '${s}' is not a positive integer`);
    return n;
  };
  const perQuery = new Map<string, number>();
  let all: number | undefined;
  for (const part of spec.split(',').filter((p) => p !== '')) {
    const [q, n] = part.includes(':') ? part.split(':') : [undefined, part];
    if (q === undefined) all = num(n);
    else perQuery.set(q, num(n));
  }
  return (q) => perQuery.get(q) ?? all ?? DEFAULT_EVENTS[q] ?? DEFAULT_STATEFUL_EVENTS;
}

const eventsFor = parseEvents(values.events);
const queries = values.queries === '' ? Object.keys(QUERIES) : values.queries.split(',');
for (const q of queries) if (!Object.hasOwn(QUERIES, q)) throw new Error(`--queries: Eddy has no query '${q}'; it has ${Object.keys(QUERIES).join(', ')}`);
const checkpointMs = Number(values['checkpoint-ms']);
const modes = { off: [0], on: [checkpointMs], both: [0, checkpointMs] }[values.checkpoints];
if (modes === undefined) throw new Error(`--checkpoints must be off, on or both; got '${values.checkpoints}'`);
const withFlink = !values['no-flink'];
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be an integer >= 1; got '${values.runs}'`);

/** Runs a measurement RUNS times and keeps the run with the median CPU time, with every run's CPU time. */
function median(measure: () => RunResult): RunResult & { cpuNsRuns: number[] } {
  const runs = Array.from({ length: RUNS }, measure).sort((a, b) => a.cpuNs - b.cpuNs);
  return { ...runs[(runs.length - 1) >> 1], cpuNsRuns: runs.map((r) => r.cpuNs) };
}

const HERE = dirname(fileURLToPath(import.meta.url));
function nodeChild(script: string, args: string[]): RunResult {
  const r = spawnSync(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', `${HERE}/${script}`, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as RunResult;
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const javaVersion = () => {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return (r.stderr ?? '').split('\n')[0] ?? 'unknown';
};

console.log(`Nexmark: Eddy (Node ${process.version}) against Flink 1.20 (${withFlink ? javaVersion() : 'skipped'}), ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
console.log(`load average at start: ${load()}`);

let flinkHas = new Set<string>();
let generatorsAgree: boolean | null = null;
if (withFlink) {
  process.stdout.write('building the Flink peer (mvn -q package; log in bench/peers/flink/target/build.log) ... ');
  buildFlinkPeer();
  flinkHas = new Set(flinkQueries());
  const n = 100_000;
  const config = nexmarkConfig();
  const ours = eventDigest(Array.from({ length: n }, (_, i) => nexmarkEvent(config, i)));
  generatorsAgree = flinkDigest(n) === ours;
  console.log(generatorsAgree ? `done; the first ${n.toLocaleString('en-US')} events are identical (SHA-256)` : 'done');
  if (!generatorsAgree) console.log(`WARNING: the Flink peer's generator differs from Eddy's on the first ${n} events: the comparison is not like for like`);
}

const rows: (Row & { load: string })[] = [];
for (const query of queries) {
  const events = eventsFor(query);
  for (const ms of modes) {
    const mode = ms === 0 ? 'off' : `${ms / 1000} s`;
    const loadBefore = load();
    const eddy = median(() => nodeChild('eddy-run.ts', ['--query', query, '--events', String(events), '--checkpoint-ms', String(ms)]));
    const hand = ms === 0 && Object.hasOwn(HAND_LOOPS, query) ? median(() => nodeChild('hand-run.ts', ['--query', query, '--events', String(events)])) : null;
    let flink: RunResult | null = null;
    let flinkNote: string | undefined;
    if (!withFlink) flinkNote = 'skipped';
    else if (!flinkHas.has(query)) flinkNote = 'not in peer';
    else flink = median(() => runFlink(query, events, ms));
    const row = { query, checkpoints: mode, eddy, flink, hand, flinkNote, load: loadBefore };
    rows.push(row);
    console.log(`  ${query} checkpoints ${mode}: eddy ${(events / (eddy.cpuNs / 1e9) / 1e6).toFixed(3)} M/core`
      + (flink ? `, flink ${(events / (flink.cpuNs / 1e9) / 1e6).toFixed(3)} M/core` : '')
      + (hand ? `, hand ${(events / (hand.cpuNs / 1e9) / 1e6).toFixed(3)} M/core` : '')
      + ` (load ${loadBefore}) ${check(row)}`);
  }
}

console.log();
console.log(table(rows));
console.log(`\nload average at end: ${load()}`);

const date = new Date().toISOString();
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const mismatches = rows.filter((r) => check(r).startsWith('MISMATCH'));
if (!values['no-json']) {
  const json = fileURLToPath(new URL('../results/nexmark.json', import.meta.url));
  const svg = fileURLToPath(new URL('../../docs/img/nexmark.svg', import.meta.url));
  mkdirSync(dirname(json), { recursive: true });
  mkdirSync(dirname(svg), { recursive: true });
  writeFileSync(json, `${JSON.stringify({
    date, commit, node: process.version, java: withFlink ? javaVersion() : null, cpu: os.cpus()[0]?.model, cores: os.cpus().length,
    checkpointMs, runs: RUNS, generatorsAgree, rows,
  }, null, 2)}\n`);
  const subtitle = `${date.slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, commit ${commit}; load at start ${rows[0]?.load ?? '?'}`;
  writeFileSync(svg, chart(rows, subtitle));
  console.log('wrote bench/results/nexmark.json and docs/img/nexmark.svg');
}
if (mismatches.length > 0) {
  console.error(`result counts differ on ${mismatches.map((r) => `${r.query} (${r.checkpoints})`).join(', ')}`);
  process.exit(1);
}
