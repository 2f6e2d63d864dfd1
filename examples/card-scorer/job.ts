/**
 * Runs card-scorer on the sample authorizations in data/ and writes the alerts, the decline runs
 * that never turned into a big approval, and the late authorizations to out/.
 *
 *   node bin/eddy.mjs run examples/card-scorer/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { cardScorer, type CardScorerPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: CardScorerPaths = {
  authorizations: here('data/authorizations.jsonl'),
  alerts: here('out/alerts.jsonl'),
  declineRuns: here('out/decline-runs.jsonl'),
  late: here('out/late-authorizations.jsonl'),
};

const env = StreamEnvironment.create();
cardScorer(env, paths);
const result = await env.execute('card-scorer');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`card-scorer: ${result.metrics.recordsIn} authorizations read in ${result.durationMs} ms`);
  console.log(`  ${written('alerts-file')} alerts -> ${file(paths.alerts)}`);
  console.log(`  ${written('decline-runs-file')} decline runs without a big approval -> ${file(paths.declineRuns)}`);
  console.log(`  ${written('late-file')} late authorizations -> ${file(paths.late)}`);
}
