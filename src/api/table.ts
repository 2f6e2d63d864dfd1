import type { Key } from '../functions/key.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import type { GraphBuilder } from './graph-builder.ts';

/**
 * One change of a table: the key's new row, or null when the key was deleted.
 *
 * @example
 * const change: TableChange<string, Product> = { key: 'sku-1', row: null }; // sku-1 deleted
 */
export interface TableChange<K extends Key, V> {
  readonly key: K;
  readonly row: V | null;
}

/**
 * A keyed changelog: the latest row per key, with its history in event time. Built from any stream
 * with `stream.toTable(key, row?)`: every record upserts its key; a `row` function returning null or
 * undefined deletes the key. The stream may come from a file, Kafka, a database or a collection: the
 * table does not care. Join a stream with it by event time (`temporalJoin`) or with its latest rows
 * (`lookupJoin`).
 *
 * @example
 * const products: Table<string, Product> = productChanges.toTable((p) => p.sku, (p) => (p.deleted ? null : p));
 * orders.temporalJoin(products, (o) => o.sku).inner((o, p) => ({ ...o, price: p.price }));
 */
export interface Table<K extends Key, V> {
  /** The id of the operator that produces the table's changelog stream. */
  readonly id: number;
  /** The table's changes as a stream of `{ key, row }` (row null for a delete). */
  changelog(): DataStream<TableChange<K, V>>;
}

/** @internal */
export class TableImpl<K extends Key, V> implements Table<K, V> {
  constructor(
    readonly graph: GraphBuilder,
    readonly id: number,
    readonly key: { key(change: unknown): K }['key'],
    readonly row: { row(change: unknown): V | null | undefined }['row'],
  ) {}

  changelog(): DataStream<TableChange<K, V>> {
    const { key, row } = this;
    const id = this.graph.add({
      kind: 'map', inputs: [this.id], label: 'changelog',
      fn: (c: unknown) => ({ key: key(c), row: row(c) ?? null }),
    });
    return new DataStreamImpl<TableChange<K, V>>(this.graph, id);
  }
}
