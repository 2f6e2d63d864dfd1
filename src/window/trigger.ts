import type { TimeWindow } from './time-window.ts';

/**
 * What a trigger decides for a window. FIRE emits the window's current result; PURGE drops its
 * contents; FIRE_AND_PURGE does both.
 *
 * @example
 * onElement: () => TriggerResult.FIRE_AND_PURGE,
 */
export const TriggerResult = Object.freeze({ CONTINUE: 0, FIRE: 1, PURGE: 2, FIRE_AND_PURGE: 3 } as const);
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/**
 * What a trigger may do: set timers for its window and keep one value of state per window.
 *
 * @example
 * onElement(_v, _ts, w, ctx) { ctx.registerEventTimeTimer(w.end - 1); return TriggerResult.CONTINUE; }
 */
export interface TriggerContext {
  readonly currentWatermark: number;
  readonly currentProcessingTime: number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** This trigger's state for the current key and window (undefined at first). */
  getState<S>(): S | undefined;
  setState<S>(value: S | undefined): void;
  /** While merging session windows: the states of the windows being merged. */
  readonly mergedStates: readonly unknown[];
}

/**
 * Decides when a window emits. Stateless triggers are shared; per-window state goes through the context.
 *
 * @example
 * const everySecondElement: Trigger<unknown> = {
 *   onElement(_v, _ts, _w, ctx) {
 *     const n = (ctx.getState<number>() ?? 0) + 1;
 *     ctx.setState(n % 2);
 *     return n === 2 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
 *   },
 *   onEventTime: () => TriggerResult.CONTINUE,
 *   onProcessingTime: () => TriggerResult.CONTINUE,
 *   clear: () => {},
 *   describe: () => 'EverySecond',
 * };
 */
export interface Trigger<T> {
  onElement(value: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** Called when session windows merge; the default keeps nothing. */
  onMerge?(window: TimeWindow, ctx: TriggerContext): void;
  clear(window: TimeWindow, ctx: TriggerContext): void;
  describe(): string;
  /** True for the plain event-time trigger, which lets aligned windows take the pane fast path. */
  readonly isDefaultEventTime?: boolean;
}
