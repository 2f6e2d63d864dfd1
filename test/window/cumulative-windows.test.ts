// CumulativeEventTimeWindows (Flink SQL's CUMULATE): windows that share a start and grow by a step
// up to the size; each element counts in every window of its period that ends after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CumulativeEventTimeWindows, StreamEnvironment, WatermarkStrategy, sinks, type TimeWindow } from 'eddy';

test('cumulative windows: an element belongs to the windows of its period that end after it', () => {
  const a = CumulativeEventTimeWindows.of(10_000, 2_000);
  const windows = (ts: number): string[] => {
    const out: TimeWindow[] = [];
    a.assignWindows(undefined, ts, out);
    return out.map((w) => `${w.start}-${w.end}`);
  };
  assert.deepEqual(windows(3_000), ['0-4000', '0-6000', '0-8000', '0-10000']);
  assert.deepEqual(windows(0), ['0-2000', '0-4000', '0-6000', '0-8000', '0-10000']);
  assert.deepEqual(windows(9_999), ['0-10000']);
  assert.deepEqual(windows(-1), ['-10000-0']);
  assert.deepEqual(windows(12_000), ['10000-14000', '10000-16000', '10000-18000', '10000-20000']);
  const shifted = CumulativeEventTimeWindows.of(10_000, 5_000, 1_000);
  const out: TimeWindow[] = [];
  shifted.assignWindows(undefined, 500, out);
  assert.deepEqual(out, [{ start: -9_000, end: -4_000 + 5_000 }]);
  assert.throws(() => CumulativeEventTimeWindows.of(10_000, 3_000), /must be a multiple of its step/);
});

test('cumulative windows: a running count per period, emitted at every step as the watermark passes it', async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<{ key: string; start: number; end: number; value: number }>();
  env.fromCollection([1_000, 2_500, 4_000, 9_000, 11_000], WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((t) => t))
    .keyBy(() => 'all').window(CumulativeEventTimeWindows.of(10_000, 5_000)).count().sinkTo(out);
  await env.execute('cumulate');
  assert.deepEqual(out.values.map((r) => [r.start, r.end, r.value]), [[0, 5_000, 3], [0, 10_000, 4], [10_000, 15_000, 1], [10_000, 20_000, 1]]);
});
