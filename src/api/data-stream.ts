import type { Sink } from '../connectors/sink.ts';
import type { Key } from '../state/key.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Collector } from './collector.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { KeyedStreamImpl, type KeyedStream } from './keyed-stream.ts';
import type { OutputTag } from './output-tag.ts';
import type { ProcessFunction } from './process-function.ts';

/**
 * A stream of records of type T. Every call records an operator and returns a new stream whose
 * type follows the function you gave it.
 *
 * @example
 * const pages: DataStream<string> = clicks.filter((c) => c.page !== '/health').map((c) => c.page);
 */
export interface DataStream<T> {
  /** The id of the operator that produces this stream. */
  readonly id: number;
  map<R>(fn: (value: T) => R): DataStream<R>;
  filter(predicate: (value: T) => boolean): DataStream<T>;
  flatMap<R>(fn: (value: T, out: Collector<R>) => void): DataStream<R>;
  keyBy<K extends Key>(key: (value: T) => K): KeyedStream<K, T>;
  union(...others: DataStream<T>[]): DataStream<T>;
  process<R>(fn: ProcessFunction<T, R>): DataStream<R>;
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T>;
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S>;
  sinkTo(sink: Sink<T>): DataStreamSink;
  /** Names the operator that produces this stream (shown by explain, metrics, errors). */
  name(name: string): DataStream<T>;
  /** A stable id for the operator, used to match state when a changed job resumes. */
  uid(uid: string): DataStream<T>;
}

/**
 * The end of a stream: a sink, which can be named and given a uid.
 *
 * @example
 * counts.sinkTo(sinks.jsonl('counts.jsonl')).name('counts-file');
 */
export interface DataStreamSink {
  readonly id: number;
  name(name: string): DataStreamSink;
  uid(uid: string): DataStreamSink;
}

/** @internal */
export class DataStreamImpl<T> implements DataStream<T> {
  constructor(readonly graph: GraphBuilder, readonly id: number) {}

  private next<R>(node: Parameters<GraphBuilder['add']>[0]): DataStream<R> {
    return new DataStreamImpl<R>(this.graph, this.graph.add(node));
  }

  map<R>(fn: (value: T) => R): DataStream<R> {
    return this.next({ kind: 'map', inputs: [this.id], fn });
  }
  filter(predicate: (value: T) => boolean): DataStream<T> {
    return this.next({ kind: 'filter', inputs: [this.id], fn: predicate });
  }
  flatMap<R>(fn: (value: T, out: Collector<R>) => void): DataStream<R> {
    return this.next({ kind: 'flat-map', inputs: [this.id], fn });
  }
  keyBy<K extends Key>(key: (value: T) => K): KeyedStream<K, T> {
    const id = this.graph.add({ kind: 'key-by', inputs: [this.id], key });
    return new KeyedStreamImpl<K, T>(this.graph, id, key);
  }
  union(...others: DataStream<T>[]): DataStream<T> {
    if (others.length === 0) return this;
    return this.next({ kind: 'union', inputs: [this.id, ...others.map((o) => o.id)] });
  }
  process<R>(fn: ProcessFunction<T, R>): DataStream<R> {
    return this.next({ kind: 'process', inputs: [this.id], fn: fn as ProcessFunction<unknown, unknown> });
  }
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    return this.next({ kind: 'timestamps', inputs: [this.id], strategy: strategy as WatermarkStrategy<unknown> });
  }
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S> {
    return this.next({ kind: 'side-output', inputs: [this.id], tag: tag as OutputTag<unknown>, name: `${tag.id}@${this.graph.get(this.id).name}` });
  }
  sinkTo(sink: Sink<T>): DataStreamSink {
    const id = this.graph.add({ kind: 'sink', inputs: [this.id], sink: sink as Sink<unknown>, name: `${sink.kind}-sink#${this.graph.plan().nodes.length}` });
    return new DataStreamSinkImpl(this.graph, id);
  }
  name(name: string): DataStream<T> {
    this.graph.relabel(this.id, { name });
    return this;
  }
  uid(uid: string): DataStream<T> {
    this.graph.relabel(this.id, { uid });
    return this;
  }
}

class DataStreamSinkImpl implements DataStreamSink {
  constructor(private readonly graph: GraphBuilder, readonly id: number) {}
  name(name: string): DataStreamSink {
    this.graph.relabel(this.id, { name });
    return this;
  }
  uid(uid: string): DataStreamSink {
    this.graph.relabel(this.id, { uid });
    return this;
  }
}
