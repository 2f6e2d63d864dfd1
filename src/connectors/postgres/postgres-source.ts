import type { ReadStatus, Source, SourceBatch, SourceReader, SourceReaderContext } from '../source.ts';
import { openPool, type OwnedPool, type PostgresConnection } from './postgres-connection.ts';
import type { PostgresResult } from './postgres-pool.ts';
import { postgresSourceStatements, type PostgresSourceStatements } from './postgres-source-query.ts';

/**
 * Options of `sources.postgres`.
 *
 * @example
 * sources.postgres<Product>({ url, table: 'products', versionColumn: 'updated_at', key: 'sku', pollIntervalMs: 1_000 });
 */
export interface PostgresSourceOptions<T> extends PostgresConnection {
  /** The table to read (`schema.table` allowed). Give this or `query`. */
  readonly table?: string;
  /** With `table`: the columns to read (default: all). */
  readonly columns?: readonly string[];
  /** A SELECT without bind parameters, read as a subquery. Give this or `table`. */
  readonly query?: string;
  /** Rows are read in the order of this column (e.g. `updated_at`); its value is the event time by default. */
  readonly versionColumn: string;
  /** The tie-break: one or more columns that, with the version, identify a row (usually the primary key). */
  readonly key: string | readonly string[];
  /** Makes the record from a row (column name -> value as `pg` returns it); throw to send the row to DEAD_LETTERS. Default: the row. */
  readonly row?: (row: Record<string, unknown>) => T;
  /** Rows per query (keyset page). Default 1,000. */
  readonly batchRows?: number;
  /**
   * Unbounded: after reading everything, look for new rows this often (ms of the job's clock).
   * Without it the source is bounded: it reads the rows that exist when it opens, then ends.
   */
  readonly pollIntervalMs?: number;
  /**
   * With `pollIntervalMs` and a timestamp version column: read a row only once its version is at
   * least this old by the server's clock (`now()`), so that a transaction that set its version
   * (`updated_at = now()`, the transaction's start) and commits within that time is not passed by
   * the position. Costs this much latency. Default: none.
   */
  readonly settleMs?: number;
}

/** A checkpointed position: the last (version, key) read, as text, and the bounded source's end. */
interface PostgresPosition {
  readonly after: string[] | null;
  readonly upTo: string[] | null;
}

/**
 * Reads a PostgreSQL table (or a SELECT) in the order of a version column, then the key, with
 * keyset pagination: `WHERE (version, key) > ($1, $2) ORDER BY version, key LIMIT n`. Bounded (the
 * rows that exist when it opens) or, with `pollIntervalMs`, unbounded: it looks for new rows on the
 * job's clock. The position (last version and key) is checkpointed, so a restart neither repeats
 * nor skips a row. Event time is the version column (a timestamp, date or number). Rows the `row`
 * function rejects go to DEAD_LETTERS at `table(key=...)`.
 *
 * Requirements: (version, key) is unique and NOT NULL (rows with a NULL there are not read), and a
 * row that changes gets a version above every version already read (an `updated_at` set by the
 * writer; see docs/postgres.md for the caveat about concurrent transactions).
 *
 * @example
 * env.fromSource(
 *   sources.postgres<ProductRow>({ url: process.env.DATABASE_URL!, table: 'product_changes', versionColumn: 'changed_at', key: 'sku' }),
 *   WatermarkStrategy.forMonotonousTimestamps(), 'products',
 * ).toTable((r) => r.sku);
 */
export function postgresSource<T = Record<string, unknown>>(options: PostgresSourceOptions<T>): Source<T> {
  const key = typeof options.key === 'string' ? [options.key] : [...options.key];
  if (key.length === 0) throw new Error('sources.postgres: key needs at least one column (the tie-break after the version)');
  if (typeof options.versionColumn !== 'string' || options.versionColumn === '') throw new Error('sources.postgres: versionColumn is required (e.g. updated_at)');
  const batchRows = options.batchRows ?? 1_000;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new Error(`sources.postgres: batchRows must be an integer >= 1, got ${batchRows}`);
  const poll = options.pollIntervalMs;
  if (poll !== undefined && !(poll >= 0)) throw new Error(`sources.postgres: pollIntervalMs must be >= 0, got ${poll}`);
  if (options.url === undefined && options.pool === undefined) throw new Error('sources.postgres: give { url } (e.g. process.env.DATABASE_URL) or { pool }');
  const settle = options.settleMs;
  if (settle !== undefined && (poll === undefined || !(settle >= 0))) throw new Error(`sources.postgres: settleMs goes with pollIntervalMs and must be >= 0, got ${settle}`);
  const statements = postgresSourceStatements(options, options.versionColumn, key, settle !== undefined);
  const name = options.table ?? 'query';
  return {
    kind: 'postgres',
    bounded: poll === undefined,
    describe: () => `postgres(${name} by ${[options.versionColumn, ...key].join(', ')}${poll === undefined ? ', bounded' : `, polling every ${poll} ms`}${settle === undefined ? '' : `, rows settled for ${settle} ms`})`,
    createReader: (ctx) => new PostgresReader<T>(options, statements, key, name, batchRows, ctx),
  };
}

class PostgresReader<T> implements SourceReader<T> {
  private owned: OwnedPool | null = null;
  /** Rows of the last page (array mode), and how far they have gone into batches. */
  private rows: unknown[][] = [];
  /** The row (index into `rows`) of each record of the last batch (for positionOf). */
  private readonly slotRows: number[] = [];
  private next = 0;
  private fields: string[] = [];
  private after: string[] | null = null;
  private upTo: string[] | null = null;
  /** The last page was short: everything there is (for now) has been fetched. */
  private atEnd = false;
  private reportedCaughtUp = false;
  private nextPollAt = Number.NEGATIVE_INFINITY;
  private ended = false;
  private readonly bounded: boolean;

  constructor(
    private readonly options: PostgresSourceOptions<T>,
    private readonly sql: PostgresSourceStatements,
    private readonly key: readonly string[],
    private readonly name: string,
    private readonly batchRows: number,
    private readonly ctx: SourceReaderContext,
  ) {
    this.bounded = options.pollIntervalMs === undefined;
  }

  async open(): Promise<void> {
    this.owned = openPool(this.options, `source '${this.ctx.operatorName}'`, 1);
    if (this.bounded) {
      const r = await this.query(this.sql.last, []);
      this.upTo = r.rows.length === 0 ? null : r.rows[0].map(String);
    }
  }

  /**
   * Hands out buffered rows synchronously. A fetch only fills the buffer and answers with an
   * empty batch, so the position never runs ahead of the records delivered (a checkpoint may be
   * cut while a read is in flight).
   */
  read(batch: SourceBatch<T>): ReadStatus | Promise<ReadStatus> {
    batch.split = 0;
    batch.length = 0;
    if (this.next < this.rows.length) return this.fill(batch);
    if (this.ended) return 'end';
    if (this.bounded) {
      if (this.upTo === null || this.atEnd) {
        this.ended = true;
        return 'end';
      }
      return this.fetch();
    }
    if (this.atEnd) {
      if (!this.reportedCaughtUp) {
        // Caught up: idle for watermarks until the next row (an empty batch reports the change).
        this.reportedCaughtUp = true;
        return 'data';
      }
      if (this.ctx.clock.now() < this.nextPollAt) return 'idle';
    }
    return this.fetch();
  }

  private async fetch(): Promise<ReadStatus> {
    const n = this.batchRows;
    const sql = this.sql;
    let text: string;
    let values: unknown[];
    if (this.upTo !== null) {
      text = this.after === null ? sql.firstPageUpTo : sql.pageAfterUpTo;
      values = this.after === null ? [n, ...this.upTo] : [...this.after, n, ...this.upTo];
    } else {
      text = this.after === null ? sql.firstPage : sql.pageAfter;
      values = this.after === null ? [n] : [...this.after, n];
      if (this.options.settleMs !== undefined) values.push(this.options.settleMs);
    }
    const r = await this.query(text, values);
    this.fields = r.fields.map((f) => f.name);
    this.rows = r.rows;
    this.next = 0;
    this.atEnd = r.rows.length < n;
    if (this.atEnd && this.options.pollIntervalMs !== undefined) this.nextPollAt = this.ctx.clock.now() + this.options.pollIntervalMs;
    if (r.rows.length > 0) return 'data';
    if (this.bounded) {
      this.ended = true;
      return 'end';
    }
    return this.reportedCaughtUp ? 'idle' : 'data';
  }

  private fill(batch: SourceBatch<T>): ReadStatus {
    const rows = this.rows;
    const fields = this.fields;
    const p = this.sql.positionColumns;
    const width = fields.length - p;
    const versionAt = fields.indexOf(this.options.versionColumn);
    const map = this.options.row;
    const max = this.ctx.batchSize;
    let n = 0;
    let i = this.next;
    for (; i < rows.length && n < max; i++) {
      const a = rows[i];
      const row: Record<string, unknown> = {};
      for (let c = 0; c < width; c++) row[fields[c]] = a[c];
      let value: T;
      try {
        value = map === undefined ? (row as T) : map(row);
      } catch (e) {
        batch.deadLetters.push({ operator: this.ctx.operatorName, position: this.where(a.slice(width) as string[]), reason: (e as Error).message, raw: rawOf(row) });
        continue;
      }
      batch.values[n] = value;
      batch.times[n] = versionAt < 0 || versionAt >= width ? Number.NaN : timeOf(a[versionAt]);
      this.slotRows[n] = i;
      n++;
    }
    // The position: the last row this batch consumed (delivered or dead-lettered).
    if (i > this.next) this.after = rows[i - 1].slice(width) as string[];
    this.next = i;
    this.reportedCaughtUp = false;
    batch.length = n;
    return 'data';
  }

  positionOf(index: number): string {
    const row = this.rows[this.slotRows[index]];
    return this.where(row.slice(this.fields.length - this.sql.positionColumns) as string[]);
  }

  /** `products(sku=K1)`: the table and the row's key, for dead letters. */
  private where(pos: readonly string[]): string {
    return `${this.name}(${this.key.map((k, i) => `${k}=${pos[i + 1]}`).join(', ')}; ${this.options.versionColumn}=${pos[0]})`;
  }

  private async query(text: string, values: unknown[]): Promise<PostgresResult<unknown[]>> {
    try {
      return await this.owned!.pool.query({ text, values, rowMode: 'array' });
    } catch (e) {
      throw new Error(`source '${this.ctx.operatorName}' (postgres ${this.name}): ${(e as Error).message}; statement: ${text}`);
    }
  }

  splitCount(): number {
    return 1;
  }
  splitName(): string {
    return this.name;
  }
  isSplitFinished(): boolean {
    return this.ended;
  }
  isSplitCaughtUp(): boolean {
    return this.reportedCaughtUp;
  }
  position(): PostgresPosition {
    return { after: this.after, upTo: this.upTo };
  }
  seek(position: unknown): void {
    const p = position as PostgresPosition | null | undefined;
    const ok = (v: unknown) => v === null || (Array.isArray(v) && v.length === this.key.length + 1 && v.every((x) => typeof x === 'string'));
    if (p === null || p === undefined || typeof p !== 'object' || !ok(p.after) || !ok(p.upTo)) {
      throw new Error(`source '${this.ctx.operatorName}': not a postgres source position (version and ${this.key.length} key columns): ${JSON.stringify(position)}`);
    }
    this.after = p.after;
    if (this.bounded) this.upTo = p.upTo;
    this.rows = [];
    this.next = 0;
    this.atEnd = false;
    this.ended = false;
  }
  async close(): Promise<void> {
    await this.owned?.release();
    this.owned = null;
  }
}

/** Event time of a version value: a timestamp or date, a number, or a numeric string (bigint). */
function timeOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return Number.NaN;
}

function rawOf(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).slice(0, 1000);
}
