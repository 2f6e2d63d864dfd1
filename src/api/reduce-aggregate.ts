import type { AggregateFunction, ReduceFunction } from '../functions/aggregate-function.ts';

/**
 * A reduce function as an AggregateFunction whose accumulator is the running value (undefined
 * before the first element), so windows and rolling aggregates need one code path.
 *
 * @example
 * reduceAggregate((a: number, b: number) => a + b).add(2, undefined); // 2
 */
export function reduceAggregate<T>(fn: ReduceFunction<T>): AggregateFunction<T, T | undefined, T> {
  return {
    createAccumulator: () => undefined,
    add: (v, acc) => (acc === undefined ? v : fn(acc, v)),
    getResult: (acc) => acc as T,
    merge: (a, b) => (a === undefined ? b : b === undefined ? a : fn(a, b)),
  };
}
