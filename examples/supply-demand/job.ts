/**
 * Runs supply-demand on the sample ride requests and driver pings in data/ and writes the
 * per-cell balance and the late events to out/.
 *
 *   node bin/eddy.mjs run examples/supply-demand/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { supplyDemand, type SupplyDemandPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: SupplyDemandPaths = {
  requests: here('data/requests.jsonl'),
  drivers: here('data/drivers.jsonl'),
  balance: here('out/balance.jsonl'),
  lateEvents: here('out/late-events.jsonl'),
};

const env = StreamEnvironment.create();
supplyDemand(env, paths);
const result = await env.execute('supply-demand');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const read = (source: string): number => result.metrics.operators.find((o) => o.name === source)?.recordsOut ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`supply-demand: ${read('requests')} ride requests and ${read('drivers')} driver pings read in ${result.durationMs} ms`);
  console.log(`  ${written('balance')} cell balances -> ${file(paths.balance)}`);
  console.log(`  ${written('late-events')} late events -> ${file(paths.lateEvents)}`);
}
