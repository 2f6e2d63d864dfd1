// Join throughput and state size: interval joins and window joins (tumbling, sliding, session) of two generated
// streams (1 000 keys, both sides 1 record per ms of event time, up to 500 ms out of order), run
// through the production runner to a counting sink. Reports events/s (both inputs counted), CPU
// per event, results, and the join's keyed state (buffered records, keys, approximate bytes)
// sampled halfway through and just before the input ends (after the end everything is evicted).
// Each configuration runs `--rounds` times; the table shows medians. Events per CPU second (the
// process's CPU time, GC included) is the figure to compare on a shared machine; wall-clock events/s
// is shown too. Writes bench/results/joins.json.
// Run: npm run bench:joins [-- --events 1000000 --rounds 3 --only interval]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  EventTimeSessionWindows, HeapStateBackend, SlidingEventTimeWindows, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sources,
  type DataStream, type KeyedStateBackend, type KeyedStream, type Sink,
} from 'eddy';
import { startStopwatch } from './stopwatch.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const EVENTS = arg('events', 1_000_000); // per side
const ROUNDS = arg('rounds', 3);
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? args[onlyAt + 1] : null;
const KEYS = 1_000;
const JITTER_MS = 500;

interface Ev { k: number; ts: number; v: number }

/** Event i of a side: time i ms give or take the jitter, a scattered key. */
const event = (i: number, salt: number): Ev => {
  const h = Math.imul(i ^ salt, 2654435761) >>> 0;
  return { k: h % KEYS, ts: i + (h % JITTER_MS), v: i };
};

interface StateSample { readonly entries: number; readonly keys: number; readonly bytes: number }

/** The join's buffered records, keys with state and approximate bytes (walks the state). */
function sample(backend: KeyedStateBackend | null): StateSample {
  if (backend === null) return { entries: 0, keys: 0, bytes: 0 };
  let entries = 0;
  let keys = 0;
  let bytes = 0;
  for (const t of backend.stats()) {
    if (t.name.startsWith('__')) continue;
    keys += t.keys;
    bytes += t.bytes;
    for (const [, list] of backend.table<unknown[]>(t.name).entries()) entries += Array.isArray(list) ? list.length : 1;
  }
  return { entries, keys, bytes };
}

type Build = (l: KeyedStream<number, Ev>, r: KeyedStream<number, Ev>) => DataStream<number>;
interface Workload { readonly name: string; readonly description: string; readonly build: Build; readonly windowState: boolean }

const WORKLOADS: Workload[] = [
  {
    name: 'interval', description: 'interval join, right within [-2 s, +2 s] of left, inner',
    build: (l, r) => l.intervalJoin(r).between(-2_000, 2_000).apply((a, b) => a.v + b.v), windowState: false,
  },
  {
    name: 'interval-outer', description: 'the same as a full outer join',
    build: (l, r) => l.intervalJoin(r).between(-2_000, 2_000).fullOuter().apply((a, b) => (a?.v ?? 0) + (b?.v ?? 0)), windowState: false,
  },
  {
    name: 'window', description: 'tumbling 1 s window join, inner',
    build: (l, r) => l.join(r).window(TumblingEventTimeWindows.of(1_000)).apply((a, b) => a.v + b.v), windowState: false,
  },
  {
    name: 'window-sliding', description: 'sliding window join, 2 s every 1 s, inner',
    build: (l, r) => l.join(r).window(SlidingEventTimeWindows.of(2_000, 1_000)).apply((a, b) => a.v + b.v), windowState: false,
  },
  {
    name: 'window-session', description: 'session window join, 500 ms gap, inner (state in the window operator)',
    build: (l, r) => l.join(r).window(EventTimeSessionWindows.withGap(500)).apply((a, b) => a.v + b.v), windowState: true,
  },
];

interface Run { readonly wallNs: number; readonly cpuNs: number; readonly results: number; readonly checksum: number; readonly half: StateSample; readonly end: StateSample }

async function runOnce(w: Workload): Promise<Run> {
  let backend: KeyedStateBackend | null = null;
  let half: StateSample = { entries: 0, keys: 0, bytes: 0 };
  let end: StateSample = { entries: 0, keys: 0, bytes: 0 };
  const env = StreamEnvironment.create({
    stateBackend: () => (backend = new HeapStateBackend()),
  });
  let results = 0;
  let checksum = 0;
  const counter: Sink<number> = {
    kind: 'count', describe: () => 'count',
    createWriter: () => ({
      open: async () => {},
      write: (values: readonly number[], _times: readonly number[], n: number) => {
        results += n;
        for (let i = 0; i < n; i++) checksum = (checksum + values[i]) % 1_000_000_007;
      },
      backlog: 0, capacity: 1, flush: async () => {}, close: async () => {},
    }),
  };
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(JITTER_MS).withTimestampAssigner((e) => e.ts);
  // The left generator samples the state as it makes the middle and the last record (its reader
  // runs between the runner's rounds, when no record is in flight).
  const left = env.fromSource(sources.generator<Ev>({
    count: EVENTS,
    generate: (i) => {
      if (i === EVENTS >> 1 && !w.windowState) half = sample(backend);
      if (i === EVENTS - 1 && !w.windowState) end = sample(backend);
      return event(i, 0x5bd1e995);
    },
  }), strategy, 'left').keyBy((e) => e.k);
  const right = env.fromSource(sources.generator<Ev>({ count: EVENTS, generate: (i) => event(i, 0x27d4eb2f) }), strategy, 'right').keyBy((e) => e.k);
  w.build(left, right).sinkTo(counter);
  const stop = startStopwatch();
  const result = await env.execute(`bench-${w.name}`);
  const { wallNs, cpuNs } = stop();
  if (result.status !== 'finished') throw new Error(`bench ${w.name}: job ${result.status}`);
  return { wallNs, cpuNs, results, checksum, half, end };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const report: Record<string, unknown> = {
  date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
  eventsPerSide: EVENTS, keys: KEYS, jitterMs: JITTER_MS, rounds: ROUNDS, workloads: {} as Record<string, unknown>,
};
console.log(`joins: ${EVENTS.toLocaleString('en')} events per side, ${KEYS} keys, ${ROUNDS} rounds (median)`);
console.log('workload        events/s per CPU s (wall)   cpu ns/event   results      state halfway (records / keys / bytes)   just before the end');
for (const w of WORKLOADS) {
  if (ONLY !== null && w.name !== ONLY) continue;
  const runs: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await runOnce(w));
  const stable = runs.every((r) => r.results === runs[0].results && r.checksum === runs[0].checksum);
  const rate = median(runs.map((r) => (2 * EVENTS) / (r.wallNs / 1e9)));
  const cpu = median(runs.map((r) => r.cpuNs / (2 * EVENTS)));
  const { half, end } = runs[0];
  (report.workloads as Record<string, unknown>)[w.name] = {
    description: w.description, eventsPerCpuSec: Math.round(1e9 / cpu), eventsPerSec: Math.round(rate), cpuNsPerEvent: Math.round(cpu), results: runs[0].results,
    checksum: runs[0].checksum, stable, wallMs: runs.map((r) => Math.round(r.wallNs / 1e6)),
    state: w.windowState ? 'in the window operator (not sampled)' : { halfway: half, beforeEnd: end },
  };
  const st = (s: StateSample) => `${s.entries.toLocaleString('en')} / ${s.keys.toLocaleString('en')} / ${(s.bytes / 1e6).toFixed(1)} MB`;
  console.log(`${w.name.padEnd(15)} ${(1e9 / cpu / 1e6).toFixed(2).padStart(6)} M (${(rate / 1e6).toFixed(2)} M wall)   ${String(Math.round(cpu)).padStart(10)}   ${String(runs[0].results).padStart(9)}${stable ? '' : ' (UNSTABLE)'}   ` +
    (w.windowState ? 'window operator state (not sampled)' : `${st(half).padEnd(40)} ${st(end)}`));
}

if (ONLY === null) {
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('results/joins.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote bench/results/joins.json');
}
