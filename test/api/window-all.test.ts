// windowAll / countWindowAll: windows over the whole stream. Hand-computed cases for every
// function, an oracle property test (the brute-force window model with every record under one
// key), and a checkpoint round trip through the test driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type AllWindowedStream, type DataStream, CountEvictor, CountTrigger, EventTimeSessionWindows, OutputTag,
  SlidingEventTimeWindows, StreamEnvironment, TumblingEventTimeWindows, TumblingProcessingTimeWindows, WatermarkStrategy, sinks,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { AlignedWindowOperator } from '../../src/runtime/operators/aligned-window-operator.ts';
import { WindowOperator } from '../../src/runtime/operators/window-operator.ts';
import { type AssignerCase, eventTimeOps, operatorOf, session, sliding, tumbling } from '../window/window-harness.ts';
import { type AssignerSpec, type Firing, type Rec, runOracle } from '../window/window-oracle.ts';

interface Sale { shop: string; amount: number; ts: number }

const strategy = WatermarkStrategy.forMonotonousTimestamps<Sale>().withTimestampAssigner((s) => s.ts);

function job<R>(build: (w: AllWindowedStream<Sale>) => DataStream<R>, windows = (s: DataStream<Sale>) => s.windowAll(TumblingEventTimeWindows.of(10))) {
  const env = StreamEnvironment.create();
  const stream = build(windows(env.fromCollection<Sale>([], strategy, 'sales')));
  stream.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  return { env, stream, driver, out: driver.output(stream), input: driver.input<Sale>('sales') };
}

// Three shops in one window [0, 10) and one in [10, 20): windowAll must not split by shop.
const SALES: Sale[] = [
  { shop: 'a', amount: 5, ts: 1 }, { shop: 'b', amount: 7, ts: 3 }, { shop: 'c', amount: -2, ts: 9 }, { shop: 'a', amount: 4, ts: 12 },
];

test('windowAll: count, sum, min, max, avg over every record of a window, with no key', () => {
  const cases: [string, (w: AllWindowedStream<Sale>) => DataStream<any>, unknown[]][] = [
    ['count', (w) => w.count(), [3, 1]],
    ['sum', (w) => w.sum((s) => s.amount), [10, 4]],
    ['min', (w) => w.min((s) => s.amount), [-2, 4]],
    ['max', (w) => w.max((s) => s.amount), [7, 4]],
    ['avg', (w) => w.avg((s) => s.amount), [10 / 3, 4]],
  ];
  for (const [name, build, values] of cases) {
    const { driver, out, input } = job(build);
    input.pushAll(SALES);
    driver.endInput();
    assert.deepEqual(out.values, [{ start: 0, end: 10, value: values[0] }, { start: 10, end: 20, value: values[1] }], name);
    assert.deepEqual(out.timestamps, [9, 19], `${name}: a result carries its window's last timestamp`);
  }
});

test('windowAll: reduce, aggregate and process, with and without a window function', () => {
  const add = (a: Sale, b: Sale): Sale => ({ shop: `${a.shop}+${b.shop}`, amount: a.amount + b.amount, ts: Math.max(a.ts, b.ts) });
  const shops = {
    createAccumulator: () => [] as string[],
    add: (s: Sale, acc: string[]) => [...acc, s.shop],
    getResult: (acc: string[]) => acc.join(','),
    merge: (a: string[], b: string[]) => [...a, ...b],
  };
  const cases: [string, (w: AllWindowedStream<Sale>) => DataStream<any>, unknown[]][] = [
    ['reduce', (w) => w.reduce(add), [{ shop: 'a+b+c', amount: 10, ts: 9 }, SALES[3]]],
    ['reduce + window', (w) => w.reduce(add, (win, r) => `${win.start}-${win.end}:${r.amount}`), ['0-10:10', '10-20:4']],
    ['aggregate', (w) => w.aggregate(shops), ['a,b,c', 'a']],
    ['aggregate + window', (w) => w.aggregate(shops, (win, r) => ({ end: win.end, shops: r })), [{ end: 10, shops: 'a,b,c' }, { end: 20, shops: 'a' }]],
    ['process', (w) => w.process<string>((win, elements, out) => {
      out.collect(`${win.start}:${elements.length}`);
      out.collect(`${win.start}:${elements.map((e) => e.shop).join('')}`);
    }), ['0:3', '0:abc', '10:1', '10:a']],
  ];
  for (const [name, build, values] of cases) {
    const { driver, out, input } = job(build);
    input.pushAll(SALES);
    driver.endInput();
    assert.deepEqual(out.values, values, name);
  }
});

test('windowAll runs on the keyed window operators: panes for tumbling aggregates, the general one for sessions and process', () => {
  const t = job((w) => w.count());
  assert.ok(operatorOf(t.driver, t.stream) instanceof AlignedWindowOperator);
  const s = job((w) => w.count(), (d) => d.windowAll(EventTimeSessionWindows.withGap(3)));
  assert.ok(operatorOf(s.driver, s.stream) instanceof WindowOperator);
  s.input.pushAll(SALES);
  s.driver.endInput();
  // Sessions with a gap of 3 over ts 1, 3, 9, 12 (shops a, b, c, a): [1, 6) and [9, 15) (windows that touch merge).
  assert.deepEqual(s.out.values, [{ start: 1, end: 6, value: 2 }, { start: 9, end: 15, value: 2 }]);
});

test('countWindowAll: tumbling every n records of the stream, sliding every `slide` over the last `size`', () => {
  const t = job((w) => w.sum((s) => s.amount), (d) => d.countWindowAll(2));
  t.input.pushAll(SALES);
  t.driver.endInput();
  assert.deepEqual(t.out.values.map((r) => (r as { value: number }).value), [12, 2], 'tumbling: 5+7, -2+4; a partial window never fires');
  const s = job((w) => w.process<string>((_w, els, out) => out.collect(els.map((e) => e.amount).join(','))), (d) => d.countWindowAll(3, 1));
  s.input.pushAll(SALES);
  s.driver.endInput();
  assert.deepEqual(s.out.values, ['5', '5,7', '5,7,-2', '7,-2,4']);
});

test('countWindowAll: a bad size or slide is an error naming the call', () => {
  const env = StreamEnvironment.create();
  const s = env.fromCollection([1]);
  assert.throws(() => s.countWindowAll(0), /countWindowAll\(size, slide\?\): size must be an integer >= 1, got 0/);
  assert.throws(() => s.countWindowAll(3, 1.5), /countWindowAll\(size, slide\?\): slide must be an integer >= 1, got 1.5/);
});

test('windowAll: trigger and evictor as on a keyed window', () => {
  const t = job((w) => w.trigger(CountTrigger.of(2)).evictor(CountEvictor.of(1)).process<number>((_w, els, out) => out.collect(els[0].amount)));
  t.input.pushAll(SALES);
  t.driver.endInput();
  // Fires at the 2nd record of [0, 10) keeping only the newest (7); [10, 20) never reaches 2.
  assert.deepEqual(t.out.values, [7]);
});

test('windowAll: allowed lateness fires a window again; later records go to the late side output', () => {
  const late = new OutputTag<Sale>('late');
  const env = StreamEnvironment.create();
  const counts = env.fromCollection<Sale>([], strategy, 'sales')
    .windowAll(TumblingEventTimeWindows.of(10)).allowedLateness(5).sideOutputLateData(late).count();
  counts.sinkTo(sinks.collect());
  counts.getSideOutput(late).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(counts);
  const lateOut = driver.sideOutput(counts, late);
  const input = driver.input<Sale>('sales');
  input.pushAll(SALES.slice(0, 3));
  input.push({ shop: 'a', amount: 1, ts: 11 }); // watermark 10: [0, 10) fires with 3
  input.push({ shop: 'b', amount: 1, ts: 2 }); // within lateness: fires again with 4
  input.push({ shop: 'c', amount: 1, ts: 30 }); // watermark 29: [0, 10) is gone
  input.push({ shop: 'd', amount: 1, ts: 4 }); // too late
  driver.endInput();
  assert.deepEqual(out.values, [
    { start: 0, end: 10, value: 3 }, { start: 0, end: 10, value: 4 }, { start: 10, end: 20, value: 1 }, { start: 30, end: 40, value: 1 },
  ]);
  assert.deepEqual(lateOut.values, [{ shop: 'd', amount: 1, ts: 4 }]);
  assert.equal(driver.metrics().lateToSideOutput, 1);
});

test('windowAll: a checkpoint round trip (snapshot mid-window, restore in a fresh driver) gives the uninterrupted output', () => {
  const build = () => job((w) => w.sum((s) => s.amount), (d) => d.windowAll(SlidingEventTimeWindows.of(10, 5)));
  const whole = build();
  whole.input.pushAll(SALES);
  whole.driver.endInput();

  const first = build();
  first.input.pushAll(SALES.slice(0, 2));
  const before = first.out.take();
  const snap = first.driver.snapshot();
  const env = StreamEnvironment.create();
  const stream = env.fromCollection<Sale>([], strategy, 'sales').windowAll(SlidingEventTimeWindows.of(10, 5)).sum((s) => s.amount);
  stream.sinkTo(sinks.collect());
  const resumed = StreamTestDriver.create(env, { restoreFrom: snap });
  const out = resumed.output(stream);
  resumed.input<Sale>('sales').pushAll(SALES.slice(2));
  resumed.endInput();
  assert.deepEqual([...before, ...out.values], whole.out.values);
  // Windows [-5, 5), [0, 10), [5, 15), [10, 20).
  assert.deepEqual(whole.out.values.map((r) => r.value), [12, 10, 2, 4]);
});

test('windowAll on processing time: windows by the driver clock', () => {
  const env = StreamEnvironment.create();
  const sums = env.fromCollection<Sale>([], WatermarkStrategy.noWatermarks(), 'sales').windowAll(TumblingProcessingTimeWindows.of(100)).sum((s) => s.amount);
  sums.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(sums);
  const input = driver.input<Sale>('sales');
  input.pushAll(SALES.slice(0, 2));
  driver.advanceProcessingTime(150); // the clock passes 99: [0, 100) fires
  input.pushAll(SALES.slice(2));
  assert.deepEqual(out.values, [{ start: 0, end: 100, value: 12 }]);
  driver.advanceProcessingTime(100);
  assert.deepEqual(out.values, [{ start: 0, end: 100, value: 12 }, { start: 100, end: 200, value: 2 }]);
});

test('windowAll: name() and uid() label the window operator', () => {
  const env = StreamEnvironment.create();
  const s = env.fromCollection([1, 2]).windowAll(TumblingEventTimeWindows.of(10)).count().name('per-10ms').uid('all-count');
  s.sinkTo(sinks.collect());
  const node = env.plan().nodes[s.id];
  assert.equal(node.kind, 'window');
  assert.equal(node.name, 'per-10ms');
  assert.equal(node.uid, 'all-count');
});

// --- oracle ----------------------------------------------------------------------------------------

function toSpec(a: AssignerCase): AssignerSpec {
  switch (a.type) {
    case 'tumbling': return { type: 'tumbling', size: a.size, slide: a.size, offset: a.offset };
    case 'sliding': return a;
    case 'session': return { type: 'session', gap: () => a.gap };
    case 'count': return { type: 'count', size: a.size, slide: a.slide ?? a.size };
  }
}

const counts: fc.Arbitrary<AssignerCase> = fc.record({
  type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 5 }), slide: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});
const fixedSession = session.map((s) => ({ ...s, dynamic: false }));

type AllAgg = 'sum' | 'process';
const canonical = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

for (const [name, assigner] of [['tumbling', tumbling], ['sliding', sliding], ['session', fixedSession], ['count', counts]] as const) {
  for (const agg of ['sum', 'process'] as AllAgg[]) {
    test(`windowAll ${name}, ${agg}: matches the window model with every record under one key`, () => {
      fc.assert(fc.property(assigner, fc.integer({ min: 0, max: 10 }), fc.constantFrom(0, 7), eventTimeOps(40), (a, ooo, lateness, ops) => {
        const env = StreamEnvironment.create();
        const src = env.fromCollection<Rec>([], WatermarkStrategy.forBoundedOutOfOrderness<Rec>(ooo).withTimestampAssigner((r) => r.ts), 'in');
        let w = a.type === 'count' ? src.countWindowAll(a.size, a.slide ?? undefined)
          : src.windowAll(a.type === 'tumbling' ? TumblingEventTimeWindows.of<Rec>(a.size, a.offset)
            : a.type === 'sliding' ? SlidingEventTimeWindows.of<Rec>(a.size, a.slide, a.offset) : EventTimeSessionWindows.withGap<Rec>(a.gap));
        if (lateness > 0) w = w.allowedLateness(lateness);
        const stream: DataStream<any> = agg === 'sum' ? w.sum((r) => r.v)
          : w.process<unknown>((win, els, out) => out.collect({ start: win.start, end: win.end, ids: els.map((e) => e.id).sort((x, y) => x - y) }));
        stream.sinkTo(sinks.collect());
        const driver = StreamTestDriver.create(env);
        const out = driver.output(stream);
        const input = driver.input<Rec>('in');
        const one = ops.map((o) => (o.op === 'push' ? { ...o, rec: { ...o.rec, k: '*' } } : o));
        const expected = runOracle({ assigner: toSpec(a), time: 'event', allowedLateness: lateness, outOfOrderness: ooo, continuous: null }, one);
        const emit = (f: Firing) => (agg === 'sum'
          ? { start: f.start, end: f.end, value: f.elements.reduce((s, e) => s + e.v, 0) }
          : { start: f.start, end: f.end, ids: f.elements.map((e) => e.id).sort((x, y) => x - y) });
        ops.forEach((o, i) => {
          if (o.op === 'push') input.push(o.rec);
          else if (o.op === 'watermark') driver.advanceWatermark('in', o.to);
          else if (o.op === 'end') driver.endInput();
          const got = out.take();
          const want = expected[i].fired.map(emit);
          // Count windows have no bounds of their own (GlobalWindow): compare the values only.
          const strip = (x: unknown) => (a.type === 'count' ? { ...(x as object), start: 0, end: 0 } : x);
          assert.deepEqual(canonical(got.map(strip)), canonical(want.map(strip)), `step ${i} ${JSON.stringify(o)}`);
        });
      }), { numRuns: 60 });
    });
  }
}
