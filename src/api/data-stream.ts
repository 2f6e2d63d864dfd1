import type { Sink } from '../connectors/sink.ts';
import { type AsyncMapOptions, resolveAsyncMapOptions } from '../functions/async-map-options.ts';
import type { Key } from '../functions/key.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Collector } from '../functions/collector.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { KeyedStreamImpl, type KeyedStream } from './keyed-stream.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { ProcessFunction } from '../functions/process-function.ts';
import { BroadcastStreamImpl, type BroadcastStream } from './broadcast-stream.ts';
import { type Table, TableImpl } from './table.ts';
import { tableJoin, type TableJoin, type TemporalJoin } from './temporal-join.ts';
import { AllWindowedStreamImpl, checkCountWindow, type AllWindowedStream } from './all-windowed-stream.ts';
import { allKey } from '../plan/all-key.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import { instancePerTask } from '../plan/function-factory.ts';

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
  /**
   * Calls `fn` per record without blocking the job: at most `capacity` records held at once,
   * results in input order (or as they complete with `ordered: false`), timeouts and retries,
   * failures to DEAD_LETTERS. Watermarks wait for the records before them.
   */
  asyncMap<R>(fn: (value: T) => Promise<R>, options?: AsyncMapOptions): DataStream<R>;
  keyBy<K extends Key>(key: (value: T) => K): KeyedStream<K, T>;
  /** Windows over the whole stream, not per key (one operator sees every record): results have no key. */
  windowAll(assigner: WindowAssigner<T>): AllWindowedStream<T>;
  /** Count windows over the whole stream: tumbling of `size` records, or sliding every `slide`. */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T>;
  union(...others: DataStream<T>[]): DataStream<T>;
  process<R>(fn: ProcessFunction<T, R>): DataStream<R>;
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T>;
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S>;
  sinkTo(sink: Sink<T>): DataStreamSink;
  /** This stream as a table's changelog: each record upserts its key (see Table). */
  toTable<K extends Key>(key: (value: T) => K): Table<K, T>;
  /** This stream as a table's changelog, `row` giving the key's new row, or null/undefined to delete the key. */
  toTable<K extends Key, V>(key: (value: T) => K, row: (value: T) => V | null | undefined): Table<K, V>;
  /** Joins each record with the table row valid at the record's event time (waits for the watermark). */
  temporalJoin<K extends Key, V>(table: Table<K, V>, key: (value: T) => NoInfer<K>): TemporalJoin<T, V>;
  /** Joins each record with the table's latest row when the record arrives (processing time, no waiting). */
  lookupJoin<K extends Key, V>(table: Table<K, V>, key: (value: T) => NoInfer<K>): TableJoin<T, V>;
  /** Sends every record of this stream to every key of a keyed stream it is connected to. */
  broadcast(): BroadcastStream<T>;
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
  asyncMap<R>(fn: (value: T) => Promise<R>, options?: AsyncMapOptions): DataStream<R> {
    return this.next({ kind: 'async-map', inputs: [this.id], fn, options: resolveAsyncMapOptions(options) });
  }
  keyBy<K extends Key>(key: (value: T) => K): KeyedStream<K, T> {
    const id = this.graph.add({ kind: 'key-by', inputs: [this.id], key });
    return new KeyedStreamImpl<K, T>(this.graph, id, key);
  }
  windowAll(assigner: WindowAssigner<T>): AllWindowedStream<T> {
    return new AllWindowedStreamImpl<T>(this.allKeyed().window(assigner));
  }
  countWindowAll(size: number, slide?: number): AllWindowedStream<T> {
    checkCountWindow('countWindowAll', size, slide);
    return new AllWindowedStreamImpl<T>(this.allKeyed().countWindow(size, slide));
  }
  private allKeyed(): KeyedStream<number, T> {
    const id = this.graph.add({ kind: 'key-by', inputs: [this.id], key: allKey, label: 'window-all' });
    return new KeyedStreamImpl<number, T>(this.graph, id, allKey);
  }
  union(...others: DataStream<T>[]): DataStream<T> {
    if (others.length === 0) return this;
    return this.next({ kind: 'union', inputs: [this.id, ...others.map((o) => o.id)] });
  }
  process<R>(fn: ProcessFunction<T, R>): DataStream<R> {
    return this.next({ kind: 'process', inputs: [this.id], fn: instancePerTask(fn as ProcessFunction<unknown, unknown>) });
  }
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    return this.next({ kind: 'timestamps', inputs: [this.id], strategy: strategy as WatermarkStrategy<unknown> });
  }
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S> {
    return this.next({ kind: 'side-output', inputs: [this.id], tag: tag as OutputTag<unknown>, name: `${tag.id}@${this.graph.get(this.id).name}` });
  }
  sinkTo(sink: Sink<T>): DataStreamSink {
    const id = this.graph.add({ kind: 'sink', inputs: [this.id], sink: sink as Sink<unknown>, label: `${sink.kind}-sink` });
    return new DataStreamSinkImpl(this.graph, id);
  }
  toTable<K extends Key, V>(key: (value: T) => K, row?: (value: T) => V | null | undefined): Table<K, V> {
    return new TableImpl<K, V>(this.graph, this.id, key, row ?? ((v: T) => v as unknown as V));
  }
  temporalJoin<K extends Key, V>(table: Table<K, V>, key: (value: T) => K): TemporalJoin<T, V> {
    return tableJoin<T, K, V>('temporal-join', this.graph, this.id, table, key);
  }
  lookupJoin<K extends Key, V>(table: Table<K, V>, key: (value: T) => K): TableJoin<T, V> {
    return tableJoin<T, K, V>('lookup-join', this.graph, this.id, table, key);
  }
  broadcast(): BroadcastStream<T> {
    return new BroadcastStreamImpl<T>(this.id);
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

/** @internal the graph a stream or sink handle was built in (null: a handle Eddy did not make). */
export function builderOf(handle: DataStream<unknown> | DataStreamSink): GraphBuilder | null {
  return handle instanceof DataStreamImpl || handle instanceof DataStreamSinkImpl ? handle.graph : null;
}

class DataStreamSinkImpl implements DataStreamSink {
  constructor(readonly graph: GraphBuilder, readonly id: number) {}
  name(name: string): DataStreamSink {
    this.graph.relabel(this.id, { name });
    return this;
  }
  uid(uid: string): DataStreamSink {
    this.graph.relabel(this.id, { uid });
    return this;
  }
}
