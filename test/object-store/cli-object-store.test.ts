// The eddy command with checkpoints in an object store (the real s3proxy): a job run with
// s3:// checkpoints answers `eddy status` and `eddy savepoint s3://...` on this machine, the
// savepoint lands in the bucket, `eddy inspect` reads it there, and `eddy run --from-savepoint`
// continues from it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { localDirOf } from '../../src/checkpoint/checkpoint-location.ts';
import { sendControlRequest } from '../../src/job/control-client.ts';
import { runEddy, startEddy, tempDir } from '../cli/run-eddy.ts';
import { createBucket, s3Environment } from './s3-test-env.ts';

const JOB = 'test/cli/fixtures/counting-job.ts';
const [out, cleanup] = tempDir();
let local = '';
after(() => {
  cleanup();
  if (local !== '') rmSync(local, { recursive: true, force: true });
});

interface Count { k: string; n: number; c: number }

test('eddy status, savepoint, inspect and run --from-savepoint with s3:// locations', async () => {
  const bucket = await createBucket('eddy-cli');
  const ckpt = `s3://${bucket}/ckpt`;
  local = localDirOf(ckpt);
  const env = { ...s3Environment(), EDDY_TEST_CKPT: ckpt };
  const job = startEddy(['run', '--quiet', '--no-check', JOB], { out, env: { ...env, EDDY_TEST_RATE: '2000', EDDY_TEST_INTERVAL: '600000' } });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'the job did not count 300 records within 20 s');
      const status = existsSync(join(local, 'control.sock')) ? await sendControlRequest(local, { cmd: 'status' }, 2_000).catch(() => null) : null;
      if (status?.ok === true && 'metrics' in status && status.metrics.recordsIn >= 300) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const status = await runEddy(['status', ckpt], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /job 'counting' running/);
    const savepoint = `s3://${bucket}/savepoints/sp-1`;
    const taken = await runEddy(['savepoint', ckpt, '--to', savepoint, '--stop'], { env });
    assert.equal(taken.code, 0, taken.stderr);
    assert.equal(taken.stdout, `${savepoint}\n`);
    await job.done;
  } finally {
    if (job.child.exitCode === null && job.child.signalCode === null) job.child.kill('SIGKILL');
  }

  const savepoint = `s3://${bucket}/savepoints/sp-1`;
  const inspected = await runEddy(['inspect', savepoint], { env });
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.match(inspected.stdout, new RegExp(`^savepoint \\d+ of job 'counting'\\n {2}path {5}${savepoint}\\n`));
  const key = await runEddy(['inspect', savepoint, '--operator', 'counter', '--key', 'k1'], { env });
  assert.equal(key.code, 0, key.stderr);
  const saved = Number(/(\d+)\s*$/.exec(key.stdout.trim())?.[1]);
  assert.ok(saved > 0, key.stdout);

  const ran = await runEddy(['run', '--quiet', '--no-check', JOB, '--from-savepoint', savepoint], { out, env: { ...env, EDDY_TEST_COUNT: '2000', EDDY_TEST_CKPT: `s3://${bucket}/ckpt2` } });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, new RegExp(`restoring job 'counting' from savepoint ${savepoint}$`, 'm'));
  const dir = join(out, 'counts');
  const counts = readdirSync(dir).filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Count));
  const k1 = counts.filter((c) => c.k === 'k1').sort((a, b) => a.n - b.n);
  assert.equal(k1[k1.length - 1].c, k1.length, 'each k1 record counted once across the savepoint');

  const missing = await runEddy(['savepoint', `s3://${bucket}/nothing-runs-here`], { env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, new RegExp(`no job checkpointing to s3://${bucket}/nothing-runs-here runs on this machine`));
});
