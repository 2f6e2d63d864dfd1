import type { Key } from '../functions/key.ts';
import type { AggregateFunction } from '../functions/aggregate-function.ts';
import { CountEvictor } from '../window/evictor.ts';
import { GlobalWindows } from '../window/assigners.ts';
import { CountTrigger, PurgingTrigger } from '../window/triggers.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import type { ReduceFunction } from '../functions/aggregate-function.ts';
import { Aggregates } from './builtin-aggregates.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import { BroadcastConnectedStreamImpl, type BroadcastConnectedStream, type BroadcastStream } from './broadcast-stream.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { IntervalJoinImpl, type IntervalJoin } from './interval-join.ts';
import { joinSides } from './join-sides.ts';
import { JoinedStreamsImpl, type JoinedStreams } from './join-streams.ts';
import type { KeyedProcessFunction } from '../functions/process-function.ts';
import { reduceAggregate } from './reduce-aggregate.ts';
import type { KeyedValue } from './window-result.ts';
import { WindowedStreamImpl, type WindowedStream } from './windowed-stream.ts';
import { instancePerTask } from '../plan/function-factory.ts';

/**
 * A stream partitioned by key: state, timers, windows and rolling aggregates are per key.
 * keyBy is not an operator (it holds no state and does no work of its own), so a KeyedStream has
 * no name() or uid(): give them to the operator after it, e.g. `keyBy(f).window(w).count().uid('x')`.
 *
 * @example
 * const perUser: KeyedStream<string, Click> = clicks.keyBy((c) => c.user);
 * perUser.window(EventTimeSessionWindows.withGap(30 * 60_000)).count();
 */
export interface KeyedStream<K extends Key, T> {
  readonly id: number;
  window(assigner: WindowAssigner<T>): WindowedStream<K, T>;
  /** Tumbling count windows of `size` elements, or sliding ones that fire every `slide` elements. */
  countWindow(size: number, slide?: number): WindowedStream<K, T>;
  process<R>(fn: KeyedProcessFunction<K, T, R>): DataStream<R>;
  /** Joins with another keyed stream of the same key type, in windows or in unbounded state. */
  join<R>(other: KeyedStream<K, R>): JoinedStreams<K, T, R>;
  /** Joins each record with the other side's records of its key within a time interval around it. */
  intervalJoin<R>(other: KeyedStream<K, R>): IntervalJoin<K, T, R>;
  /** Rolling reduce: emits the key's running result after each record. */
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  sum(field: (value: T) => number): DataStream<KeyedValue<K, number>>;
  min(field: (value: T) => number): DataStream<KeyedValue<K, number>>;
  max(field: (value: T) => number): DataStream<KeyedValue<K, number>>;
  /** Connects a broadcast stream: every key sees its records through broadcast state. */
  connect<B>(broadcast: BroadcastStream<B>): BroadcastConnectedStream<K, T, B>;
}

/** @internal */
export class KeyedStreamImpl<K extends Key, T> implements KeyedStream<K, T> {
  constructor(
    /** @internal for CEP.pattern, which adds its node to the same graph */
    readonly graph: GraphBuilder,
    readonly id: number,
    /** @internal */
    readonly key: (value: T) => K,
  ) {}

  window(assigner: WindowAssigner<T>): WindowedStream<K, T> {
    return new WindowedStreamImpl<K, T>(this.graph, this.id, this.key, {
      assigner: assigner as WindowAssigner<unknown>, trigger: null, evictor: null, allowedLateness: 0, lateTag: null,
    });
  }

  countWindow(size: number, slide?: number): WindowedStream<K, T> {
    const base = this.window(GlobalWindows.create<T>());
    if (slide === undefined) return base.trigger(PurgingTrigger.of(CountTrigger.of<T>(size)));
    return base.evictor(CountEvictor.of(size)).trigger(CountTrigger.of<T>(slide));
  }

  join<R>(other: KeyedStream<K, R>): JoinedStreams<K, T, R> {
    return new JoinedStreamsImpl<K, T, R>(joinSides(this.graph, this.id, this.key, other));
  }

  intervalJoin<R>(other: KeyedStream<K, R>): IntervalJoin<K, T, R> {
    return new IntervalJoinImpl<K, T, R>(joinSides(this.graph, this.id, this.key, other));
  }

  process<R>(fn: KeyedProcessFunction<K, T, R>): DataStream<R> {
    const id = this.graph.add({ kind: 'keyed-process', inputs: [this.id], key: this.key, fn: instancePerTask(fn) as never });
    return new DataStreamImpl<R>(this.graph, id);
  }

  reduce(fn: ReduceFunction<T>): DataStream<T> {
    return this.rolling(reduceAggregate(fn), (_k, result) => result);
  }

  sum(field: (value: T) => number): DataStream<KeyedValue<K, number>> {
    return this.rolling(Aggregates.sum(field), (key, value) => ({ key, value }));
  }

  min(field: (value: T) => number): DataStream<KeyedValue<K, number>> {
    return this.rolling(Aggregates.min(field), (key, value) => ({ key, value }));
  }

  max(field: (value: T) => number): DataStream<KeyedValue<K, number>> {
    return this.rolling(Aggregates.max(field), (key, value) => ({ key, value }));
  }

  connect<B>(broadcast: BroadcastStream<B>): BroadcastConnectedStream<K, T, B> {
    return new BroadcastConnectedStreamImpl<K, T, B>(this.graph, this.id, this.key, broadcast);
  }

  private rolling<ACC, OUT, R>(agg: AggregateFunction<T, ACC, OUT>, emit: (key: K, result: OUT) => R): DataStream<R> {
    const id = this.graph.add({ kind: 'rolling', inputs: [this.id], key: this.key, agg: instancePerTask(agg), emit: emit as never });
    return new DataStreamImpl<R>(this.graph, id);
  }
}
