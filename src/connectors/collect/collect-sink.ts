import type { Sink, SinkWriter } from '../sink.ts';

/**
 * A sink that keeps everything it receives in memory, for tests and small jobs. Read `values`
 * (and `timestamps`) after `execute`.
 *
 * @example
 * const out = sinks.collect<WindowResult<string, number>>();
 * counts.sinkTo(out);
 * await env.execute();
 * console.log(out.values);
 */
export interface CollectSink<T> extends Sink<T> {
  readonly values: T[];
  readonly timestamps: number[];
}

/** The collect sink: `sinks.collect<T>()`. @example const out = collectSink<number>(); */
export function collectSink<T>(): CollectSink<T> {
  const values: T[] = [];
  const timestamps: number[] = [];
  const writer: SinkWriter<T> = {
    open: async () => {},
    write(vs, ts, n) {
      for (let i = 0; i < n; i++) {
        values.push(vs[i]);
        timestamps.push(ts[i]);
      }
    },
    backlog: 0,
    capacity: Number.POSITIVE_INFINITY,
    flush: async () => {},
    close: async () => {},
  };
  return { kind: 'collect', values, timestamps, describe: () => 'collect()', createWriter: () => writer };
}
