// Broadcast state: a thresholds stream, broadcast to every sensor, changes when readings alert.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BroadcastStateDescriptor, type KeyedBroadcastProcessFunction, StreamEnvironment, WatermarkStrategy, sinks, type ValueState,
} from 'eddy';
import { type DriverSnapshot, StreamTestDriver } from 'eddy/testing';

interface Reading { readonly sensor: string; readonly celsius: number }
/** A new limit for one sensor, or for every sensor without its own ('*'). */
interface Threshold { readonly sensor: string; readonly limit: number }
type Out =
  | { readonly kind: 'alert'; readonly sensor: string; readonly celsius: number; readonly limit: number; readonly nth: number }
  | { readonly kind: 'limit'; readonly sensor: string; readonly limit: number }
  | { readonly kind: 'summary'; readonly sensor: string; readonly alerts: number; readonly limits: number };

const LIMITS = new BroadcastStateDescriptor<string, number>('limits');

type Alerting = KeyedBroadcastProcessFunction<string, Reading, Threshold, Out> & { alerts: ValueState<number> };

const alerting = (): Alerting => ({
  alerts: undefined as unknown as ValueState<number>,
  open(ctx) {
    this.alerts = ctx.getState<number>('alerts');
  },
  processElement(r, ctx, out) {
    const limits = ctx.getBroadcastState(LIMITS);
    const limit = limits.get(r.sensor) ?? limits.get('*');
    if (limit === undefined || r.celsius <= limit) return;
    const nth = (this.alerts.value() ?? 0) + 1;
    this.alerts.update(nth);
    out.collect({ kind: 'alert', sensor: ctx.getCurrentKey(), celsius: r.celsius, limit, nth });
    ctx.timerService().registerEventTimeTimer(1_000);
  },
  processBroadcastElement(t, ctx, out) {
    ctx.getBroadcastState(LIMITS).put(t.sensor, t.limit);
    out.collect({ kind: 'limit', sensor: t.sensor, limit: t.limit });
  },
  onTimer(_ts, ctx, out) {
    out.collect({ kind: 'summary', sensor: ctx.getCurrentKey(), alerts: this.alerts.value() ?? 0, limits: ctx.getBroadcastState(LIMITS).size });
  },
});

function job(restoreFrom?: DriverSnapshot) {
  const env = StreamEnvironment.create();
  const readings = env.fromCollection<Reading>([], WatermarkStrategy.noWatermarks(), 'readings');
  const thresholds = env.fromCollection<Threshold>([], WatermarkStrategy.noWatermarks(), 'thresholds');
  const out = readings.keyBy((r) => r.sensor).connect(thresholds.broadcast()).process(alerting()).uid('alerting');
  out.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env, { watermarks: 'manual', restoreFrom });
  return { driver, out: driver.output(out), readings: driver.input<Reading>('readings'), thresholds: driver.input<Threshold>('thresholds') };
}

test('a threshold reaches every key; a sensor limit overrides the default; keyed state stays per key', () => {
  const { out, readings, thresholds } = job();
  readings.push({ sensor: 's1', celsius: 90 }, 1); // no limit yet
  thresholds.push({ sensor: '*', limit: 50 }, 2);
  readings.push({ sensor: 's1', celsius: 60 }, 3).push({ sensor: 's2', celsius: 70 }, 3).push({ sensor: 's2', celsius: 40 }, 4);
  thresholds.push({ sensor: 's2', limit: 80 }, 5);
  readings.push({ sensor: 's2', celsius: 75 }, 6).push({ sensor: 's1', celsius: 75 }, 6).push({ sensor: 's2', celsius: 85 }, 7);
  assert.deepEqual(out.values, [
    { kind: 'limit', sensor: '*', limit: 50 },
    { kind: 'alert', sensor: 's1', celsius: 60, limit: 50, nth: 1 },
    { kind: 'alert', sensor: 's2', celsius: 70, limit: 50, nth: 1 },
    { kind: 'limit', sensor: 's2', limit: 80 },
    { kind: 'alert', sensor: 's1', celsius: 75, limit: 50, nth: 2 },
    { kind: 'alert', sensor: 's2', celsius: 85, limit: 80, nth: 2 },
  ]);
  assert.deepEqual(out.timestamps, [2, 3, 3, 5, 6, 7]);
});

test('broadcast and keyed state and timers survive a checkpoint round trip', () => {
  const first = job();
  first.thresholds.push({ sensor: '*', limit: 50 }, 1).push({ sensor: 's2', limit: 10 }, 1);
  first.readings.push({ sensor: 's1', celsius: 60 }, 2).push({ sensor: 's2', celsius: 20 }, 2);
  first.out.take();
  const second = job(first.driver.snapshot());
  second.readings.push({ sensor: 's1', celsius: 61 }, 3).push({ sensor: 's2', celsius: 11 }, 3).push({ sensor: 's3', celsius: 51 }, 3);
  second.driver.advanceWatermark(1_000);
  assert.deepEqual(second.out.values, [
    { kind: 'alert', sensor: 's1', celsius: 61, limit: 50, nth: 2 },
    { kind: 'alert', sensor: 's2', celsius: 11, limit: 10, nth: 2 },
    { kind: 'alert', sensor: 's3', celsius: 51, limit: 50, nth: 1 },
    { kind: 'summary', sensor: 's1', alerts: 2, limits: 2 },
    { kind: 'summary', sensor: 's2', alerts: 2, limits: 2 },
    { kind: 'summary', sensor: 's3', alerts: 1, limits: 2 },
  ]);
});

test('the keyed side cannot write broadcast state (no put at all, and a compile error)', () => {
  const env = StreamEnvironment.create();
  const seen: unknown[] = [];
  const readings = env.fromCollection<Reading>([], WatermarkStrategy.noWatermarks(), 'readings');
  const thresholds = env.fromCollection<Threshold>([], WatermarkStrategy.noWatermarks(), 'thresholds');
  readings.keyBy((r) => r.sensor).connect(thresholds.broadcast()).process<never>({
    processElement(_r, ctx) {
      const view = ctx.getBroadcastState(LIMITS);
      // @ts-expect-error: read-only on the keyed side
      seen.push(typeof view.put, view.get('*'));
    },
    processBroadcastElement(t, ctx) {
      ctx.getBroadcastState(LIMITS).put(t.sensor, t.limit);
    },
  }).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  driver.input<Threshold>('thresholds').push({ sensor: '*', limit: 1 });
  driver.input<Reading>('readings').push({ sensor: 's', celsius: 0 });
  assert.deepEqual(seen, ['undefined', 1]);
});

test('the whole job on the runner, the thresholds read first', async () => {
  const env = StreamEnvironment.create();
  const thresholds = env.fromCollection<Threshold>([{ sensor: '*', limit: 30 }], WatermarkStrategy.noWatermarks(), 'thresholds');
  const readings = env.fromCollection<Reading>([{ sensor: 'a', celsius: 20 }, { sensor: 'a', celsius: 40 }], WatermarkStrategy.noWatermarks(), 'readings');
  const out = sinks.collect<Out>();
  readings.keyBy((r) => r.sensor).connect(thresholds.broadcast()).process(alerting()).filter((o) => o.kind !== 'summary').sinkTo(out);
  await env.execute('broadcast');
  assert.deepEqual(out.values, [{ kind: 'limit', sensor: '*', limit: 30 }, { kind: 'alert', sensor: 'a', celsius: 40, limit: 30, nth: 1 }]);
});
