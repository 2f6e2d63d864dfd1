import type { AggregateFunction } from '../functions/aggregate-function.ts';

/**
 * The aggregations behind WindowedStream.count/sum/min/max/avg. Accumulators of count, sum, min
 * and max are plain numbers, so the per-record path allocates nothing.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(60_000)).aggregate(Aggregates.sum((o: Order) => o.amount));
 */
export const Aggregates = Object.freeze({
  count<T>(): AggregateFunction<T, number, number> {
    return { createAccumulator: () => 0, add: (_v, a) => a + 1, getResult: (a) => a, merge: (a, b) => a + b };
  },
  sum<T>(field: (value: T) => number): AggregateFunction<T, number, number> {
    return { createAccumulator: () => 0, add: (v, a) => a + field(v), getResult: (a) => a, merge: (a, b) => a + b };
  },
  min<T>(field: (value: T) => number): AggregateFunction<T, number, number> {
    return {
      createAccumulator: () => Number.POSITIVE_INFINITY,
      add: (v, a) => Math.min(a, field(v)),
      getResult: (a) => a,
      merge: (a, b) => Math.min(a, b),
    };
  },
  max<T>(field: (value: T) => number): AggregateFunction<T, number, number> {
    return {
      createAccumulator: () => Number.NEGATIVE_INFINITY,
      add: (v, a) => Math.max(a, field(v)),
      getResult: (a) => a,
      merge: (a, b) => Math.max(a, b),
    };
  },
  avg<T>(field: (value: T) => number): AggregateFunction<T, { sum: number; count: number }, number> {
    return {
      createAccumulator: () => ({ sum: 0, count: 0 }),
      add: (v, a) => {
        a.sum += field(v);
        a.count += 1;
        return a;
      },
      getResult: (a) => (a.count === 0 ? Number.NaN : a.sum / a.count),
      merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
    };
  },
});
