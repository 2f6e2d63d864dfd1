import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, StreamEnvironment, WatermarkStrategy, sinks, sources, type SourceBatch } from 'eddy';

test('generator: deterministic, bounded, and each split replays from its position', async () => {
  const env = StreamEnvironment.create({ batchSize: 7 });
  const out = sinks.collect<number>();
  env.fromSource(sources.generator({ count: 100, splits: 3, generate: (i) => i * 2 }), WatermarkStrategy.noWatermarks(), 'g').sinkTo(out);
  await env.execute();
  assert.deepEqual([...out.values].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i * 2));
});

test('generator: the rate limit follows the injected clock', async () => {
  const clock = new ManualClock(0);
  const reader = sources.generator({ ratePerSecond: 100, generate: (i) => i }).createReader({
    operatorName: 'g', clock, batchSize: 1000, badInput: 'dead-letter',
  });
  await reader.open();
  const batch: SourceBatch<number> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  clock.advance(100); // 100 ms at 100/s: 10 records allowed
  assert.equal(reader.read(batch), 'data');
  assert.equal(batch.length, 10);
  const pending = reader.read(batch);
  assert.ok(pending instanceof Promise, 'no more records until the clock moves');
  let resolved = false;
  void (pending as Promise<unknown>).then(() => (resolved = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false);
  clock.advance(50);
  assert.equal(await pending, 'data');
  assert.equal(batch.length, 5);
  assert.deepEqual(batch.values.slice(0, 5), [10, 11, 12, 13, 14]);
});

for (const count of [3, undefined]) {
  test(`generator: cancel does not wait for the next record of a slow rate (${count === undefined ? 'unbounded' : 'bounded'})`, async () => {
    // One record every 1 000 s: the first is due at 1 000 s (bounded sources are read in strict
    // turn, so the loop awaits each read; unbounded reads are in flight while the loop polls).
    const env = StreamEnvironment.create({ log: () => {} });
    const out = sinks.collect<number>();
    env.fromSource(sources.generator({ count, ratePerSecond: 0.001, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'slow').sinkTo(out);
    const job = env.executeAsync('slow');
    await new Promise((r) => setTimeout(r, 200));
    job.cancel();
    let bound: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      job.result.then((r) => r.status),
      new Promise<string>((r) => (bound = setTimeout(() => r('still running after 15 s'), 15_000))),
    ]).finally(() => clearTimeout(bound));
    assert.equal(stopped, 'cancelled');
    assert.deepEqual(out.values, []);
  });
}

test('generator: after a restore the rate counts from the restored position (no pause for the records before it)', async () => {
  const clock = new ManualClock(0);
  const reader = sources.generator({ ratePerSecond: 100, generate: (i) => i }).createReader({
    operatorName: 'g', clock, batchSize: 1000, badInput: 'dead-letter',
  });
  await reader.open();
  reader.seek([50_000]); // restored at record 50 000: 500 s of input at 100/s
  const batch: SourceBatch<number> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  clock.advance(100);
  assert.equal(reader.read(batch), 'data', 'records flow at once, at the rate');
  assert.equal(batch.length, 10);
  assert.equal(batch.values[0], 50_000);
});
