/**
 * Trade-off 1: window size and watermark delay against result latency and the share of events
 * lost as late. Events happen at 10,000 a second and each reaches the job after a random delay
 * (95% after an exponential delay of mean 100 ms, 5% stragglers of mean 2 s), so the job reads
 * them in arrival order with their event times out of order. They are counted per key (1,000
 * keys) in tumbling event-time windows with a bounded-out-of-orderness watermark. For each window
 * size and watermark delay, one run on Eddy measures:
 *
 * - lost: events dropped as late (an event is late when its window has already fired), over all;
 * - latency: for each counted event, the time from its event time to the emission of its window's
 *   result, "now" being the arrival time of the newest event read (the wall clock, had the events
 *   been read as they arrived); the mean over counted events (except the windows that fire only
 *   because the input ends). About window/2 (waiting for the
 *   window to end) + the watermark delay + the transport delay.
 *
 *   node --conditions=eddy-source --import tsx scripts/tradeoffs/window-lateness.ts [--events 2000000]
 *
 * Writes bench/results/tradeoff-lateness.json, docs/img/tradeoff-late-loss.svg and
 * docs/img/tradeoff-latency.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sources, type AggregateFunction, type Sink } from 'eddy';
import { mix32 } from '../../src/connectors/nexmark/random.ts';
import { lineChart } from '../../bench/nexmark/svg-chart.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000000' }, 'no-json': { type: 'boolean', default: false } } });
const EVENTS = Number(values.events.replaceAll('_', ''));
const WINDOWS_MS = [1_000, 5_000, 10_000, 30_000];
const DELAYS_MS = [0, 250, 500, 1_000, 2_000, 4_000, 8_000];
const ARRIVAL_US = 100; // 10,000 events a second
const KEYS = 1000;
const BASE = Date.UTC(2026, 0, 1);

interface Ev { readonly key: number; readonly ts: number; readonly arrival: number }

/** A uniform number in (0, 1) from the event index and a salt: a pure function, as replays need. */
const uniform = (i: number, salt: number) => (mix32(mix32(i) ^ salt) + 0.5) / 4294967296;

/** Event i arrives i-th; it happened its transport delay earlier. */
function event(i: number): Ev {
  const arrival = BASE + (i * ARRIVAL_US) / 1000;
  const mean = uniform(i, 0x5eed) < 0.95 ? 100 : 2000;
  const delay = -mean * Math.log(uniform(i, 0xde1a));
  return { key: mix32(i ^ 0x6b6579) % KEYS, ts: Math.floor(arrival - delay), arrival };
}

interface Acc { count: number; sumTs: number }
const countAndTime: AggregateFunction<Ev, Acc, Acc> = {
  createAccumulator: () => ({ count: 0, sumTs: 0 }),
  add: (e, a) => {
    a.count++;
    a.sumTs += e.ts;
    return a;
  },
  getResult: (a) => a,
  merge: (a, b) => ({ count: a.count + b.count, sumTs: a.sumTs + b.sumTs }),
};

interface Point { windowMs: number; delayMs: number; events: number; counted: number; lateDropped: number; lostShare: number; meanLatencyMs: number; meanAfterEndMs: number }

async function measure(windowMs: number, delayMs: number): Promise<Point> {
  let now = Number.NEGATIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;
  let counted = 0;
  let timed = 0; // events of the results fired by the watermark (the rest fire at the end of input)
  let latencySum = 0; // over events
  let afterEndSum = 0; // over results
  let results = 0;
  const sink: Sink<{ acc: Acc; end: number }> = {
    kind: 'latency', describe: () => 'latency()',
    createWriter: () => ({
      open: async () => {}, backlog: 0, capacity: Number.POSITIVE_INFINITY, flush: async () => {}, close: async () => {},
      write: (vs, _ts, n) => {
        for (let i = 0; i < n; i++) {
          const { acc, end } = vs[i];
          counted += acc.count;
          // A result the watermark did not reach fires because the input ended: no latency to tell.
          if (end - 1 > maxTs - delayMs - 1) continue;
          timed += acc.count;
          latencySum += acc.count * now - acc.sumTs;
          afterEndSum += now - end;
          results++;
        }
      },
    }),
  };
  const env = StreamEnvironment.create({ log: () => {} });
  env.fromSource(sources.generator({ count: EVENTS, generate: event }), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(delayMs).withTimestampAssigner((e) => e.ts), 'arrivals')
    .map((e) => {
      now = e.arrival; // arrivals are in order: the newest arrival read is the job's "now"
      if (e.ts > maxTs) maxTs = e.ts;
      return e;
    })
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of<Ev>(windowMs))
    .aggregate(countAndTime, (_k, w, acc) => ({ acc, end: w.end }))
    .name('window')
    .sinkTo(sink);
  const result = await env.execute(`lateness-${windowMs}-${delayMs}`);
  const lateDropped = result.metrics.operators.find((o) => o.name === 'window')?.lateDropped ?? 0;
  if (counted + lateDropped !== EVENTS) throw new Error(`window ${windowMs} ms, delay ${delayMs} ms: ${counted} counted + ${lateDropped} late != ${EVENTS} events`);
  return { windowMs, delayMs, events: EVENTS, counted, lateDropped, lostShare: lateDropped / EVENTS, meanLatencyMs: latencySum / timed, meanAfterEndMs: afterEndSum / results };
}

const points: Point[] = [];
console.log(`window size and watermark delay: ${EVENTS.toLocaleString('en-US')} events (load ${os.loadavg()[0].toFixed(2)})`);
console.log('| window | delay | late share | mean latency (event -> result) | result after window end |');
console.log('|---:|---:|---:|---:|---:|');
for (const windowMs of WINDOWS_MS) {
  for (const delayMs of DELAYS_MS) {
    const p = await measure(windowMs, delayMs);
    points.push(p);
    console.log(`| ${windowMs / 1000} s | ${delayMs / 1000} s | ${(p.lostShare * 100).toFixed(2)}% | ${(p.meanLatencyMs / 1000).toFixed(2)} s | ${(p.meanAfterEndMs / 1000).toFixed(2)} s |`);
  }
}

if (!values['no-json']) {
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
  const subtitle = `10,000 events/s, transport delay 95% exp(100 ms) + 5% exp(2 s); count per key; ${EVENTS.toLocaleString('en-US')} events per point`;
  const series = (y: (p: Point) => number) => WINDOWS_MS.map((w, i) => ({
    name: `tumbling window ${w / 1000} s`, color: colors[i],
    points: points.filter((p) => p.windowMs === w).map((p) => [p.delayMs / 1000, y(p)] as const),
  }));
  const write = (rel: string, text: string) => {
    const path = fileURLToPath(new URL(`../../${rel}`, import.meta.url));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  write('docs/img/tradeoff-late-loss.svg', lineChart({ title: 'Events lost as late against watermark delay', subtitle, xLabel: 'watermark delay (s)', yLabel: 'events dropped as late (%)', series: series((p) => p.lostShare * 100) }));
  write('docs/img/tradeoff-latency.svg', lineChart({ title: 'Result latency against watermark delay', subtitle, xLabel: 'watermark delay (s)', yLabel: 'mean time from an event to its result (s)', series: series((p) => p.meanLatencyMs / 1000) }));
  write('bench/results/tradeoff-lateness.json', `${JSON.stringify({ date: new Date().toISOString(), node: process.version, events: EVENTS, loadavg: os.loadavg(), points }, null, 2)}\n`);
  console.log('wrote bench/results/tradeoff-lateness.json, docs/img/tradeoff-late-loss.svg, docs/img/tradeoff-latency.svg');
}
