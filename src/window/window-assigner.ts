import type { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';

/**
 * Puts each element into zero or more windows. Assigners are immutable descriptions; the window
 * operator does the work. Tumbling and sliding assigners are "aligned" (every key shares the same
 * window boundaries), which lets Eddy pre-aggregate into shared panes.
 *
 * @example
 * const a = TumblingEventTimeWindows.of(60_000);
 * const out: TimeWindow[] = [];
 * a.assignWindows(undefined, 61_000, out); // [{ start: 60_000, end: 120_000 }]
 */
export interface WindowAssigner<T> {
  readonly kind: 'tumbling' | 'sliding' | 'cumulative' | 'session' | 'global';
  /** Event time (watermarks) or processing time (the clock) decides when windows close. */
  readonly isEventTime: boolean;
  /** Session windows merge when they overlap. */
  readonly isMerging: boolean;
  /** For aligned assigners: window length, step and offset in ms. */
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  /** Appends the windows that `timestamp` (event or processing time) belongs to. */
  assignWindows(value: T, timestamp: number, out: TimeWindow[]): void;
  defaultTrigger(): Trigger<T>;
  describe(): string;
}
