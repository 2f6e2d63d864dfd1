/**
 * The CEP benchmark's events and patterns, the same as the Flink peer's (bench/peers/flink,
 * eddy.bench.cep.BenchEvent and CepBench): event i is a pure function of i.
 */
import { Pattern, type PatternBuilder } from 'eddy';

/** One event: its key, its kind (0: A 10%, 1-3: B 30%, 4: C 10%, 5-9: other), its time (ms). */
export interface BenchEvent {
  readonly key: number;
  readonly kind: number;
  readonly ts: number;
}

/** A 32-bit integer hash, bit for bit the Java side's. @example mix(1); */
export function mix(i: number): number {
  let x = i | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x;
}

/** Event i of a run over `keys` keys. @example benchEvent(0, 100_000); */
export function benchEvent(i: number, keys: number): BenchEvent {
  const h = mix(i);
  return { key: (h >>> 0) % keys, kind: ((h >>> 24) & 0xff) % 10, ts: i };
}

/** Five minutes of event time: at one event per ms and 100,000 keys, about three events per key. */
export const WITHIN_MS = 300_000;

const isA = (e: BenchEvent) => e.kind === 0;
const isB = (e: BenchEvent) => e.kind >= 1 && e.kind <= 3;
const isC = (e: BenchEvent) => e.kind === 4;
const P = Pattern.of<BenchEvent>();

/** The three patterns: a strict sequence, a relaxed sequence with a loop and within, an absence. */
export const BENCH_PATTERNS: Record<string, PatternBuilder<BenchEvent, any>> = {
  'strict': P.begin('a').where(isA).next('b').where(isB).next('c').where(isC),
  'loop-within': P.begin('a').where(isA).followedBy('b').where(isB).oneOrMore().followedBy('c').where(isC).within(WITHIN_MS),
  'absence': P.begin('a').where(isA).notFollowedBy('b').where(isB).within(WITHIN_MS),
};
