// Checkpoint cost, measured in one run: throughput of the same stateful job with checkpoints
// every 1 s and every 10 s against none, on each state backend; then the time to restore a large
// keyed state. The configurations run interleaved (none, 10 s, 1 s, none, 10 s, ...), each in a
// fresh process, `--rounds` times; the overhead of a round is taken against the same round's run
// without checkpoints, and the table shows medians, so a noisy neighbour skews one round, not all.
// Besides events per wall second, it reports events per CPU second of the whole process (every
// thread: LMDB's copy thread and fsyncs count): on a shared machine that figure moves less with
// the neighbours' load, and its overhead is the cost of checkpoints in work done. On a loaded
// machine both overheads are inflated (a checkpoint every 10 s of wall time costs the same CPU
// while the job gets less of it), so it also reports the CPU time each checkpoint cost (the run's
// CPU minus what its records cost at the same round's no-checkpoint rate) and the overhead that
// projects to a job that has a core to itself: cost / (interval + cost).
// Two workloads: "uniform" updates all keys at random (between two 10 s checkpoints every key
// changes, so each checkpoint writes the whole state); "hot" writes every key once, then updates
// only `--hot-keys` of them, so the checkpoints after the first are deltas of what changed.
// Run: npm run bench:checkpoints [-- --seconds 21 --rounds 3 --restore-mb 1024 --only heap --workload hot --restore-only]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as eddy from 'eddy';
import { StreamEnvironment, WatermarkStrategy, sources, type KeyedProcessFunction, type KeyedStateBackend, type Sink, type ValueState } from 'eddy';
import { startStopwatch } from './stopwatch.ts';
import { CheckpointStorage } from '../src/checkpoint/checkpoint-storage.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 21);
const ROUNDS = arg('rounds', 3);
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? args[onlyAt + 1] : null;
const KEYS = arg('keys', 1_000_000);
const RESTORE_MB = arg('restore-mb', 1024);
const HOT_KEYS = arg('hot-keys', 10_000);
const workloadAt = args.indexOf('--workload');
const WORKLOADS = workloadAt >= 0 ? [args[workloadAt + 1]] : ['uniform', 'hot'];

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

/**
 * A running sum per key in ValueState: every record reads and writes state. "uniform" spreads the
 * records over all keys; "hot" writes each key once, then only the first HOT_KEYS keys.
 */
function sumJob(env: StreamEnvironment, workload: string, count?: number, pad = 0) {
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
  env.fromSource(sources.generator<Ev>({ count, generate: workload === 'hot'
    ? (i) => ({ k: i < KEYS ? i : (Math.imul(i, 2654435761) >>> 0) % HOT_KEYS, v: i & 7 })
    : (i) => ({ k: (Math.imul(i, 2654435761) >>> 0) % KEYS, v: i & 7 }) }), WatermarkStrategy.noWatermarks(), 'events')
    .keyBy((e) => e.k).process(fn).uid('sum').sinkTo(nullSink);
}

async function throughput(backend: string, workload: string, intervalMs: number | null): Promise<{ rate: number; cpuRate: number; recordsIn: number; cpuSeconds: number; checkpoints: number; lastBytes: number; lastDurationMs: number; lastSyncMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-cpbench-'));
  try {
    const env = StreamEnvironment.create({
      log: () => {}, stateBackend: backends[backend](dir),
      checkpoints: intervalMs === null ? null : { dir: join(dir, 'ckpt'), intervalMs, retain: 2 },
    });
    sumJob(env, workload);
    const stop = startStopwatch();
    const cpu0 = process.cpuUsage();
    const job = env.executeAsync('sum');
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const m = job.metrics();
    const wall = stop().wallNs / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    job.cancel();
    await job.result;
    const c = m.checkpoints;
    return { rate: m.recordsIn / wall, cpuRate: m.recordsIn / cpuSeconds, recordsIn: m.recordsIn, cpuSeconds, checkpoints: c?.completed ?? 0, lastBytes: c?.lastBytes ?? 0, lastDurationMs: c?.lastDurationMs ?? 0, lastSyncMs: c?.lastSyncMs ?? 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function restoreTime(backend: string): Promise<{ stateMb: number; keys: number; restoreMs: number; verifyMs: number }> {
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
    // What the restart does before restoring: find the newest checkpoint and check every file's
    // checksum (the job's restoreMs does not include it, so it is timed here on its own).
    const verifyStarted = performance.now();
    await new CheckpointStorage(join(dir, 'ckpt')).latestValid(() => {});
    const verifyMs = performance.now() - verifyStarted;
    const second = make();
    build(second);
    const r2 = await second.execute('restore');
    return { stateMb, keys, restoreMs: r2.metrics.checkpoints?.restoreMs ?? Number.NaN, verifyMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each configuration runs in a fresh process, so garbage and JIT state of one do not bias the next. */
function child(mode: string, backend: string, interval: number | null, workload = 'uniform'): Record<string, number> {
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', mode, backend, String(interval), workload, '--hot-keys', String(HOT_KEYS), '--seconds', String(SECONDS), '--keys', String(KEYS), '--restore-mb', String(RESTORE_MB), '--rounds', String(ROUNDS)], {
    encoding: 'utf8', maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`child ${mode} ${backend} ${interval} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, number>;
}

const childAt = args.indexOf('--child');
if (childAt >= 0) {
  const [mode, backend, interval, workload] = args.slice(childAt + 1, childAt + 5);
  const result = mode === 'throughput' ? await throughput(backend, workload, interval === 'null' ? null : Number(interval)) : await restoreTime(backend);
  console.log(JSON.stringify(result));
  process.exit(0);
}

const rows: string[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const json: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg(), seconds: SECONDS, rounds: ROUNDS, keys: KEYS, hotKeys: HOT_KEYS, runs: [] as unknown[] };
console.log(`checkpoint overhead: ${ROUNDS} interleaved rounds of ${SECONDS} s per configuration, ${KEYS} keys (hot: ${HOT_KEYS} updated after the first pass), running sum in ValueState`);
rows.push('| workload | backend | checkpoints | events/s (median) | overhead (wall) | events per CPU s (median) | overhead (CPU) | CPU per checkpoint (median) | projected overhead, own core | checkpoints done | last checkpoint | last pause | last size |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
const selected = Object.keys(backends).filter((b) => ONLY === null || ONLY === b);
for (const [workload, backend] of args.includes('--restore-only') ? [] : WORKLOADS.flatMap((w) => selected.map((b) => [w, b] as const))) {
  const intervals = [null, 10_000, 1_000] as const;
  const runs = new Map<number | null, Awaited<ReturnType<typeof throughput>>[]>(intervals.map((i) => [i, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const interval of intervals) {
      const r = child('throughput', backend, interval, workload) as unknown as Awaited<ReturnType<typeof throughput>>;
      runs.get(interval)!.push(r);
      (json.runs as unknown[]).push({ workload, backend, round, intervalMs: interval, ...r });
      console.log(`  round ${round + 1} ${workload} ${backend} ${interval === null ? 'none' : `${interval / 1000} s`}: ${(r.rate / 1e6).toFixed(3)} M/s, ${(r.cpuRate / 1e6).toFixed(3)} M per CPU s, ${r.checkpoints} checkpoints`);
    }
  }
  const base = runs.get(null)!;
  for (const interval of intervals) {
    const rs = runs.get(interval)!;
    const last = rs[rs.length - 1];
    const wallOver = rs.map((r, i) => ((base[i].rate - r.rate) / base[i].rate) * 100);
    const cpuOver = rs.map((r, i) => ((base[i].cpuRate - r.cpuRate) / base[i].cpuRate) * 100);
    // CPU seconds per checkpoint beyond what the records themselves cost.
    const perCheckpoint = rs.filter((r) => r.checkpoints > 0).map((r) => (r.cpuSeconds - r.recordsIn / base[rs.indexOf(r)].cpuRate) / r.checkpoints);
    const cost = perCheckpoint.length > 0 ? median(perCheckpoint) : Number.NaN;
    const projected = interval === null ? Number.NaN : (cost / (interval / 1000 + cost)) * 100;
    const pct = (xs: number[]) => (interval === null ? '-' : `${median(xs).toFixed(1)}%`);
    rows.push(`| ${workload} | ${backend} | ${interval === null ? 'none' : `every ${interval / 1000} s`} | ${(median(rs.map((r) => r.rate)) / 1e6).toFixed(3)} M | ${pct(wallOver)} | ${(median(rs.map((r) => r.cpuRate)) / 1e6).toFixed(3)} M | ${pct(cpuOver)} | ${interval === null ? '-' : `${(cost * 1000).toFixed(0)} ms`} | ${interval === null ? '-' : `${projected.toFixed(1)}%`} | ${last.checkpoints} | ${last.lastDurationMs} ms | ${last.lastSyncMs} ms | ${last.lastBytes >= 1e6 ? `${(last.lastBytes / 1e6).toFixed(1)} MB` : `${(last.lastBytes / 1e3).toFixed(1)} kB`} |`);
    (json.runs as unknown[]).push({
      workload, backend, intervalMs: interval, medianRate: median(rs.map((r) => r.rate)), medianCpuRate: median(rs.map((r) => r.cpuRate)),
      medianWallOverheadPct: interval === null ? 0 : median(wallOver), medianCpuOverheadPct: interval === null ? 0 : median(cpuOver),
      cpuMsPerCheckpoint: interval === null ? 0 : cost * 1000, projectedOverheadPct: interval === null ? 0 : projected,
    });
    console.log(rows[rows.length - 1]);
  }
}
// Per GB of keyed state as msgpack encodes it (the heap backend's checkpoint file), for every
// backend alike: an LMDB copy is larger on disk (page overhead) than the state it holds.
rows.push('', '| backend | keyed state (msgpack) | checkpoint on disk | keys | restore time | per GB | checksum check (before restore) | per GB |', '|---|---|---|---|---|---|---|---|');
const logicalMb = (RESTORE_MB * 887.34) / 1024; // the heap checkpoint of this state: 887 MB for --restore-mb 1024
for (const backend of selected) {
  const r = child('restore', backend, null) as unknown as Awaited<ReturnType<typeof restoreTime>>;
  rows.push(`| ${backend} | ${logicalMb.toFixed(0)} MB | ${r.stateMb.toFixed(0)} MB | ${r.keys} | ${(r.restoreMs / 1000).toFixed(1)} s | ${((r.restoreMs / 1000) / (logicalMb / 1024)).toFixed(1)} s | ${(r.verifyMs / 1000).toFixed(1)} s | ${((r.verifyMs / 1000) / (logicalMb / 1024)).toFixed(1)} s |`);
  (json.runs as unknown[]).push({ backend, restore: r });
  console.log(rows[rows.length - 1]);
}
console.log(`\n${rows.join('\n')}`);
mkdirSync('bench/results', { recursive: true });
if (ONLY === null && workloadAt < 0 && !args.includes('--restore-only')) writeFileSync('bench/results/checkpoints.json', `${JSON.stringify(json, null, 1)}\n`);
