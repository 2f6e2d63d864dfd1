import { CEP, StreamEnvironment, WatermarkStrategy, sources, sinks, type PatternBuilder, type StageMap, type AfterMatchSkipStrategy } from '../../src/index.ts';
import { StreamTestDriver } from '../../src/testing/index.ts';

/** A test event: an id (what matches print), a kind the conditions look at, a timestamp, a key. */
export interface Ev {
  readonly id: string;
  readonly kind: string;
  readonly ts: number;
  readonly key: string;
  readonly value: number;
}

/** Events of one key from a string like "a b1 d1 b2 c": kind is the id's letters, ts 1, 2, 3, ... */
export function events(spec: string, key = 'k', start = 1, step = 1): Ev[] {
  return spec.split(/\s+/).filter(Boolean).map((id, i) => ({ id, kind: id.replace(/[0-9]+$/, ''), ts: start + i * step, key, value: Number(id.match(/[0-9]+$/)?.[0] ?? 0) }));
}

/** A match as text: stages in pattern order, events by id: "a:a|b:b1,b2|c:c". */
export function show(match: Record<string, readonly Ev[]>): string {
  return Object.entries(match).filter(([, v]) => v.length > 0).map(([k, v]) => `${k}:${v.map((e) => e.id).join(',')}`).join('|');
}

export interface RunResult {
  readonly matches: string[];
  readonly timestamps: number[];
  readonly timedOut: string[];
}

/**
 * Runs a pattern over events (pushed in the given order, watermark following `lag` behind the
 * largest timestamp, then the end of input) in the test driver, keyed by `key`.
 */
export function runPattern<S extends StageMap>(
  pattern: PatternBuilder<Ev, S>,
  input: readonly Ev[],
  options: { skip?: AfterMatchSkipStrategy<keyof S & string>; lag?: number; timeouts?: boolean; keyed?: boolean } = {},
): RunResult {
  const env = StreamEnvironment.create({ log: () => {} });
  const lag = options.lag ?? 0;
  const src = env.fromSource(sources.collection<Ev>([]), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(lag).withTimestampAssigner((e) => e.ts), 'events');
  const stream = options.keyed === false ? src : src.keyBy((e) => e.key);
  const timedOut: string[] = [];
  const out = CEP.pattern(stream, pattern, { skip: options.skip }).process<string>({
    processMatch(match, _ctx, o) { o.collect(show(match as Record<string, readonly Ev[]>)); },
    ...(options.timeouts ? { processTimedOutMatch(match: unknown) { timedOut.push(show(match as Record<string, readonly Ev[]>)); } } : {}),
  });
  out.sinkTo(sinks.collect<string>());
  const driver = StreamTestDriver.create(env);
  const o = driver.output(out);
  const inp = driver.input<Ev>('events');
  for (const e of input) inp.push(e);
  driver.endInput();
  return { matches: o.values, timestamps: o.timestamps, timedOut };
}
