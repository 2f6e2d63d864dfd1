import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runEddy, tempDir } from './run-eddy.ts';

const [out, cleanup] = tempDir();
after(cleanup);

test('explain prints the chain and runs nothing', async () => {
  const ran = await runEddy(['explain', 'test/cli/fixtures/double-job.ts'], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, [
    "Job 'double': 3 operators in 1 chains",
    'chain 1',
    "  #0 source 'numbers': collection(5 elements) [event time]",
    "  #1 map 'numbers/map'",
    `  #2 sink 'numbers/map/jsonl-sink': jsonl(${join(out, 'double.jsonl')})`,
    '',
  ].join('\n'));
  assert.equal(ran.stderr, '');
  assert.equal(existsSync(join(out, 'double.jsonl')), false, 'the job did not run');
});

test('explain: a file that defines no job is an error', async () => {
  const ran = await runEddy(['explain', 'test/cli/fixtures/no-job.ts'], { out });
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /no job to explain/);
});

test('explain starts no server and writes no file: it stops the job file where the job would start', async () => {
  const dir = join(out, 'explain-effects');
  mkdirSync(dir);
  const ran = await runEddy(['explain', 'test/cli/fixtures/effects-job.ts'], { out: dir });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^Job 'effects': 3 operators in 1 chains\n/);
  assert.match(ran.stdout, /sink 'tens': jsonl\(/);
  assert.equal(ran.stderr, '', 'no dashboard address, no error');
  assert.deepEqual(readdirSync(dir), [], 'no setup.txt or server.txt (guarded), no effects.jsonl (the job), no report.txt (after the job)');

  // The same file under run does all of it: the test above would see it if explain did.
  const run = join(out, 'run-effects');
  mkdirSync(run);
  const ranForReal = await runEddy(['run', 'test/cli/fixtures/effects-job.ts', '--quiet'], { out: run });
  assert.equal(ranForReal.code, 0, ranForReal.stderr);
  assert.deepEqual(readdirSync(run).sort(), ['effects.jsonl', 'report.txt', 'server.txt', 'setup.txt']);
});

test('explain: a job file that catches the stop and goes on still explains; what it throws next is reported', async () => {
  const ran = await runEddy(['explain', 'test/cli/fixtures/catching-job.ts'], { out });
  assert.equal(ran.code, 1);
  assert.match(ran.stdout, /^Job 'caught'/);
  assert.match(ran.stderr, /^eddy: the job failed: ExplainStop: eddy explain stops the job file where it starts job 'caught' \(the job does not run\); this is not a failure, let it pass\n/);
});
