/**
 * The benchmark's input: event number i, as a pure function of i, so Eddy's generator source and
 * the hand loop see exactly the same events without anything being materialized.
 *
 * Event time is EPOCH_MS + i ms plus a jitter in [0, 500) ms, so records arrive out of order by less than the
 * 1 000 ms the watermark strategy allows: no record is ever late, whatever the watermark cadence.
 *
 * @example
 * numericEvent(0); // { key: 8722, ts: 1_704_067_200_163, value: 42 } (for instance)
 */
export interface BenchEvent<K> {
  readonly key: K;
  readonly ts: number;
  readonly value: number;
}

/** Distinct keys. */
export const KEYS = 10_000;
/** Event time of record i is i + jitter, jitter in [0, MAX_JITTER_MS). */
export const MAX_JITTER_MS = 500;
/**
 * Event time of record 0: 2024-01-01T00:00:00Z, a multiple of every window size used. Real event
 * times are epoch milliseconds, beyond 32-bit integers, so V8 does their arithmetic (window starts
 * are `ts % slide`) in floating point; small times would let the hand loop use integer arithmetic
 * that no real job gets.
 */
export const EPOCH_MS = 1_704_067_200_000;
/** What the watermark strategy allows (forBoundedOutOfOrderness). */
export const OUT_OF_ORDERNESS_MS = 1_000;

/** A 32-bit integer hash (lowbias32): cheap, and spreads consecutive i over keys and jitter. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Event i with a numeric key in [0, KEYS). */
export function numericEvent(i: number): BenchEvent<number> {
  const h = mix32(i);
  return { key: h % KEYS, ts: EPOCH_MS + i + ((h >>> 16) % MAX_JITTER_MS), value: Math.imul(h, 0x9e3779b1) >>> 25 };
}

/** The same event with the key as a fresh string 'k' + n (as a parsed record would carry it). */
export function stringEvent(i: number): BenchEvent<string> {
  const h = mix32(i);
  return { key: 'k' + (h % KEYS), ts: EPOCH_MS + i + ((h >>> 16) % MAX_JITTER_MS), value: Math.imul(h, 0x9e3779b1) >>> 25 };
}
