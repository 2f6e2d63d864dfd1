/**
 * Runs card-velocity on the sample authorizations in data/ and writes the alerts and the
 * declines too late to count to out/.
 *
 *   node bin/eddy.mjs run examples/card-velocity/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { cardVelocity, type CardVelocityPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: CardVelocityPaths = {
  authorizations: here('data/authorizations.jsonl'),
  alerts: here('out/alerts.jsonl'),
  reconciliation: here('out/late-declines.jsonl'),
};

const env = StreamEnvironment.create();
cardVelocity(env, paths);
const result = await env.execute('card-velocity');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const passed = (operator: string): number => result.metrics.operators.find((o) => o.name === operator)?.recordsOut ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`card-velocity: ${result.metrics.recordsIn} authorizations read in ${result.durationMs} ms, ${passed('declined')} declined`);
  console.log(`  ${written('alerts-file')} alerts -> ${file(paths.alerts)}`);
  console.log(`  ${written('late-declines')} late declines -> ${file(paths.reconciliation)}`);
}
