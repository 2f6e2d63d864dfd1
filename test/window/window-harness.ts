/**
 * Runs one randomized window case through Eddy (with the StreamTestDriver) and through the
 * brute-force oracle, and asserts that every step emits the same records, the same late records,
 * the same number of live windows, the same late metrics, and no state once time has passed.
 *
 * @example
 * fc.assert(fc.property(caseOf(tumbling, 'count'), checkCase));
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  type AggregateFunction, type DataStream, type Trigger, type WindowAssigner, type WindowedStream,
  ContinuousEventTimeTrigger, EventTimeSessionWindows, LmdbStateBackend, EventTimeTrigger, OutputTag, ProcessingTimeSessionWindows,
  SlidingEventTimeWindows, SlidingProcessingTimeWindows, StreamEnvironment, TumblingEventTimeWindows,
  TumblingProcessingTimeWindows, WatermarkStrategy, sinks,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import type { RunningGraph } from '../../src/runtime/running-graph.ts';
import { AlignedWindowOperator } from '../../src/runtime/operators/aligned-window-operator.ts';
import { WindowOperator } from '../../src/runtime/operators/window-operator.ts';
import { type AssignerSpec, type Firing, type Op, type Rec, runOracle } from './window-oracle.ts';

/** A fixed seed for the whole run (FC_SEED=... replays one); fast-check prints it with any failure. */
export const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
fc.configureGlobal({ seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 150), includeErrorInReport: true });

/** The window of a case as plain data, so that fast-check can print and shrink it. */
export type AssignerCase =
  | { readonly type: 'tumbling'; readonly size: number; readonly offset: number }
  | { readonly type: 'sliding'; readonly size: number; readonly slide: number; readonly offset: number }
  | { readonly type: 'session'; readonly gap: number; readonly dynamic: boolean }
  | { readonly type: 'count'; readonly size: number; readonly slide: number | null };

export type AggName = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'reduce' | 'reduceWindow' | 'aggregate' | 'process';

/** Which operator runs: the pane-based one, or the generic one (forced by a trigger that is not the default). */
export type Path = 'aligned' | 'generic';

export interface Case {
  readonly assigner: AssignerCase;
  readonly time: 'event' | 'processing';
  readonly allowedLateness: number;
  readonly outOfOrderness: number;
  readonly continuous: number | null;
  readonly lateOutput: boolean;
  readonly agg: AggName;
  readonly path: Path;
  readonly ops: readonly Op[];
}

/** A session's gap for a record: fixed, or dynamic (1 to 5 times `gap`, by the record's value). */
export function gapOf(a: { gap: number; dynamic: boolean }): (r: Rec) => number {
  return a.dynamic ? (r) => a.gap * (1 + (((r.v % 5) + 5) % 5)) : () => a.gap;
}

const ids = (elements: readonly Rec[]) => elements.map((e) => e.id).sort((x, y) => x - y);
const sumOf = (elements: readonly Rec[]) => elements.reduce((s, e) => s + e.v, 0);
const combine = (a: Rec, b: Rec): Rec => ({ k: a.k, ts: Math.max(a.ts, b.ts), v: a.v + b.v, id: Math.min(a.id, b.id) });

/** Collects the ids of a window's elements: checks the exact multiset, whatever the merge order. */
const idList: AggregateFunction<Rec, number[], number[]> = {
  createAccumulator: () => [],
  add: (r, acc) => {
    acc.push(r.id);
    return acc;
  },
  getResult: (acc) => [...acc].sort((x, y) => x - y),
  merge: (a, b) => a.concat(b),
};

interface AggSpec {
  build(w: WindowedStream<string, Rec>): DataStream<any>;
  /** What one firing emits. */
  expect(f: Firing): unknown[];
}

const result = (f: Firing, value: unknown) => ({ key: f.key, start: f.start, end: f.end, value });

export const AGGS: Readonly<Record<AggName, AggSpec>> = {
  count: { build: (w) => w.count(), expect: (f) => [result(f, f.elements.length)] },
  sum: { build: (w) => w.sum((r) => r.v), expect: (f) => [result(f, sumOf(f.elements))] },
  min: { build: (w) => w.min((r) => r.v), expect: (f) => [result(f, Math.min(...f.elements.map((e) => e.v)))] },
  max: { build: (w) => w.max((r) => r.v), expect: (f) => [result(f, Math.max(...f.elements.map((e) => e.v)))] },
  avg: { build: (w) => w.avg((r) => r.v), expect: (f) => [result(f, sumOf(f.elements) / f.elements.length)] },
  reduce: { build: (w) => w.reduce(combine), expect: (f) => [f.elements.reduce(combine)] },
  reduceWindow: {
    build: (w) => w.reduce(combine, (key, win, r) => ({ key, start: win.start, end: win.end, value: r })),
    expect: (f) => [result(f, f.elements.reduce(combine))],
  },
  aggregate: {
    build: (w) => w.aggregate(idList, (key, win, r) => ({ key, start: win.start, end: win.end, ids: r })),
    expect: (f) => [{ key: f.key, start: f.start, end: f.end, ids: ids(f.elements) }],
  },
  process: {
    build: (w) => w.process<unknown>((key, win, elements, out) => {
      out.collect({ key, start: win.start, end: win.end, ids: ids(elements) });
      out.collect({ key, start: win.start, end: win.end, n: elements.length });
    }),
    expect: (f) => [
      { key: f.key, start: f.start, end: f.end, ids: ids(f.elements) },
      { key: f.key, start: f.start, end: f.end, n: f.elements.length },
    ],
  },
};

function toAssigner(c: Case): WindowAssigner<Rec> {
  const a = c.assigner;
  const event = c.time === 'event';
  switch (a.type) {
    case 'tumbling':
      return event ? TumblingEventTimeWindows.of<Rec>(a.size, a.offset) : TumblingProcessingTimeWindows.of<Rec>(a.size, a.offset);
    case 'sliding':
      return event ? SlidingEventTimeWindows.of<Rec>(a.size, a.slide, a.offset) : SlidingProcessingTimeWindows.of<Rec>(a.size, a.slide, a.offset);
    case 'session': {
      if (!a.dynamic) return event ? EventTimeSessionWindows.withGap<Rec>(a.gap) : ProcessingTimeSessionWindows.withGap<Rec>(a.gap);
      const gap = gapOf(a);
      return event ? EventTimeSessionWindows.withDynamicGap<Rec>(gap) : ProcessingTimeSessionWindows.withDynamicGap<Rec>(gap);
    }
    case 'count':
      throw new Error('count windows are built with countWindow');
  }
}

function toSpec(a: AssignerCase): AssignerSpec {
  switch (a.type) {
    case 'tumbling':
      return { type: 'tumbling', size: a.size, slide: a.size, offset: a.offset };
    case 'sliding':
      return a;
    case 'session':
      return { type: 'session', gap: gapOf(a) };
    case 'count':
      return { type: 'count', size: a.size, slide: a.slide ?? a.size };
  }
}

/** The event-time trigger, minus the flag that lets aligned windows take the pane fast path. */
function genericEventTimeTrigger(): Trigger<Rec> {
  return { ...EventTimeTrigger.create<Rec>(), isDefaultEventTime: false };
}

/** The window operator of a running job. The driver does not expose operators: the state checks reach in on purpose. */
export function operatorOf(driver: StreamTestDriver, stream: DataStream<any>): unknown {
  return (driver as unknown as { graph: RunningGraph }).graph.nodes[stream.id].op;
}

/** Live (key, window) states of the generic operator, and whether anything else is left (maps, timers). */
function genericState(op: WindowOperator<Rec>): { windows: number; leftovers: number } {
  const s = op as unknown as {
    byKey: Map<unknown, Map<number, unknown>>; sessions: Map<unknown, unknown[]>; etHeap: { size: number }; ptHeap: { size: number };
  };
  let windows = 0;
  for (const m of s.byKey.values()) windows += m.size;
  for (const l of s.sessions.values()) windows += l.length;
  return { windows, leftovers: s.byKey.size + s.sessions.size + s.etHeap.size + s.ptHeap.size };
}

/** Records with their timestamps, in a canonical order (order across keys and windows is unspecified). */
function canonical(records: { value: unknown; ts: number | null }[]): { value: unknown; ts: number | null }[] {
  const keyed = records.map((r) => [JSON.stringify(r, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)), r] as const);
  return keyed.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, r]) => r);
}

/** Live windows, panes or contents left in an on-disk backend (LMDB) after the last window. */
function storedLeftovers(op: { backend?: { tableNames(): string[]; table(name: string): { size: number } } }): string[] {
  const b = op.backend;
  if (b === undefined) return [];
  return b.tableNames().filter((n) => b.table(n).size > 0 || n.startsWith('pane:'));
}

/**
 * Runs a case through Eddy and the oracle; throws on the first step where they differ.
 */
export function checkCase(c: Case): void {
  checkCaseOn(c, 'heap');
}

/** checkCase with the state backend given: 'lmdb' keeps the window contents in LMDB. */
export function checkCaseOn(c: Case, backend: 'heap' | 'lmdb'): void {
  const dir = backend === 'lmdb' ? mkdtempSync(join(tmpdir(), 'eddy-window-case-')) : null;
  let driver: StreamTestDriver | null = null;
  try {
    driver = runCase(c, dir, (d) => (driver = d));
  } finally {
    if (driver !== null) (driver as unknown as { graph: RunningGraph }).graph.closeOperators();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

function runCase(c: Case, dir: string | null, started: (d: StreamTestDriver) => void): StreamTestDriver {
  const env = StreamEnvironment.create(dir === null ? {} : { stateBackend: LmdbStateBackend.inDirectory(dir) });
  const late = new OutputTag<Rec>('late');
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Rec>(c.outOfOrderness).withTimestampAssigner((r) => r.ts);
  const keyed = env.fromCollection<Rec>([], strategy, 'in').keyBy((r) => r.k);
  let w = c.assigner.type === 'count' ? keyed.countWindow(c.assigner.size, c.assigner.slide ?? undefined) : keyed.window(toAssigner(c));
  if (c.allowedLateness > 0) w = w.allowedLateness(c.allowedLateness);
  if (c.lateOutput) w = w.sideOutputLateData(late);
  if (c.continuous !== null) w = w.trigger(ContinuousEventTimeTrigger.of<Rec>(c.continuous));
  else if (c.path === 'generic' && c.time === 'event' && (c.assigner.type === 'tumbling' || c.assigner.type === 'sliding')) {
    w = w.trigger(genericEventTimeTrigger());
  }
  const agg = AGGS[c.agg];
  const stream = agg.build(w);
  stream.sinkTo(sinks.collect());
  if (c.lateOutput) stream.getSideOutput(late).sinkTo(sinks.collect());

  const driver = StreamTestDriver.create(env);
  started(driver);
  const out = driver.output(stream);
  const lateOut = c.lateOutput ? driver.sideOutput(stream, late) : null;
  const input = driver.input<Rec>('in');
  const op = operatorOf(driver, stream);
  assert.ok(c.path === 'aligned' ? op instanceof AlignedWindowOperator : op instanceof WindowOperator, `expected the ${c.path} operator`);
  const timed = c.assigner.type !== 'count';

  const expected = runOracle({
    assigner: toSpec(c.assigner), time: c.time, allowedLateness: c.allowedLateness,
    outOfOrderness: c.outOfOrderness, continuous: c.continuous,
  }, c.ops);
  let lateCount = 0;
  c.ops.forEach((o, i) => {
    switch (o.op) {
      case 'push': input.push(o.rec); break;
      case 'watermark': driver.advanceWatermark('in', o.to); break;
      case 'clock': driver.advanceProcessingTime(o.by); break;
      case 'end': driver.endInput(); break;
    }
    const where = `[${c.path}] step ${i} (${JSON.stringify(o)})`;
    const got = out.values.map((value, j) => ({ value, ts: timed ? out.timestamps[j] : null }));
    out.take();
    const want = expected[i].fired.flatMap((f) => agg.expect(f).map((value) => ({ value, ts: f.time })));
    assert.deepEqual(canonical(got), canonical(want), `${where}: window output`);
    if (lateOut !== null) {
      assert.deepEqual(lateOut.timestamps, expected[i].late.map((r) => r.ts), `${where}: late side output timestamps`);
      assert.deepEqual(lateOut.take(), expected[i].late, `${where}: late side output`);
    }
    lateCount += expected[i].late.length;
    if (timed && op instanceof WindowOperator) {
      assert.equal(genericState(op).windows, expected[i].windows, `${where}: live windows`);
    }
  });
  const m = driver.metrics();
  assert.equal(m.lateToSideOutput, c.lateOutput ? lateCount : 0, `[${c.path}] lateToSideOutput`);
  assert.equal(m.lateDropped, c.lateOutput ? 0 : lateCount, `[${c.path}] lateDropped`);
  // Once time has passed every window and its lateness, nothing may be left behind.
  if (timed && c.ops.length > 0 && c.ops[c.ops.length - 1].op !== 'end') {
    if (op instanceof WindowOperator) assert.deepEqual(genericState(op), { windows: 0, leftovers: 0 }, `[${c.path}] state left after the last window`);
    else {
      const snap = (op as AlignedWindowOperator<Rec, unknown, unknown>).snapshot() as { panes?: unknown[]; starts?: unknown[] };
      assert.deepEqual(snap.panes ?? snap.starts, [], `[${c.path}] panes left after the last window`);
    }
    assert.deepEqual(storedLeftovers(op as never), [], `[${c.path}] tables left in the backend after the last window`);
  }
  return driver;
}

// --- generators -----------------------------------------------------------------------------------

/** Far beyond any window: moving time here must leave no state. */
export const FLUSH = 1_000_000;

const keys = fc.constantFrom('a', 'b', 'c');
const value = fc.integer({ min: -5, max: 20 });

/**
 * Out-of-order event-time input: a cursor that moves forward, records near it (a few far behind,
 * which are late), a manual watermark now and then, and an end (or time moved past everything).
 */
export function eventTimeOps(maxLength = 60): fc.Arbitrary<Op[]> {
  const step = fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('push' as const), k: keys, v: value, move: fc.integer({ min: 0, max: 5 }),
      jitter: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -4, max: 3 }) },
        { weight: 2, arbitrary: fc.integer({ min: -15, max: 0 }) },
        { weight: 1, arbitrary: fc.integer({ min: -40, max: 0 }) },
      ) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wm' as const), ahead: fc.integer({ min: -10, max: 25 }) }) },
  );
  const finish = fc.constantFrom('end', 'flush', 'flush and end');
  // Mostly near 0 (and below it, for the floor arithmetic), sometimes at a realistic epoch time.
  const origin = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -30, max: 30 }) }, { weight: 1, arbitrary: fc.constant(1_700_000_000_007) });
  return fc.tuple(origin, fc.array(step, { maxLength, size: 'max' }), finish).map(([start, steps, end]) => {
    let cursor = start;
    let id = 0;
    const ops: Op[] = steps.map((s) => {
      if (s.kind === 'wm') return { op: 'watermark', to: cursor + s.ahead };
      cursor += s.move;
      return { op: 'push', rec: { k: s.k, ts: cursor + s.jitter, v: s.v, id: id++ } };
    });
    if (end !== 'end') ops.push({ op: 'watermark', to: cursor + FLUSH });
    if (end !== 'flush') ops.push({ op: 'end' });
    return ops;
  });
}

/** Processing-time input: records pushed at the driver clock, the clock moved by small steps. */
export function processingTimeOps(maxLength = 60): fc.Arbitrary<Op[]> {
  const step = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('push' as const), k: keys, v: value, ts: fc.integer({ min: 0, max: 100 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('clock' as const), by: fc.integer({ min: 0, max: 8 }) }) },
  );
  const finish = fc.constantFrom<Op[]>([{ op: 'end' }], [{ op: 'clock', by: FLUSH }], [{ op: 'clock', by: FLUSH }, { op: 'end' }]);
  return fc.tuple(fc.array(step, { maxLength, size: 'max' }), finish).map(([steps, end]) => {
    let id = 0;
    const ops: Op[] = steps.map((s) => (s.kind === 'clock' ? { op: 'clock', by: s.by } : { op: 'push', rec: { k: s.k, ts: s.ts, v: s.v, id: id++ } }));
    return [...ops, ...end];
  });
}

/** 0 most of the time, else up to 20 ms. */
export const lateness = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 20 }) });
export const outOfOrderness = fc.integer({ min: 0, max: 10 });

export const tumbling: fc.Arbitrary<AssignerCase> = fc.integer({ min: 1, max: 20 }).chain((size) =>
  fc.record({ type: fc.constant('tumbling' as const), size: fc.constant(size), offset: fc.oneof(fc.constant(0), fc.integer({ min: -(size - 1), max: size - 1 })) }));

/** Sliding windows: size a multiple of slide, or not (including size < slide, which leaves gaps). */
export const sliding: fc.Arbitrary<AssignerCase> = fc.integer({ min: 1, max: 8 }).chain((slide) =>
  fc.record({
    type: fc.constant('sliding' as const),
    size: fc.oneof(fc.integer({ min: 1, max: 4 }).map((m) => m * slide), fc.integer({ min: 1, max: 25 })),
    slide: fc.constant(slide),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: -(slide - 1), max: slide - 1 })),
  }));

export const session: fc.Arbitrary<AssignerCase> = fc.record({
  type: fc.constant('session' as const), gap: fc.integer({ min: 1, max: 12 }), dynamic: fc.boolean(),
});

/** A case for `assigner` in `time`, with random lateness, out-of-orderness, late output and input. */
export function caseOf(
  assigner: fc.Arbitrary<AssignerCase>,
  agg: AggName,
  options: { time?: 'event' | 'processing'; path?: Path; continuous?: fc.Arbitrary<number | null>; length?: number } = {},
): fc.Arbitrary<Case> {
  const time = options.time ?? 'event';
  const length = options.length ?? 60;
  return fc.record({
    assigner,
    time: fc.constant(time),
    // Processing-time windows ignore allowed lateness (Flink's rule): setting it must change nothing.
    allowedLateness: lateness,
    outOfOrderness,
    continuous: options.continuous ?? fc.constant(null),
    lateOutput: fc.boolean(),
    agg: fc.constant(agg),
    path: fc.constant(options.path ?? 'generic'),
    ops: time === 'event' ? eventTimeOps(length) : processingTimeOps(length),
  });
}
