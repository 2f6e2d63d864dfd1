import type { Key } from './key.ts';
import type { Collector } from './collector.ts';
import type { KeyedContext, KeyedRuntimeContext, OnTimerContext, ProcessContext } from './process-function.ts';

/**
 * Names a broadcast state (a map from BK to BV) and fixes its types; the same descriptor reads it on
 * the keyed side and writes it on the broadcast side.
 *
 * @example
 * const THRESHOLDS = new BroadcastStateDescriptor<string, number>('thresholds');
 */
export class BroadcastStateDescriptor<BK, BV> {
  /** Type carriers only; never set. */
  declare readonly keyType?: BK;
  declare readonly valueType?: BV;
  constructor(readonly name: string) {
    if (name === '') throw new Error('a broadcast state needs a non-empty name');
  }
}

/**
 * Broadcast state as the keyed side sees it: read only, the same for every key.
 *
 * @example
 * const limit = ctx.getBroadcastState(THRESHOLDS).get(reading.sensor) ?? DEFAULT_LIMIT;
 */
export interface ReadOnlyBroadcastState<BK, BV> {
  get(key: BK): BV | undefined;
  contains(key: BK): boolean;
  entries(): IterableIterator<[BK, BV]>;
  keys(): IterableIterator<BK>;
  values(): IterableIterator<BV>;
  readonly size: number;
}

/**
 * Broadcast state as the broadcast side sees it: read-write. Values must be plain data (they are
 * checkpointed).
 *
 * @example
 * ctx.getBroadcastState(THRESHOLDS).put(rule.sensor, rule.limit);
 */
export interface BroadcastState<BK, BV> extends ReadOnlyBroadcastState<BK, BV> {
  put(key: BK, value: BV): void;
  remove(key: BK): void;
  clear(): void;
}

/**
 * The context of `processElement` on the keyed side: the key, its timers, and read-only broadcast state.
 *
 * @example
 * processElement(r, ctx, out) { if (r.value > (ctx.getBroadcastState(THRESHOLDS).get('*') ?? 100)) out.collect(r); }
 */
export interface ReadOnlyBroadcastContext<K extends Key> extends KeyedContext<K> {
  getBroadcastState<BK, BV>(descriptor: BroadcastStateDescriptor<BK, BV>): ReadOnlyBroadcastState<BK, BV>;
}

/**
 * The context of `onTimer` in a KeyedBroadcastProcessFunction.
 *
 * @example
 * onTimer(ts, ctx, out) { out.collect({ key: ctx.getCurrentKey(), limit: ctx.getBroadcastState(THRESHOLDS).get('*') }); }
 */
export interface ReadOnlyBroadcastOnTimerContext<K extends Key> extends OnTimerContext<K>, ReadOnlyBroadcastContext<K> {}

/**
 * The context of `processBroadcastElement`: read-write broadcast state; no key (a broadcast
 * element concerns every key).
 *
 * @example
 * processBroadcastElement(rule, ctx) { ctx.getBroadcastState(THRESHOLDS).put(rule.sensor, rule.limit); }
 */
export interface BroadcastContext extends ProcessContext {
  getBroadcastState<BK, BV>(descriptor: BroadcastStateDescriptor<BK, BV>): BroadcastState<BK, BV>;
}

/**
 * Processes a keyed stream together with a broadcast stream (Flink's KeyedBroadcastProcessFunction).
 * Every broadcast element reaches `processBroadcastElement` once and may change the broadcast state;
 * the keyed side reads that state and has its own keyed state and timers. Broadcast elements and
 * keyed elements are seen in arrival order: a rule applies to the keyed records that arrive after it.
 *
 * @example
 * readings.keyBy((r) => r.sensor).connect(rules.broadcast()).process<Alert>({
 *   processElement(r, ctx, out) {
 *     const limit = ctx.getBroadcastState(THRESHOLDS).get(r.sensor);
 *     if (limit !== undefined && r.value > limit) out.collect({ sensor: r.sensor, value: r.value, limit });
 *   },
 *   processBroadcastElement(rule, ctx) { ctx.getBroadcastState(THRESHOLDS).put(rule.sensor, rule.limit); },
 * });
 */
export interface KeyedBroadcastProcessFunction<K extends Key, I, B, O> {
  open?(ctx: KeyedRuntimeContext): void;
  processElement(value: I, ctx: ReadOnlyBroadcastContext<K>, out: Collector<O>): void;
  processBroadcastElement(value: B, ctx: BroadcastContext, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: ReadOnlyBroadcastOnTimerContext<K>, out: Collector<O>): void;
  close?(): void;
}
