import type { Key } from '../../functions/key.ts';
import type { TimeWindow } from '../../window/time-window.ts';

/**
 * One (key, window) of the generic window operator: its contents (an accumulator, or the elements
 * themselves when the window function needs them all (process) or an evictor runs), trigger state
 * and timers. With an on-disk state backend the contents live in it under `slot`, and are loaded
 * into `acc`/`elements`/`times` only while the operator works on the window.
 */
export interface WindowState {
  readonly key: Key;
  /** Key of the contents in the backend's contents table; -1 when they live here. */
  slot: number;
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
export function windowState(key: Key, window: TimeWindow, keepElements: boolean, slot = -1): WindowState {
  return {
    key, slot, window, acc: undefined, elements: keepElements ? [] : null, times: keepElements ? [] : null,
    hasContents: false, triggerState: undefined, etTimers: [], ptTimers: [], maxTs: Number.NEGATIVE_INFINITY, live: true,
  };
}
