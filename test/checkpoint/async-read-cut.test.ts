import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, type Source, type SourceBatch, type SourceReader } from 'eddy';
import { lookupKey, readKeyedState } from '../../src/checkpoint/inspect.ts';
import { openCheckpoint } from '../../src/checkpoint/open-checkpoint.ts';

/**
 * An endless source whose reads complete asynchronously and move its position before they
 * complete, so before the runner has delivered the batch (a reader that advances in one callback
 * and finishes in another, as a fetch followed by more I/O does).
 */
function asyncCounter(): Source<number> {
  return {
    kind: 'async-counter', bounded: false, describe: () => 'async counter',
    createReader(): SourceReader<number> {
      let next = 0;
      return {
        open: async () => {},
        // The position moves in one I/O callback and the read completes in a later one.
        read: (batch: SourceBatch<number>) => new Promise((res) => setImmediate(() => {
          for (let i = 0; i < 5; i++) {
            batch.values[i] = next++;
            batch.times[i] = Number.NaN;
          }
          batch.split = 0;
          batch.length = 5;
          setTimeout(() => res('data'), 120);
        })),
        splitCount: () => 1, splitName: () => 'counter', isSplitFinished: () => false,
        position: () => next, seek: (p) => void (next = (p as number | undefined) ?? 0), close: async () => {},
      };
    },
  };
}

test('a periodic checkpoint taken while a read is in flight records the position of what was delivered, not of what was fetched', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'eddy-async-cut-')), 'ckpt');
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir, intervalMs: 1, minPauseMs: 0, retain: 1_000 } });
  env.fromSource(asyncCounter(), WatermarkStrategy.noWatermarks<number>(), 'counter')
    .keyBy(() => 'all').sum(() => 1).uid('count')
    .sinkTo(sinks.collect());
  const job = env.executeAsync('async-cut');
  await new Promise((r) => setTimeout(r, 1_500));
  job.cancel();
  const result = await job.result;

  const checkpoints = readdirSync(dir).filter((d) => d.startsWith('chk-'));
  assert.ok(checkpoints.length >= 3, `only ${checkpoints.length} checkpoints were taken: ${JSON.stringify(result.checkpoints)}`);
  for (const name of checkpoints) {
    const opened = await openCheckpoint(join(dir, name));
    const operator = opened.manifest.operators.find((o) => o.id === 'count');
    assert.ok(operator, `${name}: no state of the uid 'count' operator`);
    const counted = lookupKey(await readKeyedState(opened, operator.id), 'all')[0]?.value ?? 0;
    assert.equal(opened.manifest.sources[0].position, counted, `${name}: source position vs records counted at the cut`);
  }
});
