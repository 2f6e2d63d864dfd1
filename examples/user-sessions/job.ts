/**
 * Runs user-sessions on the sample clicks in data/ and writes the sessions and the late clicks
 * to out/.
 *
 *   node bin/eddy.mjs run examples/user-sessions/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { userSessions, type UserSessionsPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: UserSessionsPaths = {
  clicks: here('data/clicks.jsonl'),
  sessions: here('out/sessions.jsonl'),
  lateClicks: here('out/late-clicks.jsonl'),
};

const env = StreamEnvironment.create();
userSessions(env, paths);
const result = await env.execute('user-sessions');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`user-sessions: ${result.metrics.recordsIn} clicks read in ${result.durationMs} ms`);
  console.log(`  ${written('sessions-file')} sessions -> ${file(paths.sessions)}`);
  console.log(`  ${written('late-clicks')} late clicks -> ${file(paths.lateClicks)}`);
}
