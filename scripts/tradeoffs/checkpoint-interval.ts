/**
 * Trade-off 2: checkpoint interval against throughput overhead and recovery time, on Eddy.
 *
 * For each interval, a job reads an unbounded Nexmark stream as fast as it can for about
 * `--seconds` and is then killed (cancelled) half an interval after a checkpoint, the average
 * position of a crash. Then the job restarts from its newest checkpoint and runs up to the event
 * where it was killed: the wall time of that run is the recovery time (restore the state, then
 * read again and reprocess everything since the checkpoint). Throughput is events per CPU second
 * of the killed run; the overhead is against the same job without checkpoints. Two jobs:
 *
 * - q5: Nexmark's hot items (sliding windows; a few hundred keys of state);
 * - sum: a running sum of bid prices per key over 500,000 keys (a larger keyed state, about
 *   500,000 entries, with incremental checkpoints).
 *
 *   node --conditions=eddy-source --import tsx scripts/tradeoffs/checkpoint-interval.ts [--seconds 20] [--intervals 1,2,5,10]
 *   node --conditions=eddy-source --import tsx scripts/tradeoffs/checkpoint-interval.ts --chart-only   # redraw from the JSON
 *
 * Writes bench/results/tradeoff-checkpoints.json, docs/img/tradeoff-checkpoint-overhead.svg and
 * docs/img/tradeoff-recovery.svg.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StreamEnvironment, type Bid, type DataStream, type NexmarkEvent } from 'eddy';
import { q5 } from '../../examples/nexmark/queries/q5.ts';
import { bids } from '../../examples/nexmark/queries/bids.ts';
import { nexmarkEvents } from '../../examples/nexmark/nexmark-events.ts';
import { countingSink } from '../../bench/nexmark/counting-sink.ts';
import { lineChart } from '../../bench/nexmark/svg-chart.ts';
import { startStopwatch } from '../../bench/stopwatch.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    intervals: { type: 'string', default: '1,2,5,10' },
    jobs: { type: 'string', default: 'q5,sum' },
    'no-json': { type: 'boolean', default: false },
    'chart-only': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const INTERVALS_S = values.intervals.split(',').map(Number);
const SUM_KEYS = 500_000;

// `any`: a stream's type is invariant, and the jobs only pass their results on to a counting sink.
const JOBS: Record<string, (env: StreamEnvironment, events: DataStream<NexmarkEvent>) => DataStream<any>> = {
  q5: (env, events) => q5(env, events),
  sum: (_env, events) => bids(events).keyBy((b: Bid) => b.price % SUM_KEYS).sum((b) => b.price).uid('sum-per-key'),
};

interface Point {
  job: string; intervalS: number | null; runSeconds: number; events: number; cpuS: number; eventsPerCpuS: number;
  checkpoints: number; lastCheckpointBytes: number; meanSyncMs: number;
  recoveryS: number | null; restoreMs: number | null; reprocessed: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(job: string, intervalS: number | null): Promise<Point> {
  const dir = mkdtempSync(join(os.tmpdir(), 'eddy-tradeoff-ckpt-'));
  try {
    const checkpoints = intervalS === null ? null : { dir, intervalMs: intervalS * 1000, retain: 2 };
    // Killed half an interval after a checkpoint, about SECONDS in.
    const runS = intervalS === null ? SECONDS : Math.max(1, Math.round(SECONDS / intervalS)) * intervalS + intervalS / 2;
    const env = StreamEnvironment.create({ log: () => {}, checkpoints });
    JOBS[job](env, nexmarkEvents(env, {})).sinkTo(countingSink()).name('count');
    const stop = startStopwatch();
    const handle = env.executeAsync(`${job}-${intervalS ?? 'none'}`);
    await sleep(runS * 1000);
    handle.cancel();
    const result = await handle.result;
    const { cpuNs, wallNs } = stop();
    const events = result.metrics.recordsIn;
    const done = result.checkpoints.filter((c) => c.status === 'completed');
    const point: Point = {
      job, intervalS, runSeconds: wallNs / 1e9, events, cpuS: cpuNs / 1e9, eventsPerCpuS: events / (cpuNs / 1e9),
      checkpoints: done.length, lastCheckpointBytes: done.at(-1)?.bytes ?? 0,
      meanSyncMs: done.length === 0 ? 0 : done.reduce((s, c) => s + c.syncMs, 0) / done.length,
      recoveryS: null, restoreMs: null, reprocessed: null,
    };
    if (checkpoints === null) return point;
    // Restart from the newest checkpoint and run up to the event where the job was killed.
    const again = StreamEnvironment.create({ log: () => {}, checkpoints: { ...checkpoints, intervalMs: 3_600_000 } });
    JOBS[job](again, nexmarkEvents(again, { events })).sinkTo(countingSink()).name('count');
    const recover = startStopwatch();
    const recovered = await again.execute(`${job}-recover`);
    return {
      ...point,
      recoveryS: recover().wallNs / 1e9,
      restoreMs: recovered.metrics.checkpoints?.restoreMs ?? null,
      reprocessed: recovered.metrics.recordsIn,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const RESULTS = fileURLToPath(new URL('../../bench/results/tradeoff-checkpoints.json', import.meta.url));
const jobs = values.jobs.split(',');
for (const job of jobs) if (!Object.hasOwn(JOBS, job)) throw new Error(`--jobs: no job '${job}'; there are ${Object.keys(JOBS).join(', ')}`);

async function measureAll(): Promise<Point[]> {
  const points: Point[] = [];
  console.log(`checkpoint interval: runs of about ${SECONDS} s, killed half an interval after a checkpoint (load ${os.loadavg()[0].toFixed(2)})`);
  console.log('| job | interval | events/CPU s | overhead | checkpoints | last size | mean pause | recovery | of which restore | reprocessed |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const job of jobs) {
    await measure(job, null); // warm-up: JIT and caches, so the first measured run is not the coldest
    const base = await measure(job, null);
    for (const intervalS of [null, ...INTERVALS_S]) {
      const p = intervalS === null ? base : await measure(job, intervalS);
      points.push(p);
      const overhead = 1 - p.eventsPerCpuS / base.eventsPerCpuS;
      console.log(`| ${job} | ${intervalS === null ? 'none' : `${intervalS} s`} | ${(p.eventsPerCpuS / 1e6).toFixed(3)} M | ${(overhead * 100).toFixed(1)}% | ${p.checkpoints} | `
        + `${(p.lastCheckpointBytes / 1e6).toFixed(1)} MB | ${p.meanSyncMs.toFixed(1)} ms | ${p.recoveryS === null ? '-' : `${p.recoveryS.toFixed(2)} s`} | `
        + `${p.restoreMs === null ? '-' : `${p.restoreMs} ms`} | ${p.reprocessed?.toLocaleString('en-US') ?? '-'} |`);
    }
  }
  return points;
}

// --chart-only redraws the charts from the last measurement.
const points: Point[] = values['chart-only']
  ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { points: Point[] }).points.filter((p) => jobs.includes(p.job))
  : await measureAll();

if (!values['no-json']) {
  const colors: Record<string, readonly [string, string]> = { q5: ['#1f77b4', '#9ecae1'], sum: ['#d62728', '#fc9272'] };
  const label: Record<string, string> = { q5: 'q5', sum: `sum over ${SUM_KEYS.toLocaleString('en-US')} keys` };
  const subtitle = `Eddy, runs of about ${SECONDS} s at full speed, killed half an interval after a checkpoint`;
  const line = (job: string, name: string, color: string, y: (p: Point, base: Point) => number) => {
    const base = points.find((p) => p.job === job && p.intervalS === null)!;
    return { name, color, points: points.filter((p) => p.job === job && p.intervalS !== null).map((p) => [p.intervalS!, y(p, base)] as const) };
  };
  const write = (rel: string, text: string) => {
    const path = fileURLToPath(new URL(`../../${rel}`, import.meta.url));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  write('docs/img/tradeoff-checkpoint-overhead.svg', lineChart({
    title: 'Cost of checkpoints against their interval', subtitle, xLabel: 'checkpoint interval (s)', yLabel: '% (CPU per event above none; time paused)',
    series: jobs.flatMap((job) => [
      line(job, `${label[job]}: CPU per event vs none`, colors[job][0], (p, base) => Math.max(0, (base.eventsPerCpuS / p.eventsPerCpuS - 1) * 100)),
      line(job, `${label[job]}: job paused for snapshots`, colors[job][1], (p) => ((p.checkpoints * p.meanSyncMs) / (p.runSeconds * 1000)) * 100),
    ]),
  }));
  write('docs/img/tradeoff-recovery.svg', lineChart({
    title: 'Recovery time against checkpoint interval', subtitle, xLabel: 'checkpoint interval (s)', yLabel: 'restore + reprocess to the crash point (s)',
    series: jobs.map((job) => line(job, label[job], colors[job][0], (p) => p.recoveryS ?? 0)),
  }));
  if (!values['chart-only']) {
    write('bench/results/tradeoff-checkpoints.json', `${JSON.stringify({ date: new Date().toISOString(), node: process.version, seconds: SECONDS, loadavg: os.loadavg(), points }, null, 2)}\n`);
  }
  console.log('wrote bench/results/tradeoff-checkpoints.json, docs/img/tradeoff-checkpoint-overhead.svg, docs/img/tradeoff-recovery.svg');
}
