import type { Sink, SinkContext, SinkWriter } from '../sink.ts';
import { type OwnedPool, openPool } from './postgres-connection.ts';
import { PooledConnection } from './pooled-connection.ts';
import { checkpointOf, gidFor, gidPrefix, quoteGid } from './postgres-gid.ts';
import type { PostgresClient } from './postgres-pool.ts';
import { PostgresRows } from './postgres-rows.ts';
import { checkSinkOptions, type PostgresSinkOptions } from './postgres-sink-options.ts';
import { columnTypes, insertStatement } from './postgres-table.ts';
import { PostgresAutocommitWriter, run } from './postgres-upsert-sink.ts';

/**
 * Options of `sinks.postgres`.
 *
 * @example
 * sinks.postgres({ url, table: 'orders_out', columns: ['id', 'total'], guarantee: 'exactly-once' });
 */
export interface PostgresExactlyOnceOptions<T> extends PostgresSinkOptions<T> {
  /** 'exactly-once' (default; needs exactly-once checkpoints): two-phase commit. 'at-least-once': autocommit batches. */
  readonly guarantee?: 'exactly-once' | 'at-least-once';
  /**
   * Names this sink's prepared transactions (`<gidPrefix>:<checkpoint id>`); a restart rolls back
   * those with the prefix that its checkpoint does not name, so no other writer may share it.
   * Default `eddy:<table>:<sink name>`. Characters: A-Z a-z 0-9 _ . : -
   */
  readonly gidPrefix?: string;
  /** Longest wait for a row lock held by an earlier, not yet committed checkpoint (default 30 s). */
  readonly lockTimeoutMs?: number;
}

/**
 * Writes to a PostgreSQL table with two-phase commit: rows go into an open transaction; at a
 * checkpoint's barrier it is prepared (`PREPARE TRANSACTION '<gid>'`: durable, invisible); once
 * the checkpoint is complete it is committed (`COMMIT PREPARED`). After a crash, the restart
 * commits the prepared transactions its checkpoint names and rolls back this sink's others, so
 * the table holds each record once. With `key`, rows are upserts; without, plain inserts.
 * Needs `max_prepared_transactions` > 0 on the server.
 *
 * @example
 * const env = StreamEnvironment.create({ checkpoints: { dir: 'ckpt', guarantee: 'exactly-once' } });
 * orders.sinkTo(sinks.postgres({ url: process.env.DATABASE_URL!, table: 'orders_out', columns: ['id', 'total'] }));
 */
export function postgresSink<T>(options: PostgresExactlyOnceOptions<T>): Sink<T> {
  checkSinkOptions(options, 'sinks.postgres', false);
  const guarantee = options.guarantee ?? 'exactly-once';
  if (guarantee !== 'exactly-once' && guarantee !== 'at-least-once') throw new Error(`sinks.postgres: guarantee must be 'exactly-once' or 'at-least-once', got '${String(guarantee)}'`);
  if (options.gidPrefix !== undefined) gidPrefix(options.table, '', options.gidPrefix);
  return {
    kind: 'postgres',
    describe: () => `postgres(${options.table}, ${guarantee}${options.key ? `, upsert by ${options.key.join(', ')}` : ''})`,
    createWriter: (ctx: SinkContext) => {
      const who = `sinks.postgres '${ctx.operatorName}'`;
      if (guarantee === 'at-least-once') return new PostgresAutocommitWriter(options, options.key ?? null, who);
      if (ctx.guarantee !== 'exactly-once') {
        throw new Error(`${who}: guarantee 'exactly-once' needs a job with exactly-once checkpoints (StreamEnvironment.create({ checkpoints: { dir } })); ` +
          `this job's guarantee is '${ctx.guarantee}'. Use guarantee: 'at-least-once' or sinks.postgresUpsert otherwise`);
      }
      return new PostgresTransactionalWriter(options, gidPrefix(options.table, ctx.operatorName, options.gidPrefix), who);
    },
  };
}

/** Token of a pre-commit: the GIDs prepared and not yet committed, oldest first. */
type Token = string[];

/**
 * The two-phase-commit writer: one connection holds the open transaction, another commits.
 *
 * A lost connection (the server restarted, the session was terminated) never kills the process
 * (see PooledConnection): the control connection is replaced at its next use (COMMIT PREPARED is
 * idempotent); the data connection is too when it held no transaction, but when it did, that
 * transaction's rows are gone, so every later write fails, the job fails through the normal path,
 * and the restart strategy restarts it from its latest checkpoint (whose replay writes them again).
 */
class PostgresTransactionalWriter<T> implements SinkWriter<T> {
  private owned: OwnedPool | null = null;
  private data: PooledConnection | null = null;
  private control: PooledConnection | null = null;
  private inTransaction = false;
  /** The open transaction died with its connection: this writer is done. */
  private broken: Error | null = null;
  private sql = '';
  private uncommitted: string[] = [];
  private readonly rows: PostgresRows<T>;
  readonly capacity: number;

  constructor(private readonly options: PostgresExactlyOnceOptions<T>, private readonly prefix: string, private readonly who: string) {
    this.rows = new PostgresRows<T>(options.columns, options.key ?? null, options.row ?? ((v) => v as Record<string, unknown>), who);
    this.capacity = options.batchRows ?? 1000;
  }

  get backlog(): number {
    return this.rows.length;
  }

  async open(): Promise<void> {
    this.owned = openPool(this.options, this.who, 2);
    const lockTimeout = Math.max(1, Math.round(this.options.lockTimeoutMs ?? 30_000));
    this.data = new PooledConnection(this.owned.pool, (c) => c.query(`SET lock_timeout = ${lockTimeout}`));
    this.control = new PooledConnection(this.owned.pool);
    const types = await columnTypes(await this.dataClient(), this.options.table, this.options.columns, this.who);
    this.sql = insertStatement(this.options.table, types, this.options.key ?? null);
  }

  write(values: readonly T[], _times: readonly number[], length: number): void {
    for (let i = 0; i < length; i++) this.rows.add(values[i]);
  }

  /** Writes buffered rows into the open transaction (begun on the first write after a prepare). */
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const db = await this.dataClient();
    if (!this.inTransaction) {
      await db.query('BEGIN');
      this.inTransaction = true;
    }
    await run(db, this.sql, this.rows.take(), this.who, this.options.table);
  }

  async preCommit(checkpointId: number): Promise<Token> {
    await this.flush();
    if (this.inTransaction) {
      const gid = gidFor(this.prefix, checkpointId);
      const db = await this.dataClient();
      try {
        await db.query(`PREPARE TRANSACTION ${quoteGid(gid)}`);
      } catch (e) {
        throw new Error(`${this.who}: PREPARE TRANSACTION '${gid}' failed (is max_prepared_transactions > 0?): ${(e as Error).message}`, { cause: e });
      }
      this.inTransaction = false;
      this.uncommitted.push(gid);
    }
    return [...this.uncommitted];
  }

  async commit(_checkpointId: number, token: unknown): Promise<void> {
    for (const gid of token as Token) {
      await this.commitPrepared(gid);
      this.uncommitted = this.uncommitted.filter((g) => g !== gid);
    }
  }

  /**
   * Before the first write of a (re)started job: commits what the restored checkpoint names (it
   * may have been committed before the crash, or not), rolls back this sink's other prepared
   * transactions (prepared for checkpoints that never completed).
   */
  async recover(token: unknown): Promise<void> {
    const keep = new Set(token === null ? [] : (token as Token));
    for (const gid of keep) await this.commitPrepared(gid);
    const control = await this.control!.get();
    const { rows } = await control.query('SELECT gid FROM pg_prepared_xacts WHERE database = current_database()');
    for (const { gid } of rows as { gid: string }[]) {
      if (keep.has(gid) || checkpointOf(this.prefix, gid) === null) continue;
      await control.query(`ROLLBACK PREPARED ${quoteGid(gid)}`);
    }
  }

  async close(): Promise<void> {
    if (this.owned === null) return;
    try {
      // An open transaction belongs to no checkpoint: its rows are replayed after a restart.
      if (this.inTransaction && this.broken === null && this.data?.lost === null) await (await this.data.get()).query('ROLLBACK').catch(() => {});
      this.inTransaction = false;
    } finally {
      this.data?.release();
      this.control?.release();
      this.data = null;
      this.control = null;
      await this.owned.release();
      this.owned = null;
    }
  }

  /**
   * The data connection. A connection lost outside a transaction is replaced; one lost inside a
   * transaction took its rows with it: that fails this call and every later one.
   */
  private async dataClient(): Promise<PostgresClient> {
    const lost = this.data!.lost;
    if (lost !== null && this.inTransaction) {
      this.broken ??= new Error(
        `${this.who}: the connection holding the open transaction was lost (${lost.message}); its rows are gone, so the job fails ` +
          'and restarts from its latest checkpoint, whose replay writes them again', { cause: lost });
    }
    if (this.broken !== null) throw this.broken;
    return this.data!.get();
  }

  /** COMMIT PREPARED; idempotent: a GID that no longer exists was committed already. */
  private async commitPrepared(gid: string): Promise<void> {
    try {
      await (await this.control!.get()).query(`COMMIT PREPARED ${quoteGid(gid)}`);
    } catch (e) {
      if ((e as { code?: string }).code === '42704') return; // undefined_object: no such prepared transaction
      throw new Error(`${this.who}: COMMIT PREPARED '${gid}' failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
