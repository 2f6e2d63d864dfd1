// Drives a two-input join job through the StreamTestDriver with manual watermarks, and the
// operations the property tests generate.
import fc from 'fast-check';
import { StreamEnvironment, WatermarkStrategy, sinks, type DataStream, type KeyedStateBackend, type KeyedStream, type Source } from 'eddy';
import { StreamTestDriver, type DriverSnapshot } from 'eddy/testing';

/** A test record: side 'L' or 'R', key, event time, unique id. */
export interface JRec { readonly k: string; readonly ts: number; readonly id: number }

export type JOp =
  | { readonly op: 'push'; readonly side: 0 | 1; readonly rec: JRec }
  | { readonly op: 'watermark'; readonly side: 0 | 1; readonly to: number }
  | { readonly op: 'clock'; readonly by: number }
  | { readonly op: 'end' };

/** An output of a join under test: the ids of both sides (null for the missing one) and its time. */
export interface Pair { readonly l: number | null; readonly r: number | null; readonly time: number }

const placeholder: Source<JRec> = { kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } };

export type BuildJoin = (left: KeyedStream<string, JRec>, right: KeyedStream<string, JRec>) => DataStream<Pair>;

/** Runs the ops; with `split`, snapshots before op `split` and continues in a fresh driver. */
export function runJoin(
  build: BuildJoin, ops: readonly JOp[], split: number | null = null, stateBackend?: () => KeyedStateBackend,
): { out: Pair[]; lateDropped: number } {
  const make = (restoreFrom?: DriverSnapshot, startTime = 0) => {
    const env = StreamEnvironment.create(stateBackend === undefined ? {} : { stateBackend });
    const strategy = WatermarkStrategy.forMonotonousTimestamps<JRec>().withTimestampAssigner((r) => r.ts);
    const l = env.fromSource(placeholder, strategy, 'left').keyBy((r) => r.k);
    const r = env.fromSource(placeholder, strategy, 'right').keyBy((x) => x.k);
    const joined = build(l, r);
    joined.sinkTo(sinks.collect());
    const driver = StreamTestDriver.create(env, { watermarks: 'manual', restoreFrom, startTime });
    return { driver, out: driver.output(joined) };
  };
  let run = make();
  const out: Pair[] = [];
  let lateDropped = 0;
  const take = () => {
    run.out.values.forEach((p, i) => out.push({ ...p, time: run.out.timestamps[i] }));
    run.out.take();
  };
  ops.forEach((op, i) => {
    if (i === split) {
      take();
      lateDropped += run.driver.metrics().lateDropped;
      run = make(run.driver.snapshot(), run.driver.now()); // processing time goes on across a restore
    }
    if (op.op === 'push') run.driver.input<JRec>(op.side === 0 ? 'left' : 'right').push(op.rec, op.rec.ts);
    else if (op.op === 'watermark') run.driver.advanceWatermark(op.side === 0 ? 'left' : 'right', op.to);
    else if (op.op === 'clock') run.driver.advanceProcessingTime(op.by);
    else run.driver.endInput();
  });
  take();
  lateDropped += run.driver.metrics().lateDropped;
  return { out, lateDropped };
}

/** Outputs in a canonical order, for comparing multisets. */
export function sorted(pairs: readonly Pair[]): Pair[] {
  const n = (x: number | null) => (x === null ? -1 : x);
  return [...pairs].sort((a, b) => n(a.l) - n(b.l) || n(a.r) - n(b.r) || a.time - b.time);
}

/** Random ops: pushes on both sides with out-of-order times, watermark moves, then the end. */
export function arbOps(maxTs = 200, clock = false): fc.Arbitrary<JOp[]> {
  const step = fc.oneof(
    { weight: 6, arbitrary: fc.record({ side: fc.constantFrom<0 | 1>(0, 1), k: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: maxTs }) }) },
    { weight: 1, arbitrary: fc.record({ side: fc.constantFrom<0 | 1>(0, 1), to: fc.integer({ min: 0, max: maxTs }) }) },
    { weight: clock ? 2 : 0, arbitrary: fc.record({ by: fc.integer({ min: 1, max: 30 }) }) },
  );
  return fc.array(step, { minLength: 1, maxLength: 60 }).map((steps) => {
    let id = 0;
    const ops: JOp[] = steps.map((s): JOp => ('by' in s
      ? { op: 'clock', by: s.by }
      : 'to' in s
        ? { op: 'watermark', side: s.side, to: s.to }
        : { op: 'push', side: s.side, rec: { k: s.k, ts: s.ts, id: id++ } }));
    ops.push({ op: 'end' });
    return ops;
  });
}

/** The join's input watermark before each op: min over both sides (manual watermarks only). */
export function watermarksBefore(ops: readonly JOp[]): number[] {
  const wm = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  return ops.map((op) => {
    const before = Math.min(wm[0], wm[1]);
    if (op.op === 'watermark') wm[op.side] = Math.max(wm[op.side], op.to);
    if (op.op === 'end') wm[0] = wm[1] = Number.POSITIVE_INFINITY;
    return before;
  });
}
