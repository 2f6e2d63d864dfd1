/**
 * Runs one Nexmark query on generated events and writes its results to out/<query>.jsonl.
 *
 *   node --conditions=eddy-source --import tsx examples/nexmark/run.ts q5 --events 1000000
 *   node --conditions=eddy-source --import tsx examples/nexmark/run.ts q12 --events 200000 --rate 20000
 *
 * Options: --events (default 1,000,000), --rate (events per second of processing time; default
 * as fast as possible), --first-event-rate (events per second of event time, default 10,000),
 * --out-of-order (the generator's outOfOrderGroupSize, default 1), --splits (default 1).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StreamEnvironment, sinks } from 'eddy';
import { nexmarkEvents } from './nexmark-events.ts';
import { QUERIES } from './queries/index.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'string', default: '1000000' },
    rate: { type: 'string' },
    'first-event-rate': { type: 'string' },
    'out-of-order': { type: 'string' },
    splits: { type: 'string' },
  },
});
const name = positionals[0] ?? 'q0';
const query = Object.hasOwn(QUERIES, name) ? QUERIES[name] : undefined;
if (query === undefined) throw new Error(`unknown query '${name}'; the queries are ${Object.keys(QUERIES).join(', ')}`);
const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s.replaceAll('_', '')));

const out = fileURLToPath(new URL(`out/${name}.jsonl`, import.meta.url));
const env = StreamEnvironment.create();
const events = nexmarkEvents(env, {
  events: num(values.events),
  rate: num(values.rate),
  firstEventRate: num(values['first-event-rate']),
  outOfOrderGroupSize: num(values['out-of-order']),
  splits: num(values.splits),
});
query(env, events).sinkTo(sinks.jsonl(out)).name(`${name}-file`);
const result = await env.execute(`nexmark-${name}`);
const written = result.metrics.operators.find((o) => o.name === `${name}-file`)?.recordsIn ?? 0;
console.log(`nexmark ${name}: ${result.metrics.recordsIn} events in ${result.durationMs} ms, ${written} results -> ${relative(process.cwd(), out)}`);
