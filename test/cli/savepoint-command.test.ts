// End to end through the eddy command: a job with checkpoints runs in a child process; a second
// process takes savepoints of it over its control socket and stops it; the job is resumed from
// the savepoint, then from its own checkpoints, then started fresh. Its output is a running count
// per key, so whether state continued or started over shows in every line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendControlRequest } from '../../src/job/control-client.ts';
import { type Started, runEddy, startEddy, tempDir } from './run-eddy.ts';

const JOB = 'test/cli/fixtures/counting-job.ts';
const [out, cleanup] = tempDir();
const ckpt = join(out, 'ckpt');
const background: Started[] = [];
after(async () => {
  for (const job of background) {
    if (job.child.exitCode === null && job.child.signalCode === null) job.child.kill('SIGKILL');
    await job.done;
  }
  cleanup();
});

interface Count { k: string; n: number; c: number }

/** The committed output (visible part files), in record order. */
function committed(): Count[] {
  const dir = join(out, 'counts');
  return readdirSync(dir).filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Count))
    .sort((a, b) => a.n - b.n);
}

/** Polls `probe` until it returns a value (or 60 s pass: a bound, not a speed target; at a load average of 30, 10 s was too short to start and count 300 records). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

let stopSavepoint = '';
let savedCount = 0;

test('savepoint: a running job takes a savepoint on request, then stops with one', async () => {
  // No periodic checkpoint in this run: one that completes after a stop-with-savepoint commits
  // output past the savepoint (see stop-with-savepoint.test.ts), and the counts here must not
  // depend on that race.
  // --no-check: the wait below counts from the start, and a first type check may take seconds on a
  // loaded machine (the check has tests of its own: type-check.test.ts).
  const job = startEddy(['run', '--quiet', '--no-check', JOB], { out, env: { EDDY_TEST_RATE: '2000', EDDY_TEST_INTERVAL: '600000' } });
  background.push(job);
  await waitFor('the job to count 300 records', async () => {
    if (!existsSync(join(ckpt, 'control.sock'))) return undefined;
    const status = await sendControlRequest(ckpt, { cmd: 'status' }, 2_000);
    return status.ok && 'metrics' in status && status.metrics.recordsIn >= 300 ? status : undefined;
  });

  const taken = await runEddy(['savepoint', ckpt]);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stdout, new RegExp(`^${join(out, 'savepoints')}/sp-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}Z\\n$`));
  assert.ok(existsSync(join(taken.stdout.trim(), 'MANIFEST.json')));
  assert.equal(job.child.exitCode, null, 'a savepoint without --stop leaves the job running');

  const status = await runEddy(['status', ckpt]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^job 'counting' running for [\d.]+ m?s: [\d,]+ records in, [\d,]+ out, watermark none, 0 late, 0 dead letters\nlast 1 checkpoint:\n {2}1 {2}\d{4}-\S+Z {2}completed in \d+ ms \(paused \d+ ms\), [\d,]+ bytes\n$/);

  stopSavepoint = join(out, 'sp-stop');
  const stopped = await runEddy(['savepoint', ckpt, '--to', stopSavepoint, '--stop']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.equal(stopped.stdout, `${stopSavepoint}\n`);
  const ran = await job.done;
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /^eddy: job 'counting' stopped after /m, 'a stop with a savepoint is reported as stopped, not cancelled');
  assert.equal(existsSync(join(ckpt, 'control.sock')), false, 'the job removed its socket');
});

test('inspect: the savepoint\'s operators, sources and sinks; an operator\'s tables; a key\'s value', async () => {
  const summary = await runEddy(['inspect', stopSavepoint]);
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /^savepoint \d+ of job 'counting'\n {2}path {5}.*sp-stop\n {2}created {2}\d{4}-.*Z \(took \d+ ms\)\n/);
  assert.match(summary.stdout, /^ {2}counter {2}keyed-process 'events\/key-by\/keyed-process' {2}uid\n {4}files {6}local \d+ B, keyed 1 full \+ 0 deltas \d+ B\n {4}keyed {6}\d+ keys, \d+ B in memory\n {4}timers {5}0 event time, 0 processing time\n {4}watermark {2}-inf$/m);
  assert.match(summary.stdout, /^ {2}events\/key-by {2}key-by 'events\/key-by' {2}no uid \(found by name\)\n {4}no state {2}watermark -inf$/m);
  assert.match(summary.stdout, /^sources \(1\)\n {2}events {2}position \S+ {2}split watermarks \[-inf\]$/m);
  assert.match(summary.stdout, /^sinks \(1\)\n {2}counts {2}\d+ pending items?: "\.pending-/m);

  const tables = await runEddy(['inspect', stopSavepoint, '--operator', 'counter']);
  assert.equal(tables.code, 0, tables.stderr);
  assert.match(tables.stdout, /^ {2}count {2}5 keys: "k0", "k1", "k2", "k3", "k4"$/m);

  const key = await runEddy(['inspect', stopSavepoint, '--operator', 'counter', '--key', 'k1']);
  assert.equal(key.code, 0, key.stderr);
  const value = /^operator 'counter', key "k1":\n {2}count {2}"k1" = (\d+)$/m.exec(key.stdout);
  assert.ok(value, key.stdout);
  savedCount = Number(value[1]);
  // The savepoint committed everything up to it: k1's records among them are exactly its count.
  const before = committed();
  assert.deepEqual(before.map((r) => r.n), before.map((_, i) => i), 'a prefix of the input, each record once');
  assert.equal(before.filter((r) => r.k === 'k1').length, savedCount);

  const missing = await runEddy(['inspect', stopSavepoint, '--operator', 'counter', '--key', 'nobody']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /operator 'counter' has no state for key "nobody"/);
  const noOperator = await runEddy(['inspect', stopSavepoint, '--operator', 'nope']);
  assert.equal(noOperator.code, 1);
  assert.match(noOperator.stderr, /^eddy inspect: no operator 'nope' in savepoint .*; it has 'events\/key-by', 'counter'$/m);
});

test('run --from-savepoint: the counts continue from the savepoint, each record once', async () => {
  const ran = await runEddy(['run', '--quiet', JOB, '--from-savepoint', stopSavepoint], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /^eddy: jobs with checkpoints start from savepoint \d+ of job 'counting' at .*sp-stop$/m);
  assert.match(ran.stderr, /^restoring job 'counting' from savepoint .*sp-stop$/m);
  const all = committed();
  assert.deepEqual(all.map((r) => r.n), Array.from({ length: 20_000 }, (_, i) => i));
  for (let k = 0; k < 5; k++) {
    assert.deepEqual(all.filter((r) => r.k === `k${k}`).map((r) => r.c), Array.from({ length: 4_000 }, (_, i) => i + 1), `k${k} counted once each`);
  }
  const resumed = all.filter((r) => r.k === 'k1')[savedCount];
  assert.equal(resumed.c, savedCount + 1, 'the first count after the savepoint builds on its state');
});

test('run without flags resumes from the newest checkpoint; inspect takes a checkpoint root', async () => {
  const ran = await runEddy(['run', '--quiet', JOB], { out });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /^restoring job 'counting' from checkpoint chk-\d{6} in .*ckpt$/m);
  assert.equal(committed().length, 20_000, 'nothing replayed');

  const inspected = await runEddy(['inspect', ckpt]);
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.match(inspected.stdout, /^checkpoint \d+ of job 'counting'\n {2}path {5}.*ckpt\/chk-\d{6}\n/);
  assert.match(inspected.stdout, /^ {2}events {2}position .* {2}finished$/m);
});

test('run --fresh starts over: the checkpoints and the output are gone, counts start at 1', async () => {
  const ran = await runEddy(['run', '--quiet', JOB, '--fresh'], { out, env: { EDDY_TEST_COUNT: '500' } });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /^eddy: --fresh: jobs with checkpoints start from scratch/m);
  assert.doesNotMatch(ran.stderr, /restoring/);
  const all = committed();
  assert.equal(all.length, 500);
  assert.deepEqual(all.filter((r) => r.k === 'k3').map((r) => r.c), Array.from({ length: 100 }, (_, i) => i + 1));
});

test('no job running: savepoint and status say so, exit 1; a bad savepoint to start from is a usage error', async () => {
  const none = await runEddy(['savepoint', ckpt]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^eddy savepoint: no job is running with checkpoints in .*ckpt: it has no control socket \(.*control\.sock\); start the job first/);
  assert.equal(none.stdout, '');
  const noDir = await runEddy(['status', join(out, 'elsewhere')]);
  assert.equal(noDir.code, 1);
  assert.match(noDir.stderr, /^eddy status: no checkpoint directory at .*elsewhere\n$/);
  const badStart = await runEddy(['run', JOB, '--from-savepoint', join(out, 'elsewhere')], { out });
  assert.equal(badStart.code, 2);
  assert.match(badStart.stderr, /^eddy run: cannot start from .*elsewhere: nothing at .*elsewhere\n$/);
});
