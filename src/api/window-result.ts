import type { Key } from '../functions/key.ts';

/**
 * What count/sum/min/max/avg over a window emit: the key, the window bounds and the value.
 *
 * @example
 * // { key: '/home', start: 1700000040000, end: 1700000100000, value: 42 }
 * const r: WindowResult<string, number> = { key: '/home', start: 0, end: 60_000, value: 42 };
 */
export interface WindowResult<K extends Key, V> {
  readonly key: K;
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

/**
 * What rolling aggregations on a KeyedStream emit after every record.
 *
 * @example
 * keyed.sum((o) => o.amount); // DataStream<KeyedValue<string, number>>
 */
export interface KeyedValue<K extends Key, V> {
  readonly key: K;
  readonly value: V;
}
