// Checkpoint cost, measured in one run: throughput of the same stateful job with checkpoints
// every 1 s and every 10 s against none, on each state backend; then the time to restore a large
// keyed state. Run: npm run bench:checkpoints [-- --seconds 20 --restore-mb 1024]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import * as eddy from 'eddy';
import { StreamEnvironment, WatermarkStrategy, sources, type KeyedProcessFunction, type KeyedStateBackend, type Sink, type ValueState } from 'eddy';
import { startStopwatch } from './stopwatch.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 20);
const KEYS = arg('keys', 1_000_000);
const RESTORE_MB = arg('restore-mb', 1024);

const nullSink: Sink<unknown> = {
  kind: 'null', describe: () => 'null',
  createWriter: () => ({ open: async () => {}, write: () => {}, backlog: 0, capacity: 1, flush: async () => {}, close: async () => {} }),
};

type Backends = Record<string, (dir: string) => () => KeyedStateBackend>;
const backends: Backends = { heap: () => () => new eddy.HeapStateBackend() };
const Lmdb = (eddy as Record<string, unknown>).LmdbStateBackend as (new (o: { path: string }) => KeyedStateBackend) | undefined;
if (Lmdb !== undefined) {
  let n = 0;
  backends.lmdb = (dir) => () => new Lmdb({ path: join(dir, `lmdb-${n++}`) });
}

interface Ev { k: number; v: number }

/** A running sum per key in ValueState: every record reads and writes state. */
function sumJob(env: StreamEnvironment, count?: number, pad = 0) {
  type Fn = KeyedProcessFunction<number, Ev, never> & { s: ValueState<{ sum: number; pad: string }> };
  const padding = 'x'.repeat(pad);
  const fn: Fn = {
    s: undefined as never,
    open(ctx) { this.s = ctx.getState('sum'); },
    processElement(e) {
      const cur = this.s.value();
      this.s.update({ sum: (cur?.sum ?? 0) + e.v, pad: cur?.pad ?? padding });
    },
  };
  env.fromSource(sources.generator<Ev>({ count, generate: (i) => ({ k: (Math.imul(i, 2654435761) >>> 0) % KEYS, v: i & 7 }) }), WatermarkStrategy.noWatermarks(), 'events')
    .keyBy((e) => e.k).process(fn).uid('sum').sinkTo(nullSink);
}

async function throughput(backend: string, intervalMs: number | null): Promise<{ rate: number; checkpoints: number; lastBytes: number; lastDurationMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-cpbench-'));
  try {
    const env = StreamEnvironment.create({
      log: () => {}, stateBackend: backends[backend](dir),
      checkpoints: intervalMs === null ? null : { dir: join(dir, 'ckpt'), intervalMs, retain: 2 },
    });
    sumJob(env);
    const stop = startStopwatch();
    const job = env.executeAsync('sum');
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const m = job.metrics();
    const wall = stop().wallNs / 1e9;
    job.cancel();
    await job.result;
    const c = m.checkpoints;
    return { rate: m.recordsIn / wall, checkpoints: c?.completed ?? 0, lastBytes: c?.lastBytes ?? 0, lastDurationMs: c?.lastDurationMs ?? 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function restoreTime(backend: string): Promise<{ stateMb: number; keys: number; restoreMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-restorebench-'));
  try {
    const pad = 200;
    const keys = Math.round((RESTORE_MB * 1024 * 1024) / (pad + 40));
    const make = () => StreamEnvironment.create({ log: () => {}, stateBackend: backends[backend](dir), checkpoints: { dir: join(dir, 'ckpt'), intervalMs: 3_600_000 } });
    const build = (env: StreamEnvironment) => {
      type Fn = KeyedProcessFunction<number, number, never> & { s: ValueState<string> };
      const fn: Fn = { s: undefined as never, open(ctx) { this.s = ctx.getState('blob'); }, processElement(i) { this.s.update(`${i}`.padEnd(pad, '.')); } };
      env.fromSource(sources.generator({ count: keys, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'keys').keyBy((i) => i).process(fn).uid('blob').sinkTo(nullSink);
    };
    const first = make();
    build(first);
    const r1 = await first.execute('fill');
    const stateMb = (r1.checkpoints[r1.checkpoints.length - 1]?.bytes ?? 0) / 1024 / 1024;
    const second = make();
    build(second);
    const r2 = await second.execute('restore');
    return { stateMb, keys, restoreMs: r2.metrics.checkpoints?.restoreMs ?? Number.NaN };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each configuration runs in a fresh process, so garbage and JIT state of one do not bias the next. */
function child(mode: string, backend: string, interval: number | null): Record<string, number> {
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', mode, backend, String(interval), '--seconds', String(SECONDS), '--keys', String(KEYS), '--restore-mb', String(RESTORE_MB)], {
    encoding: 'utf8', maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`child ${mode} ${backend} ${interval} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, number>;
}

const childAt = args.indexOf('--child');
if (childAt >= 0) {
  const [mode, backend, interval] = args.slice(childAt + 1, childAt + 4);
  const result = mode === 'throughput' ? await throughput(backend, interval === 'null' ? null : Number(interval)) : await restoreTime(backend);
  console.log(JSON.stringify(result));
  process.exit(0);
}

const rows: string[] = [];
const json: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, seconds: SECONDS, keys: KEYS, runs: [] as unknown[] };
console.log(`checkpoint overhead: ${SECONDS} s per configuration, ${KEYS} keys, running sum in ValueState`);
rows.push('| backend | checkpoints | events/s | overhead vs none | checkpoints done | last checkpoint | last size |', '|---|---|---|---|---|---|---|');
for (const backend of Object.keys(backends)) {
  let base = 0;
  for (const interval of [null, 10_000, 1_000] as const) {
    const r = child('throughput', backend, interval) as unknown as Awaited<ReturnType<typeof throughput>>;
    if (interval === null) base = r.rate;
    const overhead = interval === null ? '-' : `${(((base - r.rate) / base) * 100).toFixed(1)}%`;
    rows.push(`| ${backend} | ${interval === null ? 'none' : `every ${interval / 1000} s`} | ${(r.rate / 1e6).toFixed(2)} M | ${overhead} | ${r.checkpoints} | ${r.lastDurationMs} ms | ${(r.lastBytes / 1e6).toFixed(1)} MB |`);
    (json.runs as unknown[]).push({ backend, intervalMs: interval, ...r });
    console.log(rows[rows.length - 1]);
  }
}
rows.push('', '| backend | keyed state | keys | restore time | per GB |', '|---|---|---|---|---|');
for (const backend of Object.keys(backends)) {
  const r = child('restore', backend, null) as unknown as Awaited<ReturnType<typeof restoreTime>>;
  rows.push(`| ${backend} | ${r.stateMb.toFixed(0)} MB | ${r.keys} | ${(r.restoreMs / 1000).toFixed(1)} s | ${((r.restoreMs / 1000) / (r.stateMb / 1024)).toFixed(1)} s |`);
  (json.runs as unknown[]).push({ backend, restore: r });
  console.log(rows[rows.length - 1]);
}
console.log(`\n${rows.join('\n')}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/checkpoints.json', `${JSON.stringify(json, null, 1)}\n`);
