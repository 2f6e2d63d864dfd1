import { createRequire } from 'node:module';

/**
 * The one file that touches the `pg` package (node-postgres). It is an optional peer dependency:
 * loaded on the first connection a PostgreSQL connector makes from a `url`, so Eddy loads (and
 * its declarations type-check) without it. The connectors talk to the narrow handles below,
 * which a `pg.Pool` and its clients satisfy as they are.
 */

/** A query's rows and column names, as the connectors read them (pg's `QueryResult` fits). */
export interface PostgresResult<R> {
  readonly rows: R[];
  readonly fields: readonly { readonly name: string }[];
}

/**
 * Something that runs a parameterized statement: a pool, or one of its connections.
 *
 * @example
 * const { rows } = await db.query('SELECT name FROM products WHERE id = $1', [42]);
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<PostgresResult<Record<string, unknown>>>;
}

/**
 * One connection taken from a pool (pg's `PoolClient` fits): the exactly-once sink holds one
 * transaction open on it across a checkpoint.
 *
 * @example
 * const client = await pool.connect();
 * try { await client.query('BEGIN'); } finally { client.release(); }
 */
export interface PostgresClient extends PostgresQueryable {
  /** With an error: the connection is broken, and the pool destroys it instead of reusing it. */
  release(err?: Error): void;
  /**
   * pg emits 'error' on a held connection that dies between queries (the server restarted, the
   * session was terminated): unheard, that event ends the process (see PooledConnection).
   */
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * A connection pool you own, given to a connector as `{ pool }`: a `pg.Pool` fits. The connector
 * never ends it.
 *
 * @example
 * import pg from 'pg';
 * const pool: PostgresPool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * sinks.postgresUpsert({ pool, table: 'products', key: ['id'], columns: ['id', 'name'] });
 */
export interface PostgresPool extends PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<PostgresResult<Record<string, unknown>>>;
  /** Array row mode: each row comes back as the array of its column values. */
  query(query: { readonly text: string; readonly values: unknown[]; readonly rowMode: 'array' }): Promise<PostgresResult<unknown[]>>;
  connect(): Promise<PostgresClient>;
}

/** A pool the connector made from a `url`, and so also ends. */
export interface OwnPostgresPool extends PostgresPool {
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

interface PgModule {
  Pool: new (config: { connectionString: string; max: number; allowExitOnIdle: boolean }) => OwnPostgresPool;
}

const PACKAGE = 'pg';
let loaded: PgModule | null = null;

/**
 * Loads node-postgres, or says how to install it; `who` names the connector that needs it.
 *
 * @example
 * const pool = new (loadPg('sinks.postgres')).Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
 */
export function loadPg(who: string): PgModule {
  if (loaded !== null) return loaded;
  try {
    loaded = createRequire(import.meta.url)(PACKAGE) as PgModule;
  } catch (e) {
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(`'${PACKAGE}'`);
    throw new Error(
      missing
        ? `${who}: the PostgreSQL connectors need the pg package (node-postgres), which is not installed. Run: npm install pg ` +
            `(it is an optional peer dependency of eddy, so that jobs without PostgreSQL do not install it; or pass a pool you made as { pool }).`
        : `${who}: cannot load the pg package: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
  return loaded;
}
