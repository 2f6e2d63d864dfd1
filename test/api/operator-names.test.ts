import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks } from 'eddy';

interface Click { page: string; ts: number }

/** The job of a run: `extraBranch` adds operators on another branch, before the counted one. */
function names(extraBranch: boolean): string[] {
  const env = StreamEnvironment.create();
  const clicks = env.fromCollection<Click>([], WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts), 'clicks');
  if (extraBranch) clicks.map((c) => c.page).filter((p) => p !== '/').sinkTo(sinks.collect());
  clicks.filter((c) => c.page !== '/health').keyBy((c) => c.page).window(TumblingEventTimeWindows.of(60_000)).count().sinkTo(sinks.collect());
  clicks.map((c) => c.ts).sinkTo(sinks.collect());
  return env.plan().nodes.map((n) => n.name);
}

test('generated operator names follow the graph shape: the same in every run, unmoved by operators on other branches', () => {
  const plain = names(false);
  assert.deepEqual(plain, [
    'clicks', 'clicks/filter', 'clicks/filter/key-by', 'clicks/filter/key-by/window', 'clicks/filter/key-by/window/collect-sink',
    'clicks/map', 'clicks/map/collect-sink',
  ]);
  assert.deepEqual(names(false), plain, 'a second run of the same graph');
  const more = names(true);
  for (const n of plain.filter((x) => x !== 'clicks/map' && x !== 'clicks/map/collect-sink')) assert.ok(more.includes(n), `${n} kept its name`);
  // Identical siblings are told apart in the order they were added.
  assert.ok(more.includes('clicks/map') && more.includes('clicks/map#2'), more.join(', '));
});

test('unnamed collections and user names: generated names start from the nearest name', () => {
  const env = StreamEnvironment.create();
  env.fromCollection([1]).map((x) => x + 1).name('inc').filter((x) => x > 0).sinkTo(sinks.collect());
  env.fromCollection([2]).sinkTo(sinks.collect());
  assert.deepEqual(env.plan().nodes.map((n) => n.name), ['collection', 'inc', 'inc/filter', 'inc/filter/collect-sink', 'collection#2', 'collection#2/collect-sink']);
});
