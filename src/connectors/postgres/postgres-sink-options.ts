import type { PostgresConnection } from './postgres-connection.ts';

/**
 * What a PostgreSQL sink writes: which table, which columns, how a record becomes a row.
 *
 * @example
 * { url: process.env.DATABASE_URL!, table: 'enriched_orders', columns: ['order_id', 'sku', 'total'], key: ['order_id'] }
 */
export interface PostgresSinkOptions<T> extends PostgresConnection {
  /** `table` or `schema.table`; it must exist (the sink reads its column types at open). */
  readonly table: string;
  /** Columns written, in any order. Scalar types (array columns are not supported). */
  readonly columns: readonly string[];
  /** Primary-key (or unique) columns: writes become `INSERT ... ON CONFLICT (key) DO UPDATE`. */
  readonly key?: readonly string[];
  /** The row for a record, by column name (default: the record itself). */
  readonly row?: (value: T) => Record<string, unknown>;
  /** Rows buffered before the job waits for a write (default 1000). */
  readonly batchRows?: number;
}

/** Checks the options, saying which is wrong. */
export function checkSinkOptions<T>(o: PostgresSinkOptions<T>, who: string, keyRequired: boolean): void {
  if (!o.table) throw new Error(`${who}: table is required`);
  if (!Array.isArray(o.columns) || o.columns.length === 0) throw new Error(`${who}: columns must list at least one column of '${o.table}'`);
  if (new Set(o.columns).size !== o.columns.length) throw new Error(`${who}: columns of '${o.table}' are listed twice: ${o.columns.join(', ')}`);
  if (keyRequired && (o.key === undefined || o.key.length === 0)) throw new Error(`${who}: key must name the primary-key columns of '${o.table}' (upserts are by key)`);
  for (const k of o.key ?? []) if (!o.columns.includes(k)) throw new Error(`${who}: key column '${k}' is not in columns (${o.columns.join(', ')})`);
  if (o.batchRows !== undefined && !(o.batchRows >= 1)) throw new Error(`${who}: batchRows must be >= 1, got ${o.batchRows}`);
}
