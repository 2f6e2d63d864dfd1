import type { Key } from './key.ts';
import type { AggregateFunction, ReduceFunction } from './aggregate-function.ts';
import type { Collector } from './collector.ts';
import type { OutputTag } from './output-tag.ts';
import type {
  AggregatingState, ListState, MapState, ReducingState, StateOptions, ValueState,
} from './state-types.ts';

/**
 * What every process function can ask about the record in hand.
 *
 * @example
 * processElement(v, ctx, out) { if (ctx.timestamp() < ctx.currentWatermark()) ctx.output(lateTag, v); else out.collect(v); }
 */
export interface ProcessContext {
  /** Event timestamp of the current record. */
  timestamp(): number;
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** Emits to a side output. */
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * A low-level function over each record, with side outputs.
 *
 * @example
 * const errors = new OutputTag<Order>('bad-orders');
 * stream.process<Order>({
 *   processElement(o, ctx, out) { if (o.amount < 0) ctx.output(errors, o); else out.collect(o); },
 * });
 */
export interface ProcessFunction<I, O> {
  open?(ctx: RuntimeContext): void;
  processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
  close?(): void;
}

/**
 * Sets and deletes timers for the current key.
 *
 * @example
 * ctx.timerService().registerProcessingTimeTimer(ctx.currentProcessingTime() + 60_000);
 */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/**
 * The context of a keyed process function: the current key and its timers.
 *
 * @example
 * processElement(e, ctx, out) { out.collect(`${ctx.getCurrentKey()} at ${ctx.timestamp()}`); }
 */
export interface KeyedContext<K extends Key> extends ProcessContext {
  getCurrentKey(): K;
  timerService(): TimerService;
}

/**
 * The context of `onTimer`: which clock fired.
 *
 * @example
 * onTimer(ts, ctx, out) { if (ctx.timeDomain() === 'event-time') out.collect({ key: ctx.getCurrentKey(), ts }); }
 */
export interface OnTimerContext<K extends Key> extends KeyedContext<K> {
  timeDomain(): 'event-time' | 'processing-time';
}

/**
 * What a function sees when it opens: its name and, on keyed streams, its keyed state.
 *
 * @example
 * open(ctx) { console.log(`opening ${ctx.operatorName}`); }
 */
export interface RuntimeContext {
  readonly operatorName: string;
}

/**
 * Keyed state declared in `open`. Each handle reads and writes the current key's value.
 *
 * @example
 * open(ctx) { this.count = ctx.getState<number>('count', { ttl: { ttlMs: 3_600_000 } }); }
 */
export interface KeyedRuntimeContext extends RuntimeContext {
  getState<T>(name: string, options?: StateOptions): ValueState<T>;
  getListState<T>(name: string, options?: StateOptions): ListState<T>;
  getMapState<UK, UV>(name: string, options?: StateOptions): MapState<UK, UV>;
  getReducingState<T>(name: string, reduce: ReduceFunction<T>, options?: StateOptions): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(name: string, agg: AggregateFunction<IN, ACC, OUT>, options?: StateOptions): AggregatingState<IN, OUT>;
}

/**
 * A function over a keyed stream with keyed state and timers (Flink's KeyedProcessFunction).
 * Each task gets an instance of its own (a scale-out job runs one task per partition, a restart
 * a new one): the first runs the object you built, the others a copy of it as it was built, with
 * data fields (arrays, plain objects, Map, Set, Date) copied deeply and anything else (functions,
 * clients, pools) shared. Keep per-task things in fields set in `open`, and connect there.
 *
 * @example
 * keyed.process<Alert>({
 *   open(ctx) { this.last = ctx.getState<number>('last'); },
 *   processElement(e, ctx, out) {
 *     this.last.update(ctx.timestamp());
 *     ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 60_000);
 *   },
 *   onTimer(ts, ctx, out) {
 *     if (this.last.value()! + 60_000 === ts) out.collect({ user: ctx.getCurrentKey(), idleSince: ts });
 *   },
 * } as KeyedProcessFunction<string, Event, Alert> & { last: ValueState<number> });
 */
export interface KeyedProcessFunction<K extends Key, I, O> {
  open?(ctx: KeyedRuntimeContext): void;
  processElement(value: I, ctx: KeyedContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<O>): void;
  close?(): void;
}
