/**
 * Pattern detection on Eddy and on Apache Flink CEP 1.20, side by side on this machine.
 *
 *   npm run bench:cep [-- --events 10000000 --keys 100000 --patterns strict,loop-within,absence --runs 1 --no-flink]
 *
 * Each measurement runs in a process of its own, as the Nexmark benchmark's do: Eddy
 * (bench/cep/eddy-cep-run.ts) and the Flink peer (bench/peers/flink, eddy.bench.cep.CepBench, a
 * local mini-cluster at parallelism 1), the generator included in both. Three patterns over the
 * same events (bench-patterns.ts): a strict sequence, a relaxed sequence with a loop and within,
 * an absence. Reports events/s per core (events over the process's CPU time), the share of the CPU
 * time that warm-up took (the first half of the events cost more than the second: the excess over
 * the total; under 10% the run is long enough), peak resident memory, and the partial matches and
 * events Eddy's operator held at the end (before the final watermark times them out). Both systems
 * must make the same number of matches. Writes bench/results/cep.json; see docs/cep.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFlinkPeer, runPeerMain } from '../nexmark/flink-peer.ts';
import { BENCH_PATTERNS, WITHIN_MS } from './bench-patterns.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    keys: { type: 'string', default: '100000' },
    patterns: { type: 'string', default: Object.keys(BENCH_PATTERNS).join(',') },
    runs: { type: 'string', default: '1' },
    'no-flink': { type: 'boolean', default: false },
    'no-json': { type: 'boolean', default: false },
  },
});
const events = Number(values.events.replaceAll('_', ''));
const keys = Number(values.keys.replaceAll('_', ''));
const patterns = values.patterns.split(',');
const runs = Number(values.runs);
for (const p of patterns) if (!Object.hasOwn(BENCH_PATTERNS, p)) throw new Error(`--patterns: no pattern '${p}'; they are ${Object.keys(BENCH_PATTERNS).join(', ')}`);
if (!Number.isSafeInteger(events) || events < 1000) throw new Error(`--events must be an integer >= 1000; got '${values.events}'`);

interface Run {
  readonly system: 'eddy' | 'flink';
  readonly pattern: string;
  readonly events: number;
  readonly results: number;
  readonly cpuNs: number;
  readonly halfCpuNs: number;
  readonly wallNs: number;
  readonly maxRssKb: number;
  readonly atEnd?: { partialMatches: number; bufferedEvents: number };
  readonly load: [number, number];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const load = () => os.loadavg()[0];

function eddy(pattern: string): Run {
  const l0 = load();
  const r = spawnSync(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', `${HERE}/eddy-cep-run.ts`,
    '--pattern', pattern, '--events', String(events), '--keys', String(keys)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`eddy-cep-run ${pattern} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop() ?? ''), system: 'eddy', load: [l0, load()] } as Run;
}

function flink(pattern: string): Run {
  const l0 = load();
  const line = runPeerMain('eddy.bench.cep.CepBench', ['--pattern', pattern, '--events', String(events), '--keys', String(keys)], 3_600_000);
  return { ...JSON.parse(line), system: 'flink', load: [l0, load()] } as Run;
}

/** The run with the median CPU time. */
function median(measure: () => Run): Run {
  const all = Array.from({ length: runs }, measure).sort((a, b) => a.cpuNs - b.cpuNs);
  return all[(all.length - 1) >> 1];
}

const perCore = (r: Run) => r.events / (r.cpuNs / 1e9);
/** The first half's excess CPU over the second half's, as a share of the whole run. */
const warmup = (r: Run) => (r.halfCpuNs <= 0 ? Number.NaN : Math.max(0, r.halfCpuNs - (r.cpuNs - r.halfCpuNs)) / r.cpuNs);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => (Number.isNaN(n) ? '-' : `${(n * 100).toFixed(1)}%`);

if (!values['no-flink']) buildFlinkPeer();
console.log(`CEP benchmark: ${fmt(events)} events over ${fmt(keys)} keys, one event per ms of event time, within ${WITHIN_MS / 60_000} min; ${os.cpus().length} cores`);
const rows: { pattern: string; eddy: Run; flink: Run | null }[] = [];
for (const pattern of patterns) {
  const e = median(() => eddy(pattern));
  const f = values['no-flink'] ? null : median(() => flink(pattern));
  if (f !== null && f.results !== e.results) throw new Error(`${pattern}: Flink made ${f.results} matches, Eddy ${e.results}: the two do not compute the same thing`);
  rows.push({ pattern, eddy: e, flink: f });
  const line = (r: Run) => `  ${r.system.padEnd(6)} ${fmt(perCore(r)).padStart(10)} events/s per core  warm-up ${pct(warmup(r)).padStart(6)}  peak RSS ${fmt(r.maxRssKb / 1024).padStart(6)} MB` +
    `${r.atEnd ? `  at the end: ${fmt(r.atEnd.partialMatches)} partial matches, ${fmt(r.atEnd.bufferedEvents)} events held` : ''}  (load ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)})`;
  console.log(`${pattern}: ${fmt(e.results)} matches`);
  console.log(line(e));
  if (f !== null) {
    console.log(line(f));
    console.log(`  Eddy / Flink per core: ${(perCore(e) / perCore(f)).toFixed(2)}x`);
  }
}
if (!values['no-json']) {
  const out = fileURLToPath(new URL('../results/cep.json', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    date: new Date().toISOString(), events, keys, withinMs: WITHIN_MS, cores: os.cpus().length, node: process.version,
    rows: rows.map((r) => ({
      pattern: r.pattern, matches: r.eddy.results,
      eddy: { perCore: Math.round(perCore(r.eddy)), warmup: warmup(r.eddy), maxRssKb: r.eddy.maxRssKb, atEnd: r.eddy.atEnd, load: r.eddy.load },
      flink: r.flink === null ? null : { perCore: Math.round(perCore(r.flink)), warmup: warmup(r.flink), maxRssKb: r.flink.maxRssKb, load: r.flink.load },
      ratio: r.flink === null ? null : perCore(r.eddy) / perCore(r.flink),
    })),
  }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
