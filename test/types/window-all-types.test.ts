// Type-level tests of windowAll: `tsc --noEmit` (part of `npm test`) fails if a line marked with
// the expect-error directive compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type AllWindowResult, type DataStream, type WindowResult,
} from 'eddy';

interface Click { page: string; ts: number }

test('windowAll results have window bounds and a value, and no key', () => {
  const env = StreamEnvironment.create();
  const clicks = env.fromCollection<Click>([], WatermarkStrategy.noWatermarks());
  const counts: DataStream<AllWindowResult<number>> = clicks.windowAll(TumblingEventTimeWindows.of(1_000)).count();
  const reduced: DataStream<Click> = clicks.countWindowAll(10).reduce((a, b) => (a.ts > b.ts ? a : b));
  const shaped: DataStream<{ end: number; n: number }> = clicks.windowAll(TumblingEventTimeWindows.of(1_000))
    .aggregate({ createAccumulator: () => 0, add: (_c, a: number) => a + 1, getResult: (a) => a, merge: (a, b) => a + b }, (w, n) => ({ end: w.end, n }));
  const listed: DataStream<string> = clicks.windowAll(TumblingEventTimeWindows.of(1_000))
    .process<string>((w, elements, out) => out.collect(`${w.start}: ${elements.map((c) => c.page).join()}`));

  counts.map((r) => r.start + r.end + r.value);
  // @ts-expect-error: a whole-stream window has no key
  counts.map((r) => r.key);
  // @ts-expect-error: not a keyed WindowResult
  const keyed: DataStream<WindowResult<string, number>> = counts;
  // @ts-expect-error: the window function gets (window, result), no key first
  clicks.windowAll(TumblingEventTimeWindows.of(1_000)).reduce((a) => a, (key: string, w: unknown, r: Click) => r);
  // @ts-expect-error: Click has no field 'url'
  clicks.windowAll(TumblingEventTimeWindows.of(1_000)).sum((c) => c.url);
  void keyed; void reduced; void shaped; void listed;
  assert.ok(true);
});

test('name() and uid() belong to operators: every stream an operator returns has them, a KeyedStream has none', () => {
  const env = StreamEnvironment.create();
  const clicks = env.fromCollection<Click>([], WatermarkStrategy.noWatermarks());
  const keyed = clicks.keyBy((c) => c.page);
  const labelled: DataStream<unknown>[] = [
    clicks.asyncMap(async (c) => c.ts, { capacity: 4 }).name('a').uid('a') as DataStream<unknown>,
    keyed.join(keyed).window(TumblingEventTimeWindows.of(10)).apply((l, r) => l.ts + r.ts).name('j').uid('j') as DataStream<unknown>,
    keyed.intervalJoin(keyed).between(0, 5).apply((l, r) => l.ts - r.ts).name('i').uid('i') as DataStream<unknown>,
    keyed.join(keyed).regular().apply((l) => l).name('r').uid('r') as DataStream<unknown>,
    clicks.windowAll(TumblingEventTimeWindows.of(10)).count().name('w').uid('w') as DataStream<unknown>,
    keyed.sum((c) => c.ts).name('s').uid('s') as DataStream<unknown>,
  ];
  const typeOnly = () => {
    // @ts-expect-error: keyBy is not an operator; uid() goes on the operator after it
    keyed.uid('by-page');
    // @ts-expect-error: nor does it take a name
    keyed.name('by-page');
  };
  assert.equal(labelled.length, 6);
  assert.equal((keyed as unknown as { uid?: unknown }).uid, undefined);
  void typeOnly;
});
