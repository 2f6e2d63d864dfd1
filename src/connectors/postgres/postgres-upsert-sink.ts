import type { Sink, SinkWriter } from '../sink.ts';
import { type OwnedPool, openPool } from './postgres-connection.ts';
import type { PostgresQueryable } from './postgres-pool.ts';
import { PostgresRows } from './postgres-rows.ts';
import { checkSinkOptions, type PostgresSinkOptions } from './postgres-sink-options.ts';
import { columnTypes, insertStatement } from './postgres-table.ts';

/**
 * Upserts records into a PostgreSQL table by primary key: batches of `INSERT ... SELECT * FROM
 * unnest(...) ON CONFLICT (key) DO UPDATE`, each its own autocommit statement. Idempotent:
 * writing a record again leaves the table as it was, so with checkpoints (flushed at each one) a
 * replay after a failure gives the same final table, exactly-once in effect. A reader may see
 * a row go back to an older value while the replay catches up.
 *
 * @example
 * orders.sinkTo(sinks.postgresUpsert({ url: process.env.DATABASE_URL!, table: 'order_totals', key: ['order_id'], columns: ['order_id', 'total'] }));
 */
export function postgresUpsertSink<T>(options: PostgresSinkOptions<T>): Sink<T> & { readonly idempotent: true } {
  checkSinkOptions(options, 'sinks.postgresUpsert', true);
  return {
    kind: 'postgres-upsert',
    idempotent: true,
    describe: () => `postgresUpsert(${options.table} by ${options.key!.join(', ')})`,
    createWriter: (ctx) => new PostgresAutocommitWriter(options, options.key!, `sinks.postgresUpsert '${ctx.operatorName}'`),
  };
}

/**
 * Writes batches with autocommit statements (the upsert sink, and `sinks.postgres` at-least-once).
 *
 * @example
 * new PostgresAutocommitWriter({ url, table: 'kv', columns: ['k', 'v'] }, ['k'], 'kv-sink');
 */
export class PostgresAutocommitWriter<T> implements SinkWriter<T> {
  private owned: OwnedPool | null = null;
  private sql = '';
  private readonly rows: PostgresRows<T>;
  readonly capacity: number;

  constructor(private readonly options: PostgresSinkOptions<T>, private readonly key: readonly string[] | null, private readonly who: string) {
    this.rows = new PostgresRows<T>(options.columns, key, options.row ?? ((v) => v as Record<string, unknown>), who);
    this.capacity = options.batchRows ?? 1000;
  }

  get backlog(): number {
    return this.rows.length;
  }

  async open(): Promise<void> {
    this.owned = openPool(this.options, this.who, 2);
    const types = await columnTypes(this.owned.pool, this.options.table, this.options.columns, this.who);
    this.sql = insertStatement(this.options.table, types, this.key);
  }

  write(values: readonly T[], _times: readonly number[], length: number): void {
    for (let i = 0; i < length; i++) this.rows.add(values[i]);
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    await run(this.owned!.pool, this.sql, this.rows.take(), this.who, this.options.table);
  }

  async close(): Promise<void> {
    if (this.owned === null) return;
    try {
      await this.flush();
    } finally {
      await this.owned.release();
      this.owned = null;
    }
  }
}

/** Runs a batch statement, naming the sink and the table if it fails. */
export async function run(db: PostgresQueryable, sql: string, params: unknown[][], who: string, table: string): Promise<void> {
  try {
    await db.query(sql, params);
  } catch (e) {
    throw new Error(`${who}: writing ${params[0]?.length ?? 0} rows to '${table}' failed: ${(e as Error).message}`, { cause: e });
  }
}
