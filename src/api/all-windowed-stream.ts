import type { Evictor } from '../window/evictor.ts';
import type { TimeWindow } from '../window/time-window.ts';
import type { Trigger } from '../window/trigger.ts';
import type { AggregateFunction, ReduceFunction } from '../functions/aggregate-function.ts';
import { Aggregates } from './builtin-aggregates.ts';
import type { Collector } from '../functions/collector.ts';
import type { DataStream } from './data-stream.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { WindowedStream } from './windowed-stream.ts';

/**
 * What count/sum/min/max/avg over a whole-stream window emit: the window bounds and the value
 * (there is no key: every record of the stream is in the same window).
 *
 * @example
 * // { start: 0, end: 60_000, value: 42 }
 * const r: AllWindowResult<number> = { start: 0, end: 60_000, value: 42 };
 */
export interface AllWindowResult<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

/**
 * A whole stream (not keyed) cut into windows, like Flink's AllWindowedStream: every record goes
 * to the same windows, computed by one operator (parallelism 1). Same functions as
 * WindowedStream, without the key.
 *
 * @example
 * clicks.windowAll(TumblingEventTimeWindows.of(60_000))
 *   .allowedLateness(5_000)
 *   .count(); // DataStream<AllWindowResult<number>>: { start, end, value }
 */
export interface AllWindowedStream<T> {
  trigger(trigger: Trigger<T>): AllWindowedStream<T>;
  evictor(evictor: Evictor): AllWindowedStream<T>;
  /** Keep windows for `ms` after they fire; late records within it fire the window again. */
  allowedLateness(ms: number): AllWindowedStream<T>;
  /** Records too late for every window they belong to go to this side output. */
  sideOutputLateData(tag: OutputTag<T>): AllWindowedStream<T>;
  count(): DataStream<AllWindowResult<number>>;
  sum(field: (value: T) => number): DataStream<AllWindowResult<number>>;
  min(field: (value: T) => number): DataStream<AllWindowResult<number>>;
  max(field: (value: T) => number): DataStream<AllWindowResult<number>>;
  avg(field: (value: T) => number): DataStream<AllWindowResult<number>>;
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<R>(fn: ReduceFunction<T>, window: (window: TimeWindow, result: T) => R): DataStream<R>;
  aggregate<ACC, R>(agg: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, R, O>(agg: AggregateFunction<T, ACC, R>, window: (window: TimeWindow, result: R) => O): DataStream<O>;
  /** All elements of the window at once (kept in state until the window fires). */
  process<R>(fn: (window: TimeWindow, elements: readonly T[], out: Collector<R>) => void): DataStream<R>;
}

/** @internal Says which call got a bad count window size or slide (before the trigger would, in its own terms). */
export function checkCountWindow(call: string, size: number, slide: number | undefined): void {
  for (const [name, v] of [['size', size], ['slide', slide]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${call}(size, slide?): ${name} must be an integer >= 1, got ${v}`);
  }
}


// Per fired window, not per record.
const toResult = (_k: number, w: TimeWindow, value: number): AllWindowResult<number> => ({ start: w.start, end: w.end, value });

/**
 * @internal A keyed WindowedStream over one constant key, seen without the key. The keyed window
 * operators (aligned panes for tumbling/sliding, the general one otherwise) run unchanged.
 */
export class AllWindowedStreamImpl<T> implements AllWindowedStream<T> {
  constructor(private readonly keyed: WindowedStream<number, T>) {}

  trigger(trigger: Trigger<T>): AllWindowedStream<T> {
    return new AllWindowedStreamImpl(this.keyed.trigger(trigger));
  }
  evictor(evictor: Evictor): AllWindowedStream<T> {
    return new AllWindowedStreamImpl(this.keyed.evictor(evictor));
  }
  allowedLateness(ms: number): AllWindowedStream<T> {
    return new AllWindowedStreamImpl(this.keyed.allowedLateness(ms));
  }
  sideOutputLateData(tag: OutputTag<T>): AllWindowedStream<T> {
    return new AllWindowedStreamImpl(this.keyed.sideOutputLateData(tag));
  }

  count(): DataStream<AllWindowResult<number>> {
    return this.keyed.aggregate(Aggregates.count<T>(), toResult);
  }
  sum(field: (value: T) => number): DataStream<AllWindowResult<number>> {
    return this.keyed.aggregate(Aggregates.sum(field), toResult);
  }
  min(field: (value: T) => number): DataStream<AllWindowResult<number>> {
    return this.keyed.aggregate(Aggregates.min(field), toResult);
  }
  max(field: (value: T) => number): DataStream<AllWindowResult<number>> {
    return this.keyed.aggregate(Aggregates.max(field), toResult);
  }
  avg(field: (value: T) => number): DataStream<AllWindowResult<number>> {
    return this.keyed.aggregate(Aggregates.avg(field), toResult);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the implementation of two overloads, returning DataStream<T> or DataStream<R>: DataStream is invariant, so only `any` covers both
  reduce<R>(fn: ReduceFunction<T>, window?: (window: TimeWindow, result: T) => R): DataStream<any> {
    if (window === undefined) return this.keyed.reduce(fn);
    return this.keyed.reduce(fn, (_k, w, r) => window(w, r));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the implementation of two overloads, returning DataStream<T> or DataStream<R>: DataStream is invariant, so only `any` covers both
  aggregate<ACC, R, O>(agg: AggregateFunction<T, ACC, R>, window?: (window: TimeWindow, result: R) => O): DataStream<any> {
    if (window === undefined) return this.keyed.aggregate(agg);
    return this.keyed.aggregate(agg, (_k, w, r) => window(w, r));
  }

  process<R>(fn: (window: TimeWindow, elements: readonly T[], out: Collector<R>) => void): DataStream<R> {
    return this.keyed.process<R>((_k, w, elements, out) => fn(w, elements, out));
  }
}
