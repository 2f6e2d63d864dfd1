// The checkpoint directory stops taking writes (a full disk: a small tmpfs filled to the last
// byte when we are root, who ignores file permissions; a directory without write permission
// otherwise): checkpoints fail and are counted, the job goes on within `tolerableFailures`, past
// it the job fails and the restart strategy restarts it, and once space returns checkpoints
// complete again. The committed output equals the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, sources, type JobHandle, type KeyedProcessFunction, type ValueState } from 'eddy';
import { denyWrites, mountTmpfs } from './fault-scenarios.ts';
import { sinkJobDifferences, sinkJobInput, type SinkJobRecord } from './sink-job-oracle.ts';
import { waitFor as waitUntil } from './server-process.ts';

const TOLERABLE = 5;

/** Makes writes under the checkpoint root fail until the returned function is called. */
function blockWrites(volume: ReturnType<typeof mountTmpfs> | null, ckpt: string): { how: string; release(): void } {
  if (volume !== null) {
    const full = volume.fill();
    return { how: 'tmpfs full', release: full.release };
  }
  return { how: 'no write permission', release: denyWrites(ckpt) };
}

test('checkpoint directory unwritable: failures counted, the job goes on within tolerableFailures, fails over past it, recovers when space returns; output exact', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-faults-disk-'));
  const volume = process.getuid?.() === 0 ? mountTmpfs(8 << 20) : null;
  const ckpt = volume !== null ? join(volume.dir, 'ckpt') : join(root, 'ckpt');
  mkdirSync(ckpt, { recursive: true });
  const logs: string[] = [];
  let job: JobHandle | null = null;
  try {
    const env = StreamEnvironment.create({
      batchSize: 50, log: (l) => void logs.push(l),
      checkpoints: { dir: ckpt, intervalMs: 100, tolerableFailures: TOLERABLE },
      restartStrategy: { kind: 'fixed-delay', delayMs: 200, maxAttempts: 20 },
    });
    type Fn = KeyedProcessFunction<string, { id: number; k: string }, SinkJobRecord> & { count: ValueState<number> };
    const fn: Fn = {
      count: undefined as never,
      open(ctx) { this.count = ctx.getState<number>('count'); },
      processElement(e, _ctx, out) {
        const n = (this.count.value() ?? 0) + 1;
        this.count.update(n);
        out.collect({ id: e.id, k: e.k, n });
      },
    };
    env.fromSource(sources.generator({ ratePerSecond: 2_000, generate: sinkJobInput }), WatermarkStrategy.noWatermarks(), 'numbers')
      .keyBy((e) => e.k).process(fn).uid('counts').sinkTo(sinks.jsonl(join(root, 'out'))).uid('out');
    job = env.executeAsync('disk-full');
    const handle = job;
    let ended: unknown = null;
    handle.result.then(() => (ended = 'finished'), (e: Error) => (ended = e));
    const failed = () => logs.filter((l) => /^checkpoint \d+ failed/.test(l));
    const completedSince = (n: number) => handle.checkpoints().filter((c) => c.status === 'completed' && c.id > n).length;
    const lastId = () => handle.checkpoints().at(-1)?.id ?? 0;
    const waitFor = (what: string, ok: () => boolean, ms: number, every: number) =>
      waitUntil(what, () => {
        if (ended !== null) throw new Error(`the job ended (${String(ended)}) while waiting for ${what}:\n${logs.join('\n')}`);
        return ok();
      }, ms, every);
    await waitFor('two completed checkpoints', () => completedSince(0) >= 2, 30_000, 20);

    // 1. Within tolerableFailures: the job goes on, and the failures are counted.
    let block = blockWrites(volume, ckpt);
    await waitFor('2 failed checkpoints', () => failed().length >= 2, 30_000, 5);
    block.release();
    const before = lastId();
    await waitFor('a checkpoint completed after space returned', () => completedSince(before) >= 1, 30_000, 20);
    const firstEpisode = failed();
    assert.ok(firstEpisode.length >= 2 && firstEpisode.length <= TOLERABLE, firstEpisode.join('\n'));
    assert.match(firstEpisode[0], new RegExp(`\\(1 in a row, ${TOLERABLE} tolerated\\): .*(ENOSPC|EACCES)`));
    assert.ok(!logs.some((l) => /restarting from the latest checkpoint/.test(l)), 'no restart within tolerableFailures');

    // 2. Past tolerableFailures: the job fails, the restart strategy restarts it from the latest checkpoint.
    block = blockWrites(volume, ckpt);
    await waitFor('the job to fail over', () => logs.some((l) => /checkpoints failed in a row .*restarting from the latest checkpoint/.test(l)), 60_000, 20);
    const failedOver = lastId();
    block.release();
    await waitFor('checkpoints completing after the restart', () => completedSince(failedOver) >= 2, 60_000, 20);
    const savepoint = await handle.stopWithSavepoint(join(root, 'savepoint'));
    const result = await handle.result;
    assert.ok(result.restarts >= 1, logs.join('\n'));
    assert.ok(existsSync(join(savepoint, 'MANIFEST.json')));
    const metrics = handle.metrics().checkpoints!;
    process.stdout.write(`# checkpoint directory unwritable (${block.how}): ${failed().length} failed checkpoints, ${result.restarts} restart(s); ` +
      `this attempt: ${metrics.completed} completed, ${metrics.failed} failed\n`);

    // Everything committed: records 0..n-1, each once, with the right running counts.
    const out = readdirSync(join(root, 'out')).filter((f) => !f.startsWith('.'))
      .flatMap((f) => readFileSync(join(root, 'out', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SinkJobRecord));
    const n = out.reduce((m, r) => Math.max(m, r.id + 1), 0);
    assert.ok(n > 1_000, `${n} records committed`);
    assert.deepEqual(sinkJobDifferences(out, n), []);
  } finally {
    job?.cancel();
    await job?.result.catch(() => {});
    volume?.unmount();
    rmSync(root, { recursive: true, force: true });
  }
});
