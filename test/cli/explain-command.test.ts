import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
