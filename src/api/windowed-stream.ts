import type { Key } from '../functions/key.ts';
import type { Evictor } from '../window/evictor.ts';
import type { TimeWindow } from '../window/time-window.ts';
import type { Trigger } from '../window/trigger.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import type { AggregateFunction, ReduceFunction } from '../functions/aggregate-function.ts';
import { Aggregates } from './builtin-aggregates.ts';
import type { Collector } from '../functions/collector.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import { reduceAggregate } from './reduce-aggregate.ts';
import type { WindowResult } from './window-result.ts';
import type { WindowFunctionSpec } from '../plan/node.ts';
import { instancePerTask } from '../plan/function-factory.ts';

/**
 * A keyed stream cut into windows. Configure trigger, lateness and late output, then aggregate.
 *
 * @example
 * clicks.keyBy((c) => c.page)
 *   .window(TumblingEventTimeWindows.of(60_000))
 *   .allowedLateness(30_000)
 *   .sideOutputLateData(late)
 *   .count(); // DataStream<WindowResult<string, number>>
 */
export interface WindowedStream<K extends Key, T> {
  trigger(trigger: Trigger<T>): WindowedStream<K, T>;
  evictor(evictor: Evictor): WindowedStream<K, T>;
  /** Keep windows for `ms` after they fire; late records within it fire the window again. */
  allowedLateness(ms: number): WindowedStream<K, T>;
  /** Records too late for every window they belong to go to this side output. */
  sideOutputLateData(tag: OutputTag<T>): WindowedStream<K, T>;
  count(): DataStream<WindowResult<K, number>>;
  sum(field: (value: T) => number): DataStream<WindowResult<K, number>>;
  min(field: (value: T) => number): DataStream<WindowResult<K, number>>;
  max(field: (value: T) => number): DataStream<WindowResult<K, number>>;
  avg(field: (value: T) => number): DataStream<WindowResult<K, number>>;
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<R>(fn: ReduceFunction<T>, window: (key: K, window: TimeWindow, result: T) => R): DataStream<R>;
  aggregate<ACC, R>(agg: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, R, O>(agg: AggregateFunction<T, ACC, R>, window: (key: K, window: TimeWindow, result: R) => O): DataStream<O>;
  /** All elements of the window at once (kept in state until the window fires). */
  process<R>(fn: (key: K, window: TimeWindow, elements: readonly T[], out: Collector<R>) => void): DataStream<R>;
}

interface WindowConfig {
  readonly assigner: WindowAssigner<unknown>;
  readonly trigger: Trigger<unknown> | null;
  readonly evictor: Evictor | null;
  readonly allowedLateness: number;
  readonly lateTag: OutputTag<unknown> | null;
}

const passResult = (_k: Key, _w: TimeWindow, r: unknown) => r;
const toResult = (key: Key, w: TimeWindow, value: unknown) => ({ key, start: w.start, end: w.end, value });

/** @internal */
export class WindowedStreamImpl<K extends Key, T> implements WindowedStream<K, T> {
  constructor(
    private readonly graph: GraphBuilder,
    private readonly input: number,
    private readonly key: (value: T) => K,
    private readonly config: WindowConfig,
  ) {
    Object.freeze(config);
  }

  private with(change: Partial<WindowConfig>): WindowedStream<K, T> {
    return new WindowedStreamImpl<K, T>(this.graph, this.input, this.key, { ...this.config, ...change });
  }

  trigger(trigger: Trigger<T>): WindowedStream<K, T> {
    return this.with({ trigger: trigger as Trigger<unknown> });
  }
  evictor(evictor: Evictor): WindowedStream<K, T> {
    return this.with({ evictor });
  }
  allowedLateness(ms: number): WindowedStream<K, T> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`allowedLateness(ms): ms must be a finite number >= 0, got ${ms}`);
    return this.with({ allowedLateness: ms });
  }
  sideOutputLateData(tag: OutputTag<T>): WindowedStream<K, T> {
    return this.with({ lateTag: tag as OutputTag<unknown> });
  }

  count(): DataStream<WindowResult<K, number>> {
    return this.aggregate(Aggregates.count<T>(), toResult) as DataStream<WindowResult<K, number>>;
  }
  sum(field: (value: T) => number): DataStream<WindowResult<K, number>> {
    return this.aggregate(Aggregates.sum(field), toResult) as DataStream<WindowResult<K, number>>;
  }
  min(field: (value: T) => number): DataStream<WindowResult<K, number>> {
    return this.aggregate(Aggregates.min(field), toResult) as DataStream<WindowResult<K, number>>;
  }
  max(field: (value: T) => number): DataStream<WindowResult<K, number>> {
    return this.aggregate(Aggregates.max(field), toResult) as DataStream<WindowResult<K, number>>;
  }
  avg(field: (value: T) => number): DataStream<WindowResult<K, number>> {
    return this.aggregate(Aggregates.avg(field), toResult) as DataStream<WindowResult<K, number>>;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the implementation of two overloads, returning DataStream<T> or DataStream<R>: DataStream is invariant, so only `any` covers both
  reduce<R>(fn: ReduceFunction<T>, window?: (key: K, window: TimeWindow, result: T) => R): DataStream<any> {
    return this.build({ type: 'aggregate', agg: instancePerTask(reduceAggregate(fn)), emit: (window ?? passResult) as never });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the implementation of two overloads, returning DataStream<T> or DataStream<R>: DataStream is invariant, so only `any` covers both
  aggregate<ACC, R, O>(agg: AggregateFunction<T, ACC, R>, window?: (key: K, window: TimeWindow, result: R) => O): DataStream<any> {
    return this.build({ type: 'aggregate', agg: instancePerTask(agg), emit: (window ?? passResult) as never });
  }

  process<R>(fn: (key: K, window: TimeWindow, elements: readonly T[], out: Collector<R>) => void): DataStream<R> {
    return this.build({ type: 'process', fn: fn as never });
  }

  private build<R>(fn: WindowFunctionSpec): DataStream<R> {
    const c = this.config;
    const id = this.graph.add({
      kind: 'window', inputs: [this.input], key: this.key, assigner: c.assigner, trigger: c.trigger, evictor: c.evictor,
      allowedLateness: c.allowedLateness, lateTag: c.lateTag, fn,
    });
    return new DataStreamImpl<R>(this.graph, id);
  }
}
