/**
 * Events per second per core of the Nexmark queries, generator included: CPU time is
 * process.cpuUsage() (user + system, every thread, so GC counts), as the published Nexmark
 * figures count cores. Each query runs in its own process, results go to a sink that only counts.
 *
 *   node --conditions=eddy-source --import tsx examples/nexmark/bench.ts [--events 5000000] [q0 q1 q2 q5 ...]
 *
 * Besides the queries: `reader` reads the source's batches in a plain loop (the generator's own
 * cost), `source` runs a job that sends every event straight to the sink (plus Eddy's runtime).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StreamEnvironment, sources, systemClock, type NexmarkEvent, type Sink, type SourceBatch } from 'eddy';
import { nexmarkEvents } from './nexmark-events.ts';
import { QUERIES } from './queries/index.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { events: { type: 'string', default: '5000000' }, child: { type: 'boolean' } } });
const events = Number(values.events.replaceAll('_', ''));
const names = positionals.length > 0 ? positionals : ['reader', 'source', 'q0', 'q1', 'q2', 'q5'];

/** A sink that counts what it gets and keeps nothing. */
function countingSink(): Sink<unknown> & { count: number } {
  const sink = {
    kind: 'count', count: 0, describe: () => 'count()',
    createWriter: () => ({
      open: async () => {}, write: (_v: readonly unknown[], _t: readonly number[], n: number) => { sink.count += n; },
      backlog: 0, capacity: Number.POSITIVE_INFINITY, flush: async () => {}, close: async () => {},
    }),
  };
  return sink;
}

async function measure(name: string): Promise<{ results: number }> {
  if (name === 'reader') {
    const reader = sources.nexmark({ events }).createReader({ operatorName: 'nexmark', clock: systemClock, batchSize: 1024, badInput: 'dead-letter' });
    const batch: SourceBatch<NexmarkEvent> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
    await reader.open();
    let results = 0;
    while ((await reader.read(batch)) === 'data') results += batch.length;
    return { results };
  }
  const env = StreamEnvironment.create();
  const sink = countingSink();
  const stream = nexmarkEvents(env, { events });
  if (name === 'source') stream.sinkTo(sink);
  else if (Object.hasOwn(QUERIES, name)) QUERIES[name](env, stream).sinkTo(sink);
  else throw new Error(`unknown query '${name}'; the queries are reader, source, ${Object.keys(QUERIES).join(', ')}`);
  await env.execute(`bench-${name}`);
  return { results: sink.count };
}

if (values.child) {
  const name = names[0];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const { results } = await measure(name);
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const wallS = (performance.now() - wall0) / 1000;
  const perCore = events / cpuS;
  console.log(`${name.padEnd(7)} ${(perCore / 1e6).toFixed(2)} M events/s per core   cpu ${cpuS.toFixed(2)} s, wall ${wallS.toFixed(2)} s `
    + `(${(cpuS / wallS).toFixed(2)} cores), ${results} results`);
} else {
  console.log(`Nexmark, ${events} events, Node ${process.version}`);
  for (const name of names) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--events', String(events), name], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
