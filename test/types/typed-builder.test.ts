// Type-level tests: `tsc --noEmit` (part of `npm test`) fails if a line marked @ts-expect-error compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, type DataStream, type KeyedStream, type WindowResult,
} from 'eddy';

interface Click { page: string; user: string; ts: number }

test('the record type flows through the builder', () => {
  const env = StreamEnvironment.create();
  const clicks: DataStream<Click> = env.fromCollection<Click>([], WatermarkStrategy.noWatermarks());
  const pages: DataStream<string> = clicks.map((c) => c.page);
  const lengths: DataStream<number> = pages.map((p) => p.length);
  const keyed: KeyedStream<string, Click> = clicks.keyBy((c) => c.user);
  const counts: DataStream<WindowResult<string, number>> = keyed.window(TumblingEventTimeWindows.of(1_000)).count();
  const totals = keyed.window(TumblingEventTimeWindows.of(1_000)).aggregate(
    { createAccumulator: () => 0, add: (c, a: number) => a + c.ts, getResult: (a) => `${a}`, merge: (a, b) => a + b },
    (key, window, result) => ({ key, end: window.end, total: result }),
  );
  const total: DataStream<{ key: string; end: number; total: string }> = totals;

  // @ts-expect-error: Click has no field 'url'
  clicks.map((c) => c.url);
  // @ts-expect-error: the stream holds strings, not numbers
  const wrong: DataStream<number> = pages;
  // @ts-expect-error: a string stream cannot go to a number sink
  lengths.sinkTo(sinks.collect<string>());
  // @ts-expect-error: keys must be primitives
  clicks.keyBy((c) => ({ page: c.page }));
  // @ts-expect-error: window results carry the key type
  const badKey: DataStream<WindowResult<number, number>> = counts;
  void wrong; void badKey; void total;
  assert.ok(true);
});
