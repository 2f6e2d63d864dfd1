import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, type Source, type SourceBatch, type SourceReader } from 'eddy';
import { resolveCheckpointConfig } from '../../src/checkpoint/checkpoint-config.ts';
import { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage.ts';
import { setupCheckpoints } from '../../src/checkpoint/setup-checkpoints.ts';
import { JobLoop } from '../../src/runtime/job-loop.ts';
import { RunningGraph } from '../../src/runtime/running-graph.ts';

/**
 * An endless source whose reads complete asynchronously, filling the batch (and moving its
 * position) when they complete, as the Kafka reader does.
 */
function asyncCounter(): Source<number> {
  return {
    kind: 'async-counter', bounded: false, describe: () => 'async counter',
    createReader(): SourceReader<number> {
      let next = 0;
      return {
        open: async () => {},
        read: (batch: SourceBatch<number>) => new Promise((res) => setTimeout(() => {
          for (let i = 0; i < 7; i++) {
            batch.values[i] = next++;
            batch.times[i] = Number.NaN;
          }
          batch.split = 0;
          batch.length = 7;
          res('data');
        }, 1)),
        splitCount: () => 1, splitName: () => 'counter', isSplitFinished: () => false,
        position: () => next, seek: (p) => void (next = (p as number | undefined) ?? 0), close: async () => {},
      };
    },
  };
}

test('stopWithCheckpoint: the final checkpoint\'s source position covers exactly the records that went through (reads in flight at the stop are delivered)', async () => {
  for (let run = 0; run < 12; run++) {
    const out = sinks.collect<number>();
    const env = StreamEnvironment.create({ log: () => {} });
    env.fromSource(asyncCounter(), WatermarkStrategy.noWatermarks<number>(), 'counter').map((x) => x).sinkTo(out);
    const dir = join(mkdtempSync(join(tmpdir(), 'eddy-stop-ckpt-')), 'ckpt');
    const config = resolveCheckpointConfig({ dir, intervalMs: 1_000_000 });
    const runtime = new RunningGraph(env.plan(), 'stop', { ...env.runtimeOptions(), guarantee: config.guarantee });
    const runner = new JobLoop(runtime, () => setupCheckpoints(runtime, config, { from: 'latest' }, () => {}));
    const done = runner.run();
    await new Promise((r) => setTimeout(r, 5 + run * 3));
    runner.stopWithCheckpoint();
    const result = await done;
    assert.equal(result.status, 'cancelled');
    const latest = await new CheckpointStorage(dir).latestValid(() => {});
    assert.ok(latest !== null, 'no final checkpoint');
    assert.equal(latest.manifest.sources[0].position, out.values.length, `run ${run}: checkpointed position vs records delivered`);
    assert.deepEqual(out.values, out.values.map((_, i) => i));
  }
});
