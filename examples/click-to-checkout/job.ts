/**
 * Runs click-to-checkout on the sample clicks and checkouts in data/ and writes every click's
 * attribution and the late events to out/.
 *
 *   node bin/eddy.mjs run examples/click-to-checkout/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { clickToCheckout, type ClickToCheckoutPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: ClickToCheckoutPaths = {
  clicks: here('data/clicks.jsonl'),
  checkouts: here('data/checkouts.jsonl'),
  attributions: here('out/attributions.jsonl'),
  lateClicks: here('out/late-clicks.jsonl'),
  lateCheckouts: here('out/late-checkouts.jsonl'),
};

const env = StreamEnvironment.create();
clickToCheckout(env, paths);
const result = await env.execute('click-to-checkout');

if (result.status === 'finished') {
  const op = (name: string) => result.metrics.operators.find((o) => o.name === name);
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`click-to-checkout: ${op('clicks')?.recordsOut ?? 0} clicks and ${op('checkouts')?.recordsOut ?? 0} checkouts read in ${result.durationMs} ms`);
  console.log(`  ${op('attributions')?.recordsIn ?? 0} attributions -> ${file(paths.attributions)}`);
  console.log(`  ${op('late-clicks')?.recordsIn ?? 0} late clicks -> ${file(paths.lateClicks)}`);
  console.log(`  ${op('late-checkouts')?.recordsIn ?? 0} late checkout lines -> ${file(paths.lateCheckouts)}`);
}
