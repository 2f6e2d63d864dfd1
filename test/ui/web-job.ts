// A small unbounded job for the web tests: two generator splits whose event time follows the wall
// clock (split 1 runs 2 s behind, so it holds the watermark back), a keyed counter with state, a
// one-second window that drops one record in a hundred as late, and sinks that only count.
import {
  StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sources, type EnvironmentOptions, type KeyedProcessFunction, type Sink, type ValueState,
} from 'eddy';

export interface Ev { readonly user: string; readonly ts: number }

/** Event time of record 0 (a constant, so that `generate` stays a pure function of the index). */
const START = Date.now();

/** Record i at `rate` records per second: its event time is about when the generator emits it. */
export function generator(rate: number): (i: number) => Ev {
  return (i) => {
    const behind = i % 2 === 1 ? 2_000 : 0; // split 1 (odd records) trails split 0
    const late = i % 100 === 98 ? 30_000 : 0; // on split 0: half a minute old, so its window has closed
    return { user: `u${i % 5}`, ts: Math.floor(START + (i * 1_000) / rate) - behind - late };
  };
}

/** A sink that counts and keeps nothing (the job runs unbounded). */
export function countingSink<T>(): Sink<T> & { count: number } {
  const sink = {
    kind: 'counting', count: 0, describe: () => 'counting',
    createWriter: () => ({
      open: async () => {}, backlog: 0, capacity: Number.POSITIVE_INFINITY, flush: async () => {}, close: async () => {},
      write: (_v: readonly T[], _t: readonly number[], n: number) => void (sink.count += n),
    }),
  };
  return sink;
}

export function webJob(options: EnvironmentOptions, ratePerSecond = 2_000) {
  const env = StreamEnvironment.create({ log: () => {}, ...options });
  const events = env.fromSource(sources.generator({ ratePerSecond, splits: 2, generate: generator(ratePerSecond) }),
    WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'events');
  type Counter = KeyedProcessFunction<string, Ev, string> & { count: ValueState<number> };
  const counter: Counter = {
    count: undefined as never,
    open(ctx) {
      this.count = ctx.getState<number>('count');
    },
    processElement(e, _ctx, out) {
      const n = (this.count.value() ?? 0) + 1;
      this.count.update(n);
      if (n % 1_000 === 0) out.collect(`${e.user}:${n}`);
    },
  };
  events.keyBy((e) => e.user).process(counter).uid('counter').name('count per user').sinkTo(countingSink());
  events.keyBy((e) => e.user).window(TumblingEventTimeWindows.of(1_000)).count().name('per second').sinkTo(countingSink());
  return env;
}

/** The samples of a Prometheus text exposition: name{labels} -> value. */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample line: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Sum of the samples of one metric name (over all label sets). */
export function total(samples: Map<string, number>, name: string, filter = ''): number {
  let sum = 0;
  for (const [k, v] of samples) if ((k === name || k.startsWith(`${name}{`)) && k.includes(filter)) sum += v;
  return sum;
}

/** Polls `check` until it returns true (or fails after `ms`). */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
