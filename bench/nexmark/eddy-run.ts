/**
 * One Nexmark query on Eddy, in a process of its own; prints one JSON line (a RunResult).
 *
 *   node --conditions=eddy-source --import tsx bench/nexmark/eddy-run.ts --query q5 --events 2000000 [--checkpoint-ms 10000]
 *
 * CPU time is process.cpuUsage() (user + system, every thread, so GC counts) from building the job
 * to its end, generator included, as the published Nexmark figures count cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { StreamEnvironment } from 'eddy';
import { nexmarkEvents } from '../../examples/nexmark/nexmark-events.ts';
import { QUERIES } from '../../examples/nexmark/queries/index.ts';
import { countingSink } from './counting-sink.ts';
import type { RunResult } from './run-result.ts';
import { startStopwatch } from '../stopwatch.ts';

const { values } = parseArgs({
  options: {
    query: { type: 'string', default: 'q0' },
    events: { type: 'string', default: '1000000' },
    'checkpoint-ms': { type: 'string', default: '0' },
    'out-of-order': { type: 'string', default: '1' },
  },
});
const query = values.query;
const events = Number(values.events);
const checkpointMs = Number(values['checkpoint-ms']);
if (!Object.hasOwn(QUERIES, query)) throw new Error(`eddy-run: unknown query '${query}'; the queries are ${Object.keys(QUERIES).join(', ')}`);

const dir = checkpointMs > 0 ? mkdtempSync(join(tmpdir(), 'nexmark-eddy-ckpt-')) : null;
try {
  // Heap in use, sampled whenever the job lets the event loop run (it does between source reads).
  let heapPeak = 0;
  let heapSamples = 0;
  const sampler = setInterval(() => {
    heapSamples++;
    heapPeak = Math.max(heapPeak, v8.getHeapStatistics().used_heap_size);
  }, 20);
  const stop = startStopwatch();
  const env = StreamEnvironment.create({
    log: () => {},
    checkpoints: dir === null ? null : { dir, intervalMs: checkpointMs, retain: 1 },
  });
  const sink = countingSink();
  const stream = nexmarkEvents(env, { events, outOfOrderGroupSize: Number(values['out-of-order']) });
  QUERIES[query](env, stream).sinkTo(sink).name('count');
  const job = await env.execute(`nexmark-${query}`);
  const { wallNs, cpuNs } = stop();
  clearInterval(sampler);
  const result: RunResult = {
    system: 'eddy',
    query,
    events,
    results: sink.count,
    cpuNs,
    wallNs,
    checkpoints: job.checkpoints.filter((c) => c.status === 'completed').length,
    maxRssKb: process.resourceUsage().maxRSS,
    heapPeakKb: Math.round(heapPeak / 1024),
    heapSamples,
  };
  console.log(JSON.stringify(result));
} finally {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
}
