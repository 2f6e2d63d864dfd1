/**
 * Runs clicks-per-minute on the sample clicks in data/ and writes the per-page counts, the late
 * clicks and the dead letters to out/.
 *
 *   node bin/eddy.mjs run examples/clicks-per-minute/job.ts
 *   node --conditions=eddy-source --import tsx examples/clicks-per-minute/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { clicksPerMinute, type ClicksPerMinutePaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: ClicksPerMinutePaths = {
  clicks: here('data/clicks.jsonl'),
  counts: here('out/counts.jsonl'),
  lateClicks: here('out/late-clicks.jsonl'),
  deadLetters: here('out/dead-letters.jsonl'),
};

const env = StreamEnvironment.create();
clicksPerMinute(env, paths);
const result = await env.execute('clicks-per-minute');

// A job cancelled (Ctrl-C) or stopped early has no complete counts to report. (Under `eddy explain`
// the file stops at execute and never gets here.)
if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`clicks-per-minute: ${result.metrics.recordsIn} clicks read in ${result.durationMs} ms`);
  console.log(`  ${written('counts')} window results -> ${file(paths.counts)}`);
  console.log(`  ${written('late-clicks')} late clicks -> ${file(paths.lateClicks)}`);
  console.log(`  ${written('dead-letters')} dead letters -> ${file(paths.deadLetters)}`);
}
