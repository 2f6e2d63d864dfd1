import type { Key, Sink, SinkWriter, WindowResult } from 'eddy';

/**
 * Counts window results and folds them into an order-independent checksum (exact: every term is
 * an integer well below 2^53), so that Eddy and the hand loop can be compared result for result.
 *
 * @example
 * const t = new Tally();
 * t.add(7, 10_000, 3);
 */
export class Tally {
  results = 0;
  checksum = 0;

  add(key: Key, end: number, value: number): void {
    this.results++;
    this.checksum += value * (1 + (end % 1021)) + (typeof key === 'number' ? key : (key as string).length);
  }
}

/**
 * A sink that only counts (into a Tally), so the sink does not dominate the measurement.
 *
 * @example
 * counts.sinkTo(countingSink(tally));
 */
export function countingSink<K extends Key>(tally: Tally): Sink<WindowResult<K, number>> {
  const writer: SinkWriter<WindowResult<K, number>> = {
    open: async () => {},
    write(values, _times, length) {
      for (let i = 0; i < length; i++) {
        const r = values[i];
        tally.add(r.key, r.end, r.value);
      }
    },
    backlog: 0,
    capacity: Number.POSITIVE_INFINITY,
    flush: async () => {},
    close: async () => {},
  };
  return { kind: 'counting', describe: () => 'counting sink', createWriter: () => writer };
}
