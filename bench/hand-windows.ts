import type { Key } from 'eddy';
import { type BenchEvent, OUT_OF_ORDERNESS_MS } from './events.ts';
import type { RunInfo } from './eddy-windows.ts';
import type { Tally } from './tally.ts';

/**
 * The hand-written baselines: the same events, the same watermark (highest timestamp - 1 000 - 1,
 * taken after every 1 024 records, which is Eddy's batch size and watermark cadence), the same
 * firing rule (a window [start, end) fires once the watermark reaches end - 1, everything fires at
 * the end of input), the same late-record rule, and results counted into the same Tally. Written
 * the way a careful engineer would without a framework: one Map of key -> accumulator per window
 * (or pane), the current one cached, no result objects.
 */
const WATERMARK_EVERY = 1024;

/**
 * Keyed tumbling-window count by hand. Event times are >= 0, so `ts % size` is the offset in its
 * window.
 *
 * @example
 * handTumblingCount(1_000_000, numericEvent, 10_000, new Tally());
 */
export function handTumblingCount<K extends Key>(events: number, make: (i: number) => BenchEvent<K>, size: number, tally: Tally): RunInfo {
  const windows = new Map<number, Map<K, number>>();
  let curStart = Number.NaN;
  let cur = new Map<K, number>();
  let maxTs = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  let late = 0;
  for (let i = 0; i < events; i++) {
    const e = make(i);
    const ts = e.ts;
    if (ts > maxTs) maxTs = ts;
    const start = ts - (ts % size);
    if (start + size - 1 <= wm) {
      late++;
    } else {
      if (start !== curStart) {
        let w = windows.get(start);
        if (w === undefined) {
          w = new Map();
          windows.set(start, w);
        }
        cur = w;
        curStart = start;
      }
      const k = e.key;
      const c = cur.get(k);
      cur.set(k, c === undefined ? 1 : c + 1);
    }
    if ((i + 1) % WATERMARK_EVERY === 0 && maxTs - OUT_OF_ORDERNESS_MS - 1 > wm) {
      wm = maxTs - OUT_OF_ORDERNESS_MS - 1;
      fireTumbling(windows, size, wm, tally);
      curStart = Number.NaN;
    }
  }
  fireTumbling(windows, size, Number.POSITIVE_INFINITY, tally);
  return { late };
}

function fireTumbling<K extends Key>(windows: Map<number, Map<K, number>>, size: number, wm: number, tally: Tally): void {
  for (const [start, counts] of windows) {
    const end = start + size;
    if (end - 1 > wm) continue;
    for (const [k, c] of counts) tally.add(k, end, c);
    windows.delete(start);
  }
}

/**
 * Keyed sliding-window sum by hand, pre-aggregated in panes of `slide` (size must be a multiple of
 * slide): each record updates one pane, and a window's result is the sum of its size/slide panes.
 *
 * @example
 * handSlidingSum(1_000_000, numericEvent, 60_000, 10_000, new Tally());
 */
export function handSlidingSum<K extends Key>(
  events: number, make: (i: number) => BenchEvent<K>, size: number, slide: number, tally: Tally,
): RunInfo {
  if (size % slide !== 0) throw new Error(`handSlidingSum needs size (${size}) to be a multiple of slide (${slide})`);
  const s: SlidingState<K> = { panes: new Map(), merged: new Map(), nextEnd: Number.POSITIVE_INFINITY, firedUpTo: Number.NEGATIVE_INFINITY };
  const panes = s.panes;
  let curStart = Number.NaN;
  let cur = new Map<K, number>();
  let maxTs = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  let late = 0;
  for (let i = 0; i < events; i++) {
    const e = make(i);
    const ts = e.ts;
    if (ts > maxTs) maxTs = ts;
    const ps = ts - (ts % slide);
    // The last window holding ts is [ps + slide - size, ps + slide); once it fired, ts is late.
    if (ps + size - 1 <= wm) {
      late++;
    } else {
      if (ps !== curStart) {
        let p = panes.get(ps);
        if (p === undefined) {
          p = new Map();
          panes.set(ps, p);
          const firstEnd = Math.max(ps + slide, s.firedUpTo + slide);
          if (firstEnd < s.nextEnd) s.nextEnd = firstEnd;
        }
        cur = p;
        curStart = ps;
      }
      const k = e.key;
      const acc = cur.get(k);
      cur.set(k, acc === undefined ? e.value : acc + e.value);
    }
    if ((i + 1) % WATERMARK_EVERY === 0 && maxTs - OUT_OF_ORDERNESS_MS - 1 > wm) {
      wm = maxTs - OUT_OF_ORDERNESS_MS - 1;
      fireSliding(s, size, slide, wm, tally);
      curStart = Number.NaN;
    }
  }
  fireSliding(s, size, slide, Number.POSITIVE_INFINITY, tally);
  return { late };
}

interface SlidingState<K> {
  readonly panes: Map<number, Map<K, number>>;
  /** Reused for every firing. */
  readonly merged: Map<K, number>;
  /** End of the earliest window that has not fired and may hold data. */
  nextEnd: number;
  firedUpTo: number;
}

function fireSliding<K extends Key>(s: SlidingState<K>, size: number, slide: number, wm: number, tally: Tally): void {
  const { panes, merged } = s;
  while (panes.size > 0 && s.nextEnd - 1 <= wm) {
    const end = s.nextEnd;
    merged.clear();
    for (let p = end - size; p < end; p += slide) {
      const pane = panes.get(p);
      if (pane === undefined) continue;
      for (const [k, v] of pane) {
        const prev = merged.get(k);
        merged.set(k, prev === undefined ? v : prev + v);
      }
    }
    for (const [k, v] of merged) tally.add(k, end, v);
    // Pane end - size has now been in its last window.
    panes.delete(end - size);
    s.firedUpTo = end;
    s.nextEnd = panes.size > 0 ? end + slide : Number.POSITIVE_INFINITY;
  }
}
