// npm run soak -- --minutes M [--rate R] [--sample-s 2]
//
// A windowed job at a steady rate for M minutes: an unbounded rate-limited generator (1,000 keys,
// 2% of records late, half of them within allowed lateness so windows fire again, half beyond it
// so they go to the late side output), tumbling 5 s and sliding 30 s / 5 s windows, exactly-once
// checkpoints every second, and a deliberately slow sink (0.2 ms a record, 5 ms a flush). Every
// few seconds it samples heap, RSS, event-loop delay and the checkpoints completed since the last
// sample. Writes bench/results/soak.csv and soak.json, and docs/img/soak-memory.svg and
// docs/img/soak-timing.svg; prints whether memory stayed flat and checkpoint duration did not grow
// after warm-up (the first fifth of the run, at most 3 minutes).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OutputTag, SlidingEventTimeWindows, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources } from 'eddy';
import { lineChart } from '../nexmark/svg-chart.ts';
import { slowSink } from './slow-sink.ts';
import { judgeSoak, type SoakSample } from './soak-verdict.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, rate: { type: 'string', default: '2000' }, 'sample-s': { type: 'string', default: '2' } } });
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const sampleMs = Number(values['sample-s']) * 1000;

interface Ev { readonly k: string; readonly v: number; readonly ts: number }
/** Record i: event time follows the rate; every 100th is 2.5 s late (within lateness), every 100th + 50 is 9 s late (beyond it). */
const generate = (i: number): Ev => {
  const ts = Math.floor((i * 1000) / rate);
  const late = i % 100 === 0 ? 2_500 : i % 100 === 50 ? 9_000 : 0;
  return { k: `k${(i * 7_919) % 1_000}`, v: i % 13, ts: Math.max(0, ts - late) };
};

const work = mkdtempSync(join(tmpdir(), 'eddy-soak-'));
const env = StreamEnvironment.create({
  batchSize: 256,
  log: (line) => process.stderr.write(`${line}\n`),
  checkpoints: { dir: join(work, 'ckpt'), intervalMs: 1_000, guarantee: 'exactly-once' },
});
const cost = { perRecordMs: 0.2, perFlushMs: 5, capacity: 256 };
const events = env.fromSource(sources.generator({ ratePerSecond: rate, generate }), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(1_000).withTimestampAssigner((e) => e.ts), 'events');
const late = new OutputTag<Ev>('late');
const tumbling = events.keyBy((e) => e.k).window(TumblingEventTimeWindows.of(5_000)).allowedLateness(3_000).sideOutputLateData(late).sum((e) => e.v).uid('tumbling');
const sliding = events.keyBy((e) => e.k).window(SlidingEventTimeWindows.of(30_000, 5_000)).sum((e) => e.v).uid('sliding');
tumbling.union(sliding).sinkTo(slowSink(sinks.jsonl(join(work, 'out', 'windows')), cost)).uid('windows-sink');
tumbling.getSideOutput(late).sinkTo(slowSink(sinks.jsonl(join(work, 'out', 'late')), cost)).uid('late-sink');

const job = env.executeAsync('soak');
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const samples: SoakSample[] = [];
const t0 = performance.now();
// The job keeps its last 100 checkpoints: new ones are told by id.
let lastId = 0;
let failed = 0;
let lastIn = 0;
const sample = () => {
  const mem = process.memoryUsage();
  const m = job.metrics();
  const fresh = job.checkpoints().filter((c) => c.id > lastId);
  lastId = Math.max(lastId, ...fresh.map((c) => c.id));
  failed += fresh.filter((c) => c.status === 'failed').length;
  const durations = fresh.filter((c) => c.status === 'completed').map((c) => c.durationMs);
  const t = (performance.now() - t0) / 1000;
  samples.push({
    t: Math.round(t * 10) / 10,
    heapMb: mem.heapUsed / 2 ** 20, rssMb: mem.rss / 2 ** 20,
    lagP99Ms: delay.percentile(99) / 1e6, lagMaxMs: delay.max / 1e6,
    checkpoints: durations.length,
    checkpointMeanMs: durations.length === 0 ? Number.NaN : durations.reduce((a, b) => a + b, 0) / durations.length,
    checkpointMaxMs: durations.length === 0 ? Number.NaN : Math.max(...durations),
    failedCheckpoints: failed,
    recordsPerS: (m.recordsIn - lastIn) / (sampleMs / 1000),
    lateToSideOutput: m.lateToSideOutput,
    load1: loadavg()[0],
  });
  lastIn = m.recordsIn;
  delay.reset();
};
const timer = setInterval(sample, sampleMs);
process.stderr.write(`soak: ${minutes} min at ${rate} records/s, sampling every ${sampleMs / 1000} s, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
const progress = setInterval(() => {
  const s = samples.at(-1);
  if (s !== undefined) process.stderr.write(`  ${(s.t / 60).toFixed(1)} min: heap ${s.heapMb.toFixed(0)} MB, RSS ${s.rssMb.toFixed(0)} MB, lag p99 ${s.lagP99Ms.toFixed(0)} ms, checkpoint ${s.checkpointMeanMs.toFixed(0)} ms, ${s.recordsPerS.toFixed(0)} records/s, load ${s.load1.toFixed(1)}\n`);
}, 60_000);
await new Promise((r) => setTimeout(r, minutes * 60_000));
clearInterval(timer);
clearInterval(progress);
job.cancel();
const result = await job.result;
rmSync(work, { recursive: true, force: true });

const verdict = judgeSoak(samples, Math.min(180, (minutes * 60) / 5));
const root = fileURLToPath(new URL('../../', import.meta.url));
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const cols = Object.keys(samples[0]) as (keyof SoakSample)[];
write('bench/results/soak.csv', `${cols.join(',')}\n${samples.map((s) => cols.map((c) => (Number.isNaN(s[c]) ? '' : Math.round(s[c] * 100) / 100)).join(',')).join('\n')}\n`);
write('bench/results/soak.json', `${JSON.stringify({ date: new Date().toISOString(), node: process.version, minutes, rate, cost, status: result.status, recordsIn: result.metrics.recordsIn, verdict }, null, 2)}\n`);
// At most about 150 points a line: the mean of each run of samples.
const per = Math.max(1, Math.ceil(samples.length / 150));
const at = (f: (s: SoakSample) => number) => {
  const points: (readonly [number, number])[] = [];
  for (let i = 0; i < samples.length; i += per) {
    const xs = samples.slice(i, i + per).filter((s) => !Number.isNaN(f(s)));
    if (xs.length > 0) points.push([Math.round((xs.at(-1)!.t / 60) * 100) / 100, Math.round((xs.reduce((a, s) => a + f(s), 0) / xs.length) * 10) / 10]);
  }
  return points;
};
const subtitle = `${rate} records/s, windows with late data, exactly-once checkpoints every 1 s, slow sink; ${minutes} min, load average ${verdict.loadMean.toFixed(1)} on 2 cores`;
write('docs/img/soak-memory.svg', lineChart({
  title: 'Soak: memory over time', subtitle, xLabel: 'minutes', yLabel: 'MB',
  series: [{ name: 'RSS', color: '#1f77b4', points: at((s) => s.rssMb) }, { name: 'heap used', color: '#ff7f0e', points: at((s) => s.heapMb) }],
}));
write('docs/img/soak-timing.svg', lineChart({
  title: 'Soak: checkpoint duration and event-loop delay over time', subtitle, xLabel: 'minutes', yLabel: 'ms',
  series: [
    { name: 'checkpoint duration (mean per sample)', color: '#2ca02c', points: at((s) => s.checkpointMeanMs) },
    { name: 'event-loop delay p99', color: '#d62728', points: at((s) => s.lagP99Ms) },
  ],
}));
process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
process.exit(0);
