// `eddy savepoint --stop` promises that a job resumed from the savepoint continues exactly where
// the stopped one left off. That needs the stopped job to commit nothing after the savepoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';
import { tempDir } from './run-eddy.ts';

test('stop-with-savepoint: no checkpoint completes after the savepoint', async () => {
  const [root, cleanup] = tempDir();
  try {
    const late: string[] = [];
    for (let trial = 0; trial < 5 && late.length === 0; trial++) {
      const dir = join(root, `t${trial}`);
      const env = StreamEnvironment.create({ batchSize: 20, log: () => {}, checkpoints: { dir: join(dir, 'ckpt'), intervalMs: 5 } });
      env.fromSource(sources.generator({ count: 1_000_000, generate: (n) => ({ n }), ratePerSecond: 2_000 }), WatermarkStrategy.noWatermarks(), 'events')
        .sinkTo(sinks.jsonl(join(dir, 'out')));
      const job = env.executeAsync('stop');
      await new Promise((r) => setTimeout(r, 150 + trial * 7));
      const savepoint = await job.stopWithSavepoint(join(dir, 'sp'));
      await job.result;
      const { id } = JSON.parse(readFileSync(join(savepoint, 'MANIFEST.json'), 'utf8')) as { id: number };
      late.push(...readdirSync(join(dir, 'ckpt'))
        .filter((d) => /^chk-\d+$/.test(d) && Number(d.slice(4)) > id && readdirSync(join(dir, 'ckpt', d)).includes('MANIFEST.json'))
        .map((d) => `${d} after savepoint ${id}`));
    }
    assert.deepEqual(late, []);
  } finally {
    cleanup();
  }
});

test('stop-with-savepoint right after the start waits for the checkpoint setup (it said "savepoints need checkpoints")', async () => {
  const [root, cleanup] = tempDir();
  try {
    const env = StreamEnvironment.create({ batchSize: 20, log: () => {}, checkpoints: { dir: join(root, 'ckpt'), intervalMs: 60_000 } });
    env.fromSource(sources.generator({ count: 1_000_000, generate: (n) => ({ n }), ratePerSecond: 2_000 }), WatermarkStrategy.noWatermarks(), 'events')
      .sinkTo(sinks.jsonl(join(root, 'out')));
    const job = env.executeAsync('early-stop');
    const savepoint = await job.stopWithSavepoint(join(root, 'sp'));
    assert.equal((await job.result).status, 'stopped');
    assert.ok(readdirSync(savepoint).includes('MANIFEST.json'));
  } finally {
    cleanup();
  }
});
