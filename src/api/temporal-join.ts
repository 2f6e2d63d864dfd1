import type { Key, KeySelector } from '../functions/key.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import { type Table, TableImpl } from './table.ts';

/**
 * A join of a stream with a table, waiting for its join function: `inner` drops records whose key
 * has no row; `left` passes them on with `null`.
 *
 * @example
 * orders.lookupJoin(products, (o) => o.sku).left((o, p) => ({ ...o, name: p?.name ?? 'unknown' }));
 */
export interface TableJoin<T, V> {
  inner<R>(join: (value: T, row: V) => R): DataStream<R>;
  left<R>(join: (value: T, row: V | null) => R): DataStream<R>;
}

/**
 * An event-time temporal join: each record joins the table row valid at the record's timestamp.
 * Records at or behind the join's watermark on arrival are late: dropped and counted in the
 * metrics, or sent to a side output.
 *
 * @example
 * const LATE = new OutputTag<Order>('late-orders');
 * const joined = orders.temporalJoin(products, (o) => o.sku).sideOutputLateData(LATE).inner((o, p) => ({ ...o, price: p.price }));
 * joined.getSideOutput(LATE).sinkTo(sinks.jsonl('late-orders.jsonl'));
 */
export interface TemporalJoin<T, V> extends TableJoin<T, V> {
  sideOutputLateData(tag: OutputTag<T>): TemporalJoin<T, V>;
}

/**
 * @internal Starts a join of stream `stream` with `table`, which must come from the same environment.
 */
export function tableJoin<T, K extends Key, V>(kind: JoinProps['kind'], graph: GraphBuilder, stream: number, table: Table<K, V>, key: (value: T) => K): TemporalJoinImpl<T, V> {
  if (!(table instanceof TableImpl) || table.graph !== graph) {
    throw new Error(`${kind === 'temporal-join' ? 'temporalJoin' : 'lookupJoin'}: the table was built in another StreamEnvironment; build the table and the stream in the same one`);
  }
  return new TemporalJoinImpl<T, V>({ kind, graph, stream, table: table as unknown as TableImpl<Key, unknown>, key, lateTag: null });
}

interface JoinProps {
  readonly kind: 'temporal-join' | 'lookup-join';
  readonly graph: GraphBuilder;
  readonly stream: number;
  readonly table: TableImpl<Key, unknown>;
  readonly key: KeySelector;
  readonly lateTag: OutputTag<unknown> | null;
}

/** @internal */
export class TemporalJoinImpl<T, V> implements TemporalJoin<T, V> {
  constructor(private readonly props: JoinProps) {
    Object.freeze(props);
  }

  sideOutputLateData(tag: OutputTag<T>): TemporalJoin<T, V> {
    return new TemporalJoinImpl<T, V>({ ...this.props, lateTag: tag as OutputTag<unknown> });
  }

  inner<R>(join: (value: T, row: V) => R): DataStream<R> {
    return this.build('inner', join);
  }

  left<R>(join: (value: T, row: V | null) => R): DataStream<R> {
    return this.build('left', join);
  }

  private build<R>(mode: 'inner' | 'left', join: (value: T, row: V) => R): DataStream<R> {
    const { kind, graph, stream, table, key, lateTag } = this.props;
    const id = graph.add({
      kind, inputs: [stream, table.id], key, tableKey: table.key, tableValue: table.row, join, mode, lateTag,
    });
    return new DataStreamImpl<R>(graph, id);
  }
}
