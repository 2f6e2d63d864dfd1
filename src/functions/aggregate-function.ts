/**
 * An incremental aggregation: Flink's AggregateFunction. `add` may mutate and return the
 * accumulator or return a new one; `merge` combines two partial results (needed for session
 * windows and for the shared panes of sliding windows).
 *
 * @example
 * const average: AggregateFunction<number, { sum: number; n: number }, number> = {
 *   createAccumulator: () => ({ sum: 0, n: 0 }),
 *   add: (v, a) => { a.sum += v; a.n += 1; return a; },
 *   getResult: (a) => a.sum / a.n,
 *   merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
 * };
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

/**
 * Combines two values of the same type.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(60_000)).reduce((a, b) => (a.amount > b.amount ? a : b));
 */
export type ReduceFunction<T> = (a: T, b: T) => T;
