// Flink's operator-harness round trip: snapshot in the middle of a run, restore into fresh
// operators (through the checkpoint serializer), continue: the output must be what an
// uninterrupted run produces, for every stateful operator kind.
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  LmdbStateBackend, StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, SlidingEventTimeWindows, EventTimeSessionWindows, OutputTag, sinks,
  type DataStream, type KeyedProcessFunction, type ValueState, type MapState, type Source,
} from 'eddy';
import { StreamTestDriver, type DriverSnapshot } from 'eddy/testing';

interface Ev { k: string; ts: number; v: number }
const placeholder: Source<Ev> = { kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } };

type Build = (s: DataStream<Ev>, late: OutputTag<Ev>) => DataStream<any>;
const jobs: Record<string, Build> = {
  'tumbling count with lateness': (s, late) => s.keyBy((e) => e.k).window(TumblingEventTimeWindows.of(100)).allowedLateness(50).sideOutputLateData(late).count(),
  'sliding sum (panes)': (s, late) => s.keyBy((e) => e.k).window(SlidingEventTimeWindows.of(100, 30)).sideOutputLateData(late).sum((e) => e.v),
  'session process (generic operator)': (s, late) => s.keyBy((e) => e.k).window(EventTimeSessionWindows.withGap(40)).allowedLateness(20).sideOutputLateData(late)
    .process<string>((k, w, els, out) => out.collect(`${k}:${w.start}-${w.end}:${els.map((e) => e.v).join(',')}`)),
  'count window': (s) => s.keyBy((e) => e.k).countWindow(3, 2).sum((e) => e.v),
  'rolling sum': (s) => s.keyBy((e) => e.k).sum((e) => e.v),
  'keyed process with state and timers': (s) => {
    type Fn = KeyedProcessFunction<string, Ev, string> & { last: ValueState<number>; seen: MapState<number, number> };
    const fn: Fn = {
      last: undefined as never, seen: undefined as never,
      open(ctx) { this.last = ctx.getState('last'); this.seen = ctx.getMapState('seen'); },
      processElement(e, ctx) {
        this.last.update(e.ts);
        this.seen.put(e.v, (this.seen.get(e.v) ?? 0) + 1);
        ctx.timerService().registerEventTimeTimer(e.ts + 25);
      },
      onTimer(ts, ctx, out) { out.collect(`${ctx.getCurrentKey()}@${ts}:${this.last.value()}:${[...this.seen.entries()].sort().join(';')}`); },
    };
    return s.keyBy((e) => e.k).process(fn);
  },
};

type Backend = 'heap' | 'lmdb';

/** Closes the operators (and their LMDB environments) of a driver that will not run on. */
const release = (driver: StreamTestDriver) => (driver as unknown as { graph: { closeOperators(): void } }).graph.closeOperators();

function drive(build: Build, events: Ev[], split: number | null, backend: Backend = 'heap'): { out: unknown[]; late: unknown[] } {
  const root = backend === 'lmdb' ? mkdtempSync(join(tmpdir(), 'eddy-roundtrip-')) : null;
  let runs = 0;
  const make = (restoreFrom?: DriverSnapshot) => {
    // LMDB: each driver gets directories of its own, as a restarted process on another machine would.
    const env = StreamEnvironment.create(root === null ? {} : { stateBackend: LmdbStateBackend.inDirectory(join(root, `run-${runs++}`)) });
    const late = new OutputTag<Ev>('late');
    const src = env.fromSource(placeholder, WatermarkStrategy.forBoundedOutOfOrderness<Ev>(20).withTimestampAssigner((e) => e.ts), 'in');
    const result = build(src, late);
    result.sinkTo(sinks.collect());
    result.getSideOutput(late).sinkTo(sinks.collect());
    const driver = StreamTestDriver.create(env, { restoreFrom });
    return { driver, out: driver.output(result), late: driver.sideOutput(result, late) };
  };
  let a = make();
  const out: unknown[] = [];
  const late: unknown[] = [];
  events.forEach((e, i) => {
    if (i === split) {
      out.push(...a.out.take());
      late.push(...a.late.take());
      const snapshot = a.driver.snapshot();
      release(a.driver);
      a = make(snapshot);
    }
    a.driver.input<Ev>('in').push(e);
  });
  a.driver.endInput();
  out.push(...a.out.take());
  late.push(...a.late.take());
  release(a.driver);
  if (root !== null) rmSync(root, { recursive: true, force: true });
  return { out, late };
}

const event = fc.record({ k: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 600 }), v: fc.integer({ min: 0, max: 9 }) });

for (const [name, build] of Object.entries(jobs)) {
  test(`checkpoint round trip: ${name}`, () => {
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), fc.nat(), (events, at) => {
      const split = at % events.length;
      const straight = drive(build, events, null);
      const resumed = drive(build, events, split);
      assert.deepEqual(resumed, straight);
    }), { numRuns: 150 });
  });
  // With LMDB, window operators keep their contents in it: the round trip goes through the backend.
  // The records of one firing come in the order the backend walks its keys, which is not the heap
  // Map's insertion order: the outputs are compared as multisets.
  test(`checkpoint round trip, LMDB state: ${name}`, () => {
    const sorted = (r: { out: unknown[]; late: unknown[] }) => ({ out: r.out.map((x) => JSON.stringify(x)).sort(), late: r.late.map((x) => JSON.stringify(x)).sort() });
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), fc.nat(), (events, at) => {
      const split = at % events.length;
      const straight = sorted(drive(build, events, null));
      assert.deepEqual(sorted(drive(build, events, null, 'lmdb')), straight, 'uninterrupted, LMDB');
      assert.deepEqual(sorted(drive(build, events, split, 'lmdb')), straight, 'resumed, LMDB');
    }), { numRuns: 40 });
  });
}
