// Exactly-once under process death with checkpoints in an object store (the real s3proxy): the
// crash job (fixtures/crash-job.ts) checkpoints to s3://, is SIGKILLed at points of its checkpoint
// cycle (while it runs, after its sinks pre-committed, before and during their commit, between two
// records), restarted from the newest checkpoint it finds in the bucket, and in the end its
// committed output equals, line for line, that of a run that was never killed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDirOf } from '../../src/checkpoint/checkpoint-location.ts';
import { createBucket, s3Environment } from '../object-store/s3-test-env.ts';
import { committedOutput, describeDifference, difference, type Output } from './committed-output.ts';
import { writeCrashInput } from './crash-input.ts';
import { describePlan, type JobArgs, type KillPlan, killAllJobs, runJob, SINKS } from './job-process.ts';

const PER_SOURCE = 20_000;
const RUN_TIMEOUT_MS = 90_000;

const root = mkdtempSync(join(tmpdir(), 'eddy-s3-crash-'));
const input = join(root, 'input');
const locals: string[] = [];

before(() => {
  writeCrashInput(input, { seed: 20_261_207, perSource: { a: PER_SOURCE, b: PER_SOURCE }, files: { a: 2, b: 2 }, spanMs: 600_000 });
  Object.assign(process.env, s3Environment()); // the job's child processes reach the object store through these
});

after(() => {
  killAllJobs();
  for (const d of [root, ...locals]) rmSync(d, { recursive: true, force: true });
});

for (const backend of ['heap', 'lmdb'] as const) {
  test(`s3 checkpoints (${backend}): SIGKILLed at points of the checkpoint cycle, the output is exactly-once`, { timeout: 600_000 }, async (t) => {
    const args = (name: string, ckpt: string): JobArgs => ({
      input, out: join(root, name, 'out'), ckpt, state: join(root, name, 'state'), restore: 'fresh', backend, batch: 32, intervalMs: 20, minPauseMs: 10,
    });
    const oracleArgs = args(`oracle-${backend}`, join(root, `oracle-${backend}`, 'ckpt'));
    const oracle = await runJob(oracleArgs, { kind: 'none' }, RUN_TIMEOUT_MS);
    assert.equal(oracle.done?.recordsIn, 2 * PER_SOURCE);
    const expected: Output = committedOutput(oracleArgs.out);

    const bucket = await createBucket(`eddy-crash-${backend}`);
    const ckpt = `s3://${bucket}/crash`;
    locals.push(localDirOf(ckpt));
    const base = args(`s3-${backend}`, ckpt);
    const plans: KillPlan[] = [
      { kind: 'delay', ms: 1_500 },
      { kind: 'freeze', at: 'after-precommit', after: 6_000 },
      { kind: 'freeze', at: 'mid-commit', after: 10_000 },
      { kind: 'freeze', at: 'before-commit', after: 13_000 },
      { kind: 'freeze', at: 'record', after: 16_000 },
      { kind: 'freeze', at: 'final-before-commit' },
    ];
    const landed: string[] = [];
    for (let run = 0; ; run++) {
      assert.ok(run < plans.length + 3, `no run completed after ${run} restarts`);
      const plan = plans[run] ?? { kind: 'none' };
      const exit = await runJob({ ...base, restore: run === 0 ? 'fresh' : 'latest' }, plan, RUN_TIMEOUT_MS);
      const now = committedOutput(base.out);
      if (exit.killed) {
        landed.push(`${describePlan(plan)} (${exit.cause ?? ''}, ${exit.ms} ms)`);
        for (const sink of SINKS) {
          const d = difference(expected[sink], now[sink]);
          assert.equal(d.extra.length, 0, `killed at ${describePlan(plan)}: ${describeDifference(sink, d)}`);
        }
        continue;
      }
      for (const sink of SINKS) assert.deepEqual(now[sink], expected[sink], `${sink} differs from the oracle after ${run} kill(s)`);
      t.diagnostic(`${backend}: ${landed.length} kill points landed, ${run + 1} runs: ${landed.join('; ')}`);
      assert.ok(landed.length >= 3, `at least three kills landed (${landed.length})`);
      return;
    }
  });
}
