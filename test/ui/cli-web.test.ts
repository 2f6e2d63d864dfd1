import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/args.ts';
import { eventually } from './web-job.ts';
import { runEddy, startEddy, tempDir } from '../cli/run-eddy.ts';

const [out, cleanup] = tempDir();
after(cleanup);

test('eddy run --web-port/--web-host/--web-token parse into web options', () => {
  const run = (argv: string[]) => parseCommandLine(['run', 'job.ts', ...argv]);
  assert.deepEqual(run(['--web-port', '0']), { kind: 'run', file: 'job.ts', args: [], check: true, quiet: false, verbose: false, restore: null, web: { port: 0 } });
  assert.deepEqual(run(['--web-port', '8081', '--web-host', '0.0.0.0', '--web-token', 'abc']),
    { kind: 'run', file: 'job.ts', args: [], check: true, quiet: false, verbose: false, restore: null, web: { port: 8081, host: '0.0.0.0', token: 'abc' } });
  assert.deepEqual(run(['--web-port', 'http']), { kind: 'invalid', problem: "run: --web-port must be a port number from 0 to 65535, got 'http'" });
  assert.deepEqual(run(['--web-host', '0.0.0.0']), { kind: 'invalid', problem: 'run: --web-host needs --web-port' });
  assert.deepEqual(parseCommandLine(['explain', 'job.ts', '--web-port', '1']), { kind: 'invalid', problem: 'explain: --web-port applies only to run' });
});

test('eddy run --web-host beyond loopback without a token exits 2 before running anything', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/endless-job.ts', '--web-port', '0', '--web-host', '0.0.0.0'], { out, env: { EDDY_WEB_TOKEN: '' } });
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /reachable from other machines.*need a token/);
});

test('eddy run --web-port 0 serves the job and prints where; SIGINT stops both', { timeout: 60_000 }, async () => {
  // --no-check: the wait for the address counts from the start (the type check is tested in test/cli).
  const job = startEddy(['run', 'test/cli/fixtures/endless-job.ts', '--web-port', '0', '--quiet', '--no-check'], { out });
  let url = '';
  await eventually('the dashboard address is printed', () => {
    url = /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(job.stderr())?.[1] ?? '';
    return url !== '';
  });
  await eventually('records flow', async () => ((await (await fetch(`${url}api/job`)).json()) as { recordsIn: number }).recordsIn > 0);
  assert.match(await (await fetch(`${url}metrics`)).text(), /eddy_operator_records_in_total\{eddy_job="endless",operator="ticks",kind="source"\} \d+/);
  job.child.kill('SIGINT');
  const ran = await job.done;
  assert.equal(ran.code, 130, ran.stderr);
  await assert.rejects(fetch(`${url}api/job`));
});
