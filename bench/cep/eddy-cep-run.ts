/**
 * One pattern of the CEP benchmark on Eddy, in a process of its own; prints one JSON line.
 *
 *   node --conditions=eddy-source --import tsx bench/cep/eddy-cep-run.ts --pattern strict --events 5000000 --keys 100000
 *
 * CPU time is process.cpuUsage() (every thread, GC included) from building the job to its end,
 * generator included, as the Flink peer counts it. The partial matches and events held are the
 * operator's metrics, sampled while the job runs; "at the end" is the last sample before the final
 * watermark (which times every partial match out).
 */
import { parseArgs } from 'node:util';
import { CEP, StreamEnvironment, WatermarkStrategy, sources } from 'eddy';
import { countingSink } from '../nexmark/counting-sink.ts';
import { startStopwatch } from '../stopwatch.ts';
import { BENCH_PATTERNS, benchEvent, type BenchEvent } from './bench-patterns.ts';

const { values } = parseArgs({ options: { pattern: { type: 'string', default: 'strict' }, events: { type: 'string', default: '1000000' }, keys: { type: 'string', default: '100000' } } });
const name = values.pattern;
const events = Number(values.events);
const keys = Number(values.keys);
const pattern = BENCH_PATTERNS[name];
if (pattern === undefined) throw new Error(`eddy-cep-run: unknown pattern '${name}'; the patterns are ${Object.keys(BENCH_PATTERNS).join(', ')}`);

const half = Math.floor(events / 2);
let halfCpu: NodeJS.CpuUsage | null = null;
const stop = startStopwatch();
const cpu0 = process.cpuUsage();
const env = StreamEnvironment.create({ log: () => {} });
const input = env.fromSource(
  sources.generator<BenchEvent>({
    count: events,
    generate: (i) => {
      if (i === half) halfCpu = process.cpuUsage(cpu0);
      return benchEvent(i, keys);
    },
  }),
  WatermarkStrategy.forMonotonousTimestamps<BenchEvent>().withTimestampAssigner((e) => e.ts),
  'events',
);
const sink = countingSink();
CEP.pattern(input.keyBy((e) => e.key), pattern).select((m) => Object.values(m as Record<string, unknown[]>).reduce((n, es) => n + es.length, 0))
  .name('cep').sinkTo(sink).name('count');

let atEnd = { partialMatches: 0, bufferedEvents: 0, samples: 0 };
let peak = { partialMatches: 0, bufferedEvents: 0 };
const sampler = setInterval(() => {
  const cep = env.metrics()?.operators.find((o) => o.name === 'cep');
  if (cep === undefined || !Number.isFinite(cep.watermark)) return;
  atEnd = { partialMatches: cep.partialMatches, bufferedEvents: cep.bufferedEvents, samples: atEnd.samples + 1 };
  peak = { partialMatches: Math.max(peak.partialMatches, cep.partialMatches), bufferedEvents: Math.max(peak.bufferedEvents, cep.bufferedEvents) };
}, 20);
await env.execute(`cep-${name}`);
const { wallNs, cpuNs } = stop();
clearInterval(sampler);
const h = halfCpu as NodeJS.CpuUsage | null;
console.log(JSON.stringify({
  system: 'eddy', pattern: name, events, results: sink.count, cpuNs, wallNs,
  halfCpuNs: h === null ? -1 : (h.user + h.system) * 1000,
  maxRssKb: process.resourceUsage().maxRSS, atEnd, peak,
}));
