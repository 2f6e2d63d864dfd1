/**
 * A window of event or processing time, [start, end). Its last instant is `end - 1`.
 * The global window spans all time: start -Infinity, end +Infinity.
 *
 * @example
 * const w: TimeWindow = { start: 0, end: 60_000 };
 * maxTimestamp(w); // 59_999
 */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * The last timestamp that belongs to the window.
 *
 * @example
 * maxTimestamp({ start: 0, end: 60_000 }); // 59_999
 */
export function maxTimestamp(w: TimeWindow): number {
  return w.end - 1;
}

/**
 * The single window of GlobalWindows.
 *
 * @example
 * GLOBAL_WINDOW.end; // Infinity
 */
export const GLOBAL_WINDOW: TimeWindow = Object.freeze({ start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY });

/** Start of the window of length `slide` (aligned to `offset`) that contains `ts`. */
export function windowStart(ts: number, slide: number, offset: number): number {
  const r = (ts - offset) % slide;
  return ts - (r < 0 ? r + slide : r);
}

/** Greatest common divisor, for pane sizes of sliding windows. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
