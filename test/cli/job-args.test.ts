// `eddy run job.ts -- args`: the job file sees process.argv as under `node job.ts args`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEddy, tempDir } from './run-eddy.ts';

const [out, cleanup] = tempDir();
after(cleanup);

const seen = (): { isMain: boolean; args: string[] } => JSON.parse(readFileSync(join(out, 'argv.json'), 'utf8'));

test('run: arguments after -- reach the job file as process.argv.slice(2); argv[1] is the job file', async () => {
  const ran = await runEddy(['run', '--quiet', 'test/cli/fixtures/argv-job.ts', '--', 'in.csv', '--limit', '5', '-q', '--', 'x'], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(seen(), { isMain: true, args: ['in.csv', '--limit', '5', '-q', '--', 'x'] });
  // The job ran with them: one record per argument, and eddy itself did not take -q after --.
  assert.deepEqual(readFileSync(join(out, 'argv.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)), ['in.csv', '--limit', '5', '-q', '--', 'x']);
  assert.match(ran.stderr, /6 records in, 6 out/);
});

test('run without --: the job file sees no arguments (not eddy\'s own)', async () => {
  const ran = await runEddy(['run', '--quiet', 'test/cli/fixtures/argv-job.ts'], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(seen(), { isMain: true, args: [] });
});

test('explain: the job file gets its arguments too', async () => {
  const ran = await runEddy(['explain', 'test/cli/fixtures/argv-job.ts', '--', '--help'], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(seen(), { isMain: true, args: ['--help'] });
  assert.match(ran.stdout, /argv/);
});

test('run: a stray argument after the job file says to put it after --', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/argv-job.ts', 'in.csv'], { out });
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /arguments for the job go after --: eddy run test\/cli\/fixtures\/argv-job\.ts -- in\.csv/);
});

test('help documents job arguments', async () => {
  const ran = await runEddy(['--help'], { out });
  assert.match(ran.stdout, /Job arguments: everything after -- goes to the job file/);
});
