import type { Key } from '../../state/key.ts';
import type { TimeWindow } from '../../window/time-window.ts';

/**
 * The contents of one (key, window) in the generic window operator: an accumulator, or the
 * elements themselves when the window function needs them all (process) or an evictor runs.
 */
export interface WindowState {
  readonly key: Key;
  window: TimeWindow;
  acc: unknown;
  elements: unknown[] | null;
  times: number[] | null;
  /** Whether anything was added since the last purge. */
  hasContents: boolean;
  triggerState: unknown;
  /** Event-time and processing-time timers this window has registered (few: deduplicated). */
  etTimers: number[];
  ptTimers: number[];
  /** Highest element timestamp (the output time of a global window). */
  maxTs: number;
  live: boolean;
}

/** A fresh window state. */
export function windowState(key: Key, window: TimeWindow, keepElements: boolean): WindowState {
  return {
    key, window, acc: undefined, elements: keepElements ? [] : null, times: keepElements ? [] : null,
    hasContents: false, triggerState: undefined, etTimers: [], ptTimers: [], maxTs: Number.NEGATIVE_INFINITY, live: true,
  };
}
