import { type Clock, systemClock } from '../../time/clock.ts';
import { type OwnedPool, openPool, type PostgresConnection } from './postgres-connection.ts';

/**
 * A row as `pg` returns it (bigint and numeric come back as strings).
 *
 * @example
 * const price = Number((row as PostgresRow).price);
 */
export type PostgresRow = Record<string, unknown>;

/**
 * Options of `postgresLookup`.
 *
 * @example
 * { url, query: 'SELECT name, price FROM products WHERE id = $1', key: (o: Order) => o.productId, cache: { maxEntries: 10_000, ttlMs: 60_000 } }
 */
export interface PostgresLookupOptions<T, R> extends PostgresConnection {
  /** A parameterized query with one parameter, `$1`, bound to the key; the first row is the answer. */
  readonly query: string;
  readonly key: (value: T) => string | number | bigint;
  /** LRU cache of answers (misses included): size and time to live. Default 10,000 entries, 60 s; maxEntries 0 turns it off. */
  readonly cache?: { readonly maxEntries?: number; readonly ttlMs?: number };
  /** Clock of the cache's TTL (default the system clock; pass the test's ManualClock to drive it). */
  readonly clock?: Clock;
  /** What the lookup resolves to (default: the row, or null when there is none). */
  readonly join?: (value: T, row: PostgresRow | null) => R;
  /**
   * Batched misses: misses asked in the same turn go out as one query with an array parameter,
   * e.g. `SELECT * FROM products WHERE id = ANY($1)`; `keyColumn` says which column holds the key.
   */
  readonly batch?: { readonly query: string; readonly keyColumn: string; readonly maxKeys?: number };
  /** Connections of the pool it makes from `url` (default 4). */
  readonly maxConnections?: number;
}

/**
 * Cache and query counters of a lookup.
 *
 * @example
 * const { hits, misses } = lookup.stats;
 */
export interface LookupStats {
  hits: number;
  misses: number;
  /** Misses because the cached answer had outlived its TTL (also counted in misses). */
  expired: number;
  evictions: number;
  /** Queries sent (a batched query counts once). */
  queries: number;
}

/**
 * A lookup function for `asyncMap`, plus its counters and a way to release its connections.
 *
 * @example
 * const products = postgresLookup({ url, query: 'SELECT * FROM products WHERE id = $1', key: (o: Order) => o.productId });
 * orders.asyncMap(products, { capacity: 32 }); products.stats.hits;
 */
export interface PostgresLookup<T, R> {
  (value: T): Promise<R>;
  readonly stats: Readonly<LookupStats>;
  /** Ends the pool it made (not a pool you passed in). */
  close(): Promise<void>;
}

/**
 * Looks records up in PostgreSQL, for `stream.asyncMap`: a parameterized query per key (never
 * string-built SQL), an LRU cache with a size bound and a TTL on the injected clock, concurrent
 * misses for one key sharing one query, and optionally misses batched into `= ANY($1)` queries.
 *
 * @example
 * const lookup = postgresLookup({
 *   url: process.env.DATABASE_URL!, query: 'SELECT name, price FROM products WHERE id = $1',
 *   key: (o: Order) => o.productId, join: (o, p) => ({ ...o, product: p?.name ?? null }),
 * });
 * orders.asyncMap(lookup, { capacity: 32, timeoutMs: 2_000, retries: 2 });
 */
export function postgresLookup<T, R = PostgresRow | null>(options: PostgresLookupOptions<T, R>): PostgresLookup<T, R> {
  if (!/\$1\b/.test(options.query)) throw new Error(`postgresLookup: the query must use the key as the bind parameter $1: ${options.query}`);
  if (options.batch !== undefined && !/\$1\b/.test(options.batch.query)) throw new Error(`postgresLookup: batch.query must take the keys as the array parameter $1: ${options.batch.query}`);
  const maxEntries = options.cache?.maxEntries ?? 10_000;
  const ttlMs = options.cache?.ttlMs ?? 60_000;
  if (!(maxEntries >= 0) || !(ttlMs > 0)) throw new Error(`postgresLookup: cache.maxEntries must be >= 0 and cache.ttlMs > 0, got ${maxEntries} and ${ttlMs}`);
  const clock = options.clock ?? systemClock;
  const join = options.join ?? ((_v: T, row: PostgresRow | null) => row as R);
  const stats: LookupStats = { hits: 0, misses: 0, expired: 0, evictions: 0, queries: 0 };
  const cache = new Map<string, { row: PostgresRow | null; expires: number }>();
  const pending = new Map<string, Promise<PostgresRow | null>>();
  let owned: OwnedPool | null = null;
  const pool = () => (owned ??= openPool(options, 'postgresLookup', options.maxConnections ?? 4)).pool;

  let batchKeys: { id: string; key: unknown; resolve: (r: PostgresRow | null) => void; reject: (e: unknown) => void }[] = [];
  const sendBatch = () => {
    const b = options.batch!;
    const keys = batchKeys;
    batchKeys = [];
    const max = b.maxKeys ?? 500;
    for (let i = 0; i < keys.length; i += max) {
      const part = keys.slice(i, i + max);
      stats.queries++;
      pool().query(b.query, [part.map((k) => k.key)]).then(({ rows }) => {
        const byKey = new Map<string, PostgresRow>();
        for (const row of rows) {
          const id = String(row[b.keyColumn]);
          if (!byKey.has(id)) byKey.set(id, row);
        }
        for (const k of part) k.resolve(byKey.get(k.id) ?? null);
      }, (e: unknown) => {
        for (const k of part) k.reject(e);
      });
    }
  };

  const fetchRow = (id: string, key: unknown): Promise<PostgresRow | null> => {
    if (options.batch !== undefined) {
      return new Promise((resolve, reject) => {
        if (batchKeys.length === 0) queueMicrotask(sendBatch);
        batchKeys.push({ id, key, resolve, reject });
      });
    }
    stats.queries++;
    return pool().query(options.query, [key]).then(({ rows }) => rows[0] ?? null);
  };

  const lookup = async (value: T): Promise<R> => {
    const raw = options.key(value);
    const key = typeof raw === 'bigint' ? raw.toString() : raw;
    const id = String(key);
    if (maxEntries > 0) {
      const hit = cache.get(id);
      if (hit !== undefined) {
        if (hit.expires > clock.now()) {
          stats.hits++;
          cache.delete(id); // most recently used goes last
          cache.set(id, hit);
          return join(value, hit.row);
        }
        cache.delete(id);
        stats.expired++;
      }
    }
    stats.misses++;
    let p = pending.get(id);
    if (p === undefined) {
      p = fetchRow(id, key).finally(() => pending.delete(id));
      pending.set(id, p);
    }
    let row: PostgresRow | null;
    try {
      row = await p;
    } catch (e) {
      throw new Error(`postgresLookup: query for key ${id} failed: ${(e as Error).message}`, { cause: e });
    }
    if (maxEntries > 0) {
      cache.set(id, { row, expires: clock.now() + ttlMs });
      if (cache.size > maxEntries) {
        cache.delete(cache.keys().next().value!);
        stats.evictions++;
      }
    }
    return join(value, row);
  };
  return Object.assign(lookup, {
    stats,
    close: async () => {
      const o = owned;
      owned = null;
      await o?.release();
    },
  });
}
