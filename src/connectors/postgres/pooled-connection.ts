import type { PostgresClient, PostgresPool } from './postgres-pool.ts';

/**
 * One connection held from a pool across many calls (a transaction that spans a checkpoint).
 *
 * pg emits 'error' on a checked-out client whose connection dies (the server restarts,
 * `pg_terminate_backend`, `idle_in_transaction_session_timeout`), also between queries; with no
 * listener that event kills the process, and the job's restart strategy never runs. This listens,
 * keeps the error in `lost`, and hands the dead client back to the pool to be destroyed. The owner
 * decides what a loss means: a session without an open transaction is simply replaced by `get`;
 * one that held a transaction has lost its rows, and the owner must fail.
 *
 * @example
 * const conn = new PooledConnection(pool, (c) => c.query('SET lock_timeout = 1000'));
 * const client = await conn.get(); // a new connection if the last one was lost
 */
export class PooledConnection {
  private client: PostgresClient | null = null;
  private onError: ((e: Error) => void) | null = null;
  /** Why the last connection died, until `get` replaces it. */
  lost: Error | null = null;

  constructor(private readonly pool: PostgresPool, private readonly setup: (c: PostgresClient) => Promise<unknown> = async () => {}) {}

  /** The connection, connecting (and setting up the session) if there is none or it was lost. */
  async get(): Promise<PostgresClient> {
    if (this.client !== null) return this.client;
    const c = await this.pool.connect();
    const onError = (e: Error) => this.died(c, onError, e);
    c.on('error', onError);
    try {
      await this.setup(c);
    } catch (e) {
      this.died(c, onError, e as Error);
      throw e;
    }
    this.client = c;
    this.onError = onError;
    this.lost = null;
    return c;
  }

  /** Gives a healthy connection back to the pool, for reuse. */
  release(): void {
    if (this.client === null) return;
    this.client.removeListener('error', this.onError!);
    this.client.release();
    this.client = null;
  }

  private died(c: PostgresClient, onError: (e: Error) => void, e: Error): void {
    if (this.client === c) {
      this.client = null;
      this.lost = e;
    }
    // Released with the error, the pool destroys it; whatever it emits meanwhile means nothing.
    c.removeListener('error', onError);
    c.on('error', () => {});
    c.release(e);
  }
}
