import type { Key } from '../functions/key.ts';
import type { KeyedBroadcastProcessFunction } from '../functions/broadcast-process-function.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { instancePerTask } from '../plan/function-factory.ts';

/**
 * A stream whose every record goes to every key of the stream it is connected to (rules,
 * thresholds, small reference data). Made with `stream.broadcast()`, used with `keyed.connect(b)`.
 *
 * @example
 * const rules: BroadcastStream<Rule> = ruleUpdates.broadcast();
 */
export interface BroadcastStream<B> {
  /** The id of the operator that produces the broadcast records. */
  readonly id: number;
  /** Type carrier only. */
  readonly __type?: B;
}

/**
 * A keyed stream connected to a broadcast stream, waiting for its KeyedBroadcastProcessFunction.
 *
 * @example
 * readings.keyBy((r) => r.sensor).connect(rules.broadcast()).process<Alert>(alerting);
 */
export interface BroadcastConnectedStream<K extends Key, T, B> {
  process<R>(fn: KeyedBroadcastProcessFunction<K, T, B, R>): DataStream<R>;
}

/** @internal */
export class BroadcastStreamImpl<B> implements BroadcastStream<B> {
  constructor(readonly id: number) {}
}

/** @internal */
export class BroadcastConnectedStreamImpl<K extends Key, T, B> implements BroadcastConnectedStream<K, T, B> {
  constructor(
    private readonly graph: GraphBuilder,
    private readonly keyed: number,
    private readonly key: (value: T) => K,
    private readonly broadcast: BroadcastStream<B>,
  ) {}

  process<R>(fn: KeyedBroadcastProcessFunction<K, T, B, R>): DataStream<R> {
    const id = this.graph.add({ kind: 'broadcast-process', inputs: [this.keyed, this.broadcast.id], key: this.key, fn: instancePerTask(fn) as never });
    return new DataStreamImpl<R>(this.graph, id);
  }
}
