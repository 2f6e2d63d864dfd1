/**
 * How `stream.asyncMap` calls an asynchronous function (a database lookup, an HTTP call).
 *
 * @example
 * stream.asyncMap((o) => prices.get(o.sku), { capacity: 64, timeoutMs: 2_000, retries: 2, backoffMs: 100 });
 */
export interface AsyncMapOptions {
  /** Most records held by the operator at once: in flight, backing off, or done and waiting for their turn. Default 100. */
  readonly capacity?: number;
  /** An attempt that has not settled after this long (processing time) fails with a timeout. Default 30 s. */
  readonly timeoutMs?: number;
  /** true (default): results leave in input order; false: as they complete (never across a watermark). */
  readonly ordered?: boolean;
  /** Further attempts after a failed or timed-out one. Default 0. */
  readonly retries?: number;
  /** Wait before the first retry; doubled for each further one. Default 100 ms. */
  readonly backoffMs?: number;
  /**
   * A record whose last attempt failed: 'dead-letter' (default) sends it to the DEAD_LETTERS side
   * output of this stream, counted in the operator's metrics, and the job goes on; 'fail' fails the job.
   */
  readonly onFailure?: 'dead-letter' | 'fail';
}

/** Options with every default filled in. */
export type ResolvedAsyncMapOptions = Required<AsyncMapOptions>;

/**
 * Fills in defaults and rejects impossible values, saying which.
 *
 * @example
 * resolveAsyncMapOptions({ capacity: 10 }).timeoutMs; // 30000
 */
export function resolveAsyncMapOptions(o: AsyncMapOptions = {}): ResolvedAsyncMapOptions {
  const r: ResolvedAsyncMapOptions = {
    capacity: o.capacity ?? 100,
    timeoutMs: o.timeoutMs ?? 30_000,
    ordered: o.ordered ?? true,
    retries: o.retries ?? 0,
    backoffMs: o.backoffMs ?? 100,
    onFailure: o.onFailure ?? 'dead-letter',
  };
  if (!Number.isInteger(r.capacity) || r.capacity < 1) throw new Error(`asyncMap: capacity must be an integer >= 1, got ${r.capacity}`);
  if (!(r.timeoutMs > 0)) throw new Error(`asyncMap: timeoutMs must be > 0, got ${r.timeoutMs}`);
  if (!Number.isInteger(r.retries) || r.retries < 0) throw new Error(`asyncMap: retries must be an integer >= 0, got ${r.retries}`);
  if (!(r.backoffMs >= 0)) throw new Error(`asyncMap: backoffMs must be >= 0, got ${r.backoffMs}`);
  if (r.onFailure !== 'dead-letter' && r.onFailure !== 'fail') throw new Error(`asyncMap: onFailure must be 'dead-letter' or 'fail', got '${String(r.onFailure)}'`);
  return Object.freeze(r);
}
