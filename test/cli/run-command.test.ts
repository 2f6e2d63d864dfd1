import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDDY, ROOT, runEddy, tempDir } from './run-eddy.ts';

const [out, cleanup] = tempDir();
after(cleanup);

test('run: the job writes its output, the summary counts its records, exit 0', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/double-job.ts'], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(readFileSync(join(out, 'double.jsonl'), 'utf8').trim().split('\n').map(Number), [2, 4, 6, 8, 10]);
  assert.match(ran.stderr, /^eddy: job 'double' started$/m);
  assert.match(ran.stderr, /^eddy: job 'double' finished in [\d.]+ m?s: 5 records in, 5 out, [\d,]+ records\/s, 0 late, 0 dead letters$/m);
  assert.equal(ran.stdout, '');
});

test('run --quiet: only the summary', async () => {
  const ran = await runEddy(['run', '--quiet', 'test/cli/fixtures/double-job.ts'], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /^eddy: job 'double' finished in .*: 5 records in, 5 out, /);
  assert.equal(ran.stderr.trim().split('\n').length, 1, ran.stderr);
});

test('run: a map that throws fails the job with the operator named, exit 1, no stack', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/failing-job.ts'], { out });
  assert.equal(ran.code, 1, ran.stderr);
  assert.match(ran.stderr, /^eddy: job 'failing' failed after /m);
  assert.match(ran.stderr, /^eddy: operator 'explode-on-three' failed on input from collection\[2\]: cannot take 3$/m);
  assert.match(ran.stderr, /failing-job\.ts:8:\d+/, 'points at the line that threw');
  assert.doesNotMatch(ran.stderr, /map-operator\.ts|job-loop\.ts|running-graph\.ts/, 'no frames of Eddy itself');
  assert.equal(ran.stderr.match(/cannot take 3/g)?.length, 1, 'the error is reported once');
});

test('run --verbose: the full stack', async () => {
  const ran = await runEddy(['run', '--verbose', 'test/cli/fixtures/failing-job.ts'], { out });
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /caused by Error: cannot take 3/);
  assert.match(ran.stderr, /map-operator\.ts/);
});

test('run: a file that starts no job is an error', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/no-job.ts'], { out });
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /started no job \(does it call env\.execute/);
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`run: ${signal} cancels a running job, prints the summary, exits ${code}`, async () => {
    const ran = await runEddy(['run', 'test/cli/fixtures/endless-job.ts'], {
      out, interrupt: { when: /job 'endless' started/, signal },
    });
    assert.equal(ran.code, code, ran.stderr);
    assert.match(ran.stderr, new RegExp(`^eddy: ${signal}: cancelling job 'endless'$`, 'm'));
    const summary = /^eddy: job 'endless' cancelled after .*: ([\d,]+) records in, ([\d,]+) out/m.exec(ran.stderr);
    assert.ok(summary, ran.stderr);
    assert.equal(summary[1], summary[2]);
  });
}

test('run: the first SIGTERM stops a job whose generator waits 1 000 s for its next record, cleanly', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/slow-job.ts'], { out, interrupt: { when: /job 'slow' started/, signal: 'SIGTERM' } });
  assert.equal(ran.code, 143, ran.stderr);
  assert.match(ran.stderr, /^eddy: job 'slow' cancelled after .*: 0 records in, 0 out/m, 'one signal, and the summary of a clean stop');
});

const script = (() => {
  try {
    return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux') ? 'script' : null;
  } catch {
    return null;
  }
})();

test('run on a terminal: a status line redrawn in place, then the summary', {
  skip: script ? false : 'needs util-linux `script` to give the CLI a pseudo-terminal',
}, () => {
  // `script` runs the command on a pseudo-terminal, so stderr.isTTY is true as for a user.
  const text = execFileSync('script', ['-qec', `"${process.execPath}" "${EDDY}" run test/cli/fixtures/paced-job.ts`, '/dev/null'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, EDDY_TEST_OUT: out, NODE_OPTIONS: '' },
  });
  const CLEAR = '\r\x1b[2K';
  const redraws = text.split(CLEAR).filter((s) => s.startsWith('paced  '));
  assert.ok(redraws.length >= 2, `expected at least 2 redraws in ${JSON.stringify(text)}`);
  for (const line of redraws) {
    assert.match(line, /^paced {2}in [\d,]+ {2}out [\d,]+ {2}[\d,]+ rec\/s {2}wm (\S+Z|[+-]inf) {2}late 0 {2}dead letters 0 {2}[\d.]+ m?s$/);
  }
  assert.doesNotMatch(text, /job 'paced' started/, 'no start line on a terminal');
  assert.ok(text.includes(`${CLEAR}eddy: job 'paced' finished in `), 'the summary replaces the status line');
  assert.match(text, /job 'paced' finished in .*: 1,500 records in, 1,500 out/);
});
