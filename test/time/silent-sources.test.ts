// A source or split that never sends anything goes idle after withIdleness' timeout, counted from
// the start of the job (Flink starts the timer at the first periodic check): windows and joins
// behind it fire. Without withIdleness it holds event time back, as in Flink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, sinks, systemClock,
  type Source, type SourceReader, type SourceBatch, type ReadStatus,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface E { k: string; ts: number }
const placeholder = <T>(): Source<T> => ({ kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } });
const idle = (ms: number) => WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((e) => e.ts).withIdleness(ms);

test('a union behind a source that never sends a record fires once the silent source is idle', () => {
  const env = StreamEnvironment.create();
  const a = env.fromSource(placeholder<E>(), idle(1_000), 'a');
  const silent = env.fromSource(placeholder<E>(), idle(1_000), 'silent');
  const counts = a.union(silent).keyBy((e) => e.k).window(TumblingEventTimeWindows.of(10)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  driver.input<E>('a').push({ k: 'x', ts: 1 }).push({ k: 'x', ts: 25 });
  driver.advanceProcessingTime(999);
  driver.input<E>('a').push({ k: 'x', ts: 26 });
  assert.deepEqual(out.values, [], 'the silent source holds time back until its timeout');
  driver.advanceProcessingTime(1);
  assert.deepEqual(out.take(), [{ key: 'x', start: 0, end: 10, value: 1 }], 'silent for 1 000 ms since the start: idle');
  driver.input<E>('a').push({ k: 'x', ts: 40 });
  assert.deepEqual(out.take(), [{ key: 'x', start: 20, end: 30, value: 2 }]);
});

test('without withIdleness a silent source holds the union back (as in Flink)', () => {
  const env = StreamEnvironment.create();
  const s = WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((e) => e.ts);
  const counts = env.fromSource(placeholder<E>(), s, 'a').union(env.fromSource(placeholder<E>(), s, 'silent'))
    .keyBy((e) => e.k).window(TumblingEventTimeWindows.of(10)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  driver.input<E>('a').push({ k: 'x', ts: 1 }).push({ k: 'x', ts: 25 });
  driver.advanceProcessingTime(3_600_000);
  assert.deepEqual(out.values, []);
});

test('a window join and an interval join behind a silent side fire once it is idle', () => {
  const env = StreamEnvironment.create();
  const left = env.fromSource(placeholder<E>(), idle(500), 'left').keyBy((e) => e.k);
  const right = env.fromSource(placeholder<E>(), idle(500), 'right').keyBy((e) => e.k);
  const windowed = left.join(right).window(TumblingEventTimeWindows.of(10)).leftOuter().apply((l, r) => `${l.ts}:${r === null ? 'none' : r.ts}`);
  const interval = left.intervalJoin(right).between(-5, 5).leftOuter().apply((l, r) => `${l.ts}:${r === null ? 'none' : r.ts}`);
  windowed.sinkTo(sinks.collect());
  interval.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const w = driver.output(windowed);
  const iv = driver.output(interval);
  driver.input<E>('left').push({ k: 'x', ts: 3 }).push({ k: 'x', ts: 30 });
  assert.deepEqual([w.values, iv.values], [[], []], 'the right side has said nothing and holds both joins back');
  driver.advanceProcessingTime(499);
  driver.input<E>('left').push({ k: 'x', ts: 31 });
  driver.advanceProcessingTime(1);
  assert.deepEqual(w.take(), ['3:none']);
  assert.deepEqual(iv.take(), ['3:none']);
});

/** A custom source whose reader never has anything (unbounded). */
function silentSource(): Source<E> {
  return {
    kind: 'silent', bounded: false, describe: () => 'silent',
    createReader: (): SourceReader<E> => ({
      open: async () => {}, read: (_b: SourceBatch<E>): ReadStatus => 'idle', splitCount: () => 1, splitName: () => 'silent',
      isSplitFinished: () => false, position: () => null, seek: () => {}, close: async () => {},
    }),
  };
}

test('a custom source that never emits stops holding a running job back after the timeout', async () => {
  const env = StreamEnvironment.create({ clock: systemClock, log: () => {} });
  const events = Array.from({ length: 50 }, (_, i) => ({ k: 'x', ts: i * 100 }));
  const out = sinks.collect<{ start: number; value: number }>();
  env.fromCollection(events, idle(100), 'events').union(env.fromSource(silentSource(), idle(100), 'silent'))
    .keyBy((e) => e.k).window(TumblingEventTimeWindows.of(1_000)).count().sinkTo(out);
  const job = env.executeAsync('silent-custom-source');
  try {
    for (let i = 0; i < 200 && out.values.length < 5; i++) await new Promise((r) => systemClock.sleep(20).then(r));
    assert.deepEqual(out.values.map((r) => [r.start, r.value]), [[0, 10], [1_000, 10], [2_000, 10], [3_000, 10], [4_000, 10]]);
  } finally {
    job.cancel();
    assert.equal((await job.result).status, 'cancelled');
  }
});
