import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, OutputTag, sinks, type KeyedProcessFunction, type ValueState,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface Click { page: string; ts: number }

test('tumbling count fires when the watermark passes the window end, late data goes to the side output', () => {
  const env = StreamEnvironment.create();
  const late = new OutputTag<Click>('late');
  const clicks = env.fromSource(sinksSourcePlaceholder(), WatermarkStrategy.forBoundedOutOfOrderness<Click>(0).withTimestampAssigner((c) => c.ts), 'clicks');
  const counts = clicks.keyBy((c) => c.page).window(TumblingEventTimeWindows.of(60_000)).allowedLateness(10_000).sideOutputLateData(late).count();
  counts.sinkTo(sinks.collect());
  counts.getSideOutput(late).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  const lateOut = driver.sideOutput(counts, late);
  const input = driver.input<Click>('clicks');
  input.push({ page: '/a', ts: 1_000 }).push({ page: '/a', ts: 2_000 }).push({ page: '/b', ts: 30_000 });
  assert.deepEqual(out.values, []);
  input.push({ page: '/a', ts: 60_000 }); // watermark 59_999: the first window fires
  assert.deepEqual(out.take(), [
    { key: '/a', start: 0, end: 60_000, value: 2 },
    { key: '/b', start: 0, end: 60_000, value: 1 },
  ]);
  input.push({ page: '/a', ts: 5_000 }); // late but within allowed lateness: fires again
  assert.deepEqual(out.take(), [{ key: '/a', start: 0, end: 60_000, value: 3 }]);
  input.push({ page: '/a', ts: 75_000 }); // watermark 74_999 >= 59_999 + 10_000: window 0 is gone
  input.push({ page: '/a', ts: 6_000 });
  assert.deepEqual(lateOut.values, [{ page: '/a', ts: 6_000 }]);
  assert.equal(driver.metrics().lateToSideOutput, 1);
  driver.endInput();
  assert.deepEqual(out.take(), [{ key: '/a', start: 60_000, end: 120_000, value: 2 }]);
});

test('keyed process function with state and event-time timers', () => {
  const env = StreamEnvironment.create();
  const events = env.fromCollection<Click>([], WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts), 'events');
  type Fn = KeyedProcessFunction<string, Click, string> & { count: ValueState<number> };
  const fn: Fn = {
    count: undefined as never,
    open(ctx) {
      this.count = ctx.getState<number>('count');
    },
    processElement(_c, ctx) {
      this.count.update((this.count.value() ?? 0) + 1);
      ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 1_000);
    },
    onTimer(ts, ctx, out) {
      out.collect(`${ctx.getCurrentKey()}@${ts}:${this.count.value()}`);
    },
  };
  const result = events.keyBy((c) => c.page).process(fn);
  result.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(result);
  driver.input<Click>('events').push({ page: 'x', ts: 0 }).push({ page: 'x', ts: 500 }).push({ page: 'y', ts: 900 });
  assert.deepEqual(out.values, []);
  driver.advanceWatermark('events', 1_000);
  assert.deepEqual(out.take(), ['x@1000:2']);
  driver.endInput();
  assert.deepEqual(out.take(), ['x@1500:2', 'y@1900:1']);
});

function sinksSourcePlaceholder() {
  return { kind: 'test', bounded: true, describe: () => 'test', createReader: () => { throw new Error('replaced by the driver'); } };
}
