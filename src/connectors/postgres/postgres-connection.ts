import { loadPg, type PostgresPool } from './postgres-pool.ts';

/**
 * Where a PostgreSQL connector connects: a connection URL (the connector makes and ends its own
 * pool) or a pool you own, such as a `pg.Pool` (never ended by the connector).
 *
 * @example
 * sinks.postgresUpsert({ url: process.env.DATABASE_URL!, table: 'products', key: ['id'], columns: ['id', 'name'] });
 */
export interface PostgresConnection {
  readonly url?: string;
  readonly pool?: PostgresPool;
}

/** A pool and a way to let it go (ends it only if we made it). */
export interface OwnedPool {
  readonly pool: PostgresPool;
  release(): Promise<void>;
}

/**
 * Opens the pool a connector uses.
 *
 * @example
 * const { pool, release } = openPool({ url }, 'postgresLookup', 4);
 */
export function openPool(c: PostgresConnection, who: string, max = 4): OwnedPool {
  if (c.pool !== undefined) return { pool: c.pool, release: async () => {} };
  if (c.url === undefined || c.url === '') throw new Error(`${who}: give { url } (e.g. process.env.DATABASE_URL) or { pool }`);
  // allowExitOnIdle: idle connections do not keep a finished job's process alive.
  const pool = new (loadPg(who)).Pool({ connectionString: c.url, max, allowExitOnIdle: true });
  // An idle client's socket error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return { pool, release: () => pool.end() };
}

/**
 * Quotes an SQL identifier: in double quotes, embedded quotes doubled. With `qualified`, dots
 * separate parts (`schema.table`). For names from the job definition, never for values (values
 * are always bind parameters).
 *
 * @example
 * quoteIdent('public.order lines', true); // '"public"."order lines"'
 */
export function quoteIdent(name: string, qualified = false): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  const parts = qualified ? name.split('.') : [name];
  return parts.map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
}
