import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, sinks, type ProcessFunction, type Source, type WatermarkGenerator,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface E { k: string; ts: number }
const placeholder = <T>(): Source<T> => ({ kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } });

function watermarkProbe(): ProcessFunction<E, number> {
  return { processElement: (_e, ctx, out) => out.collect(ctx.currentWatermark()) };
}

test('a union takes the minimum watermark of its inputs', () => {
  const env = StreamEnvironment.create();
  const s = WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((e) => e.ts);
  const a = env.fromSource(placeholder<E>(), s, 'a');
  const b = env.fromSource(placeholder<E>(), s, 'b');
  const counts = a.union(b).keyBy((e) => e.k).window(TumblingEventTimeWindows.of(10)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  driver.input<E>('a').push({ k: 'x', ts: 1 }).push({ k: 'x', ts: 50 });
  assert.deepEqual(out.values, [], 'b has not moved: nothing fires');
  driver.input<E>('b').push({ k: 'x', ts: 11 });
  assert.deepEqual(out.take(), [{ key: 'x', start: 0, end: 10, value: 1 }]);
  driver.input<E>('b').push({ k: 'x', ts: 60 });
  // a's watermark is 49 and b's 59: the union is at 49, so [50, 60) must wait for a.
  assert.deepEqual(out.take(), [{ key: 'x', start: 10, end: 20, value: 1 }]);
  driver.input<E>('a').push({ k: 'x', ts: 70 });
  assert.deepEqual(out.take(), [{ key: 'x', start: 50, end: 60, value: 1 }]);
});

test('an idle source stops holding the watermark back, and holds it again when it wakes', () => {
  const env = StreamEnvironment.create();
  const s = WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((e) => e.ts).withIdleness(1_000);
  const a = env.fromSource(placeholder<E>(), s, 'a');
  const b = env.fromSource(placeholder<E>(), s, 'b');
  const counts = a.union(b).keyBy((e) => e.k).window(TumblingEventTimeWindows.of(10)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  driver.input<E>('b').push({ k: 'y', ts: 0 });
  driver.input<E>('a').push({ k: 'x', ts: 5 }).push({ k: 'x', ts: 25 });
  assert.deepEqual(out.values, []);
  driver.advanceProcessingTime(999);
  assert.deepEqual(out.values, [], 'not idle yet');
  driver.input<E>('a').push({ k: 'x', ts: 26 });
  driver.advanceProcessingTime(1);
  // b has been silent for 1000 ms: only a counts now (a's watermark is 25).
  assert.deepEqual(out.take().map((r) => r.start), [0, 0]);
  driver.input<E>('b').push({ k: 'y', ts: 30 });
  driver.input<E>('a').push({ k: 'x', ts: 45 });
  assert.deepEqual(out.take().map((r) => [r.key, r.start]), [['x', 20]]);
});

test('source watermarks are per split and merged by min (bounded out-of-orderness)', () => {
  const env = StreamEnvironment.create();
  const s = WatermarkStrategy.forBoundedOutOfOrderness<E>(5).withTimestampAssigner((e) => e.ts);
  const probe = env.fromSource(placeholder<E>(), s, 'a').process(watermarkProbe());
  probe.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(probe);
  driver.input<E>('a').push({ k: 'x', ts: 100 }).push({ k: 'x', ts: 90 }).push({ k: 'x', ts: 200 });
  assert.deepEqual(out.values, [Number.NEGATIVE_INFINITY, 94, 94]);
});

test('a custom watermark generator: punctuated watermarks', () => {
  const env = StreamEnvironment.create();
  interface P extends E { mark?: boolean }
  const gen = (): WatermarkGenerator<P> => {
    let wm = Number.NEGATIVE_INFINITY;
    return { onEvent: (e, ts) => { if (e.mark) wm = ts; }, currentWatermark: () => wm };
  };
  const s = WatermarkStrategy.forGenerator<P>(gen).withTimestampAssigner((e) => e.ts);
  const counts = env.fromSource(placeholder<P>(), s, 'a').keyBy((e) => e.k).window(TumblingEventTimeWindows.of(10)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  driver.input<P>('a').push({ k: 'x', ts: 1 }).push({ k: 'x', ts: 30 });
  assert.deepEqual(out.values, []);
  driver.input<P>('a').push({ k: 'x', ts: 31, mark: true });
  assert.deepEqual(out.values, [{ key: 'x', start: 0, end: 10, value: 1 }]);
});

test('assignTimestampsAndWatermarks mid-stream replaces upstream time', () => {
  const env = StreamEnvironment.create();
  const raw = env.fromSource(placeholder<{ k: string; at: string }>(), WatermarkStrategy.noWatermarks(), 'raw');
  const counts = raw
    .map((r) => ({ k: r.k, ts: Date.parse(r.at) }))
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((e) => e.ts))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(60_000))
    .count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  driver.input<{ k: string; at: string }>('raw').push({ k: 'a', at: '2024-01-01T00:00:10Z' }).push({ k: 'a', at: '2024-01-01T00:01:10Z' });
  assert.deepEqual(out.values, [{ key: 'a', start: Date.parse('2024-01-01T00:00:00Z'), end: Date.parse('2024-01-01T00:01:00Z'), value: 1 }]);
});

test('ingestion time stamps records with the processing-time clock', () => {
  const env = StreamEnvironment.create();
  const probe = env.fromSource(placeholder<E>(), WatermarkStrategy.forIngestionTime<E>(), 'a')
    .process<number>({ processElement: (_e, ctx, out) => out.collect(ctx.timestamp()) });
  probe.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env, { startTime: 1_000 });
  const out = driver.output(probe);
  driver.input<E>('a').push({ k: 'x', ts: 0 });
  driver.advanceProcessingTime(500);
  driver.input<E>('a').push({ k: 'x', ts: 0 });
  assert.deepEqual(out.values, [1_000, 1_500]);
});
