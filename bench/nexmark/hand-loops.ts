import { nexmarkConfig, nexmarkEvent, type NexmarkConfig } from '../../src/connectors/nexmark/index.ts';
import type { Bid } from 'eddy';

/*
 * Nexmark queries written by hand as plain loops over the generator: the speed limit of the
 * runtime, since Eddy's versions do the same work (the same generator calls, the same result
 * records, the same watermark: 4 s behind the highest event time, checked every 1,024 events)
 * plus the runtime's own. Windows fire on the watermark as Eddy's do, so the results are the same.
 */

/** Eddy's source batch size: the watermark moves once per batch. */
const BATCH = 1024;
/** Flink's Nexmark DDL: dateTime - 4 s; a window [s, e) fires once watermark >= e - 1. */
const DELAY_MS = 4000;

/** Where results go: a ring the loop writes into, so building them cannot be optimized away. */
const sinkRing: unknown[] = new Array<unknown>(BATCH);

/**
 * A hand-written query: runs over events 0 .. events - 1 and returns how many results it made.
 *
 * @example
 * const results = HAND_LOOPS.q5(nexmarkConfig(), 1_000_000);
 */
export type HandLoop = (config: NexmarkConfig, events: number) => number;

function q0(config: NexmarkConfig, events: number): number {
  let results = 0;
  for (let n = 0; n < events; n++) {
    const e = nexmarkEvent(config, n);
    if (e.type === 2) sinkRing[results++ & (BATCH - 1)] = e.bid;
  }
  return results;
}

function q1(config: NexmarkConfig, events: number): number {
  let results = 0;
  for (let n = 0; n < events; n++) {
    const e = nexmarkEvent(config, n);
    if (e.type !== 2) continue;
    const b = e.bid;
    sinkRing[results++ & (BATCH - 1)] = { auction: b.auction, bidder: b.bidder, price: (b.price * 908) / 1000, dateTime: b.dateTime, extra: b.extra };
  }
  return results;
}

function q2(config: NexmarkConfig, events: number): number {
  let results = 0;
  for (let n = 0; n < events; n++) {
    const e = nexmarkEvent(config, n);
    if (e.type === 2 && e.bid.auction % 123 === 0) sinkRing[results++ & (BATCH - 1)] = { auction: e.bid.auction, price: e.bid.price };
  }
  return results;
}

/** q5: bids per auction in panes of 2 s; a 10 s window merges its five panes, keeps the maximum. */
function q5(config: NexmarkConfig, events: number): number {
  const PANE = 2000;
  const SIZE = 10_000;
  const panes = new Map<number, Map<number, number>>();
  const merged = new Map<number, number>();
  let results = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  let nextEnd = Number.NaN; // the end of the next window to fire
  let curStart = Number.NaN;
  let cur: Map<number, number> | undefined;

  const fire = (end: number): void => {
    merged.clear();
    for (let p = end - SIZE; p < end; p += PANE) {
      const pane = panes.get(p);
      if (pane !== undefined) for (const [a, c] of pane) merged.set(a, (merged.get(a) ?? 0) + c);
    }
    panes.delete(end - SIZE);
    if (merged.size === 0) return;
    let max = 0;
    for (const c of merged.values()) if (c > max) max = c;
    for (const [auction, c] of merged) if (c >= max) sinkRing[results++ & (BATCH - 1)] = { auction, num: c, starttime: end - SIZE, endtime: end };
  };

  for (let n = 0; n < events; n++) {
    const e = nexmarkEvent(config, n);
    if (e.type === 2) {
      const b: Bid = e.bid;
      const ts = b.dateTime;
      if (ts > maxTs) maxTs = ts;
      const start = ts - (ts % PANE);
      if (start !== curStart) {
        cur = panes.get(start);
        if (cur === undefined) panes.set(start, (cur = new Map()));
        curStart = start;
        if (!(nextEnd <= start + PANE)) nextEnd = start + PANE;
      }
      cur!.set(b.auction, (cur!.get(b.auction) ?? 0) + 1);
    }
    if ((n + 1) % BATCH === 0) {
      const wm = maxTs - DELAY_MS - 1;
      for (; nextEnd - 1 <= wm; nextEnd += PANE) fire(nextEnd);
    }
  }
  for (; panes.size > 0; nextEnd += PANE) fire(nextEnd);
  return results;
}

/**
 * q7: the bids at the highest price of each 10 s window, the window's range taken as the
 * reference's `dateTime BETWEEN end - 10 s AND end` (both ends included, so a bid at exactly the
 * end, the next window's first millisecond, also matches). Per window: its maximum, how many bids
 * reached it, and the prices of the bids in its first millisecond.
 */
function q7(config: NexmarkConfig, events: number): number {
  const SIZE = 10_000;
  interface Win { max: number; atMax: Bid[]; firstMs: Bid[] }
  const windows = new Map<number, Win>();
  let results = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  let nextEnd = Number.NaN;
  let curStart = Number.NaN;
  let cur: Win | undefined;

  const fire = (end: number): void => {
    const w = windows.get(end - SIZE);
    if (w === undefined) return;
    windows.delete(end - SIZE);
    for (const b of w.atMax) sinkRing[results++ & (BATCH - 1)] = { auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra };
    const next = windows.get(end);
    if (next !== undefined) {
      for (const b of next.firstMs) {
        if (b.price === w.max) sinkRing[results++ & (BATCH - 1)] = { auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra };
      }
    }
  };

  for (let n = 0; n < events; n++) {
    const e = nexmarkEvent(config, n);
    if (e.type === 2) {
      const b = e.bid;
      const ts = b.dateTime;
      if (ts > maxTs) maxTs = ts;
      const start = ts - (ts % SIZE);
      if (start !== curStart) {
        cur = windows.get(start);
        if (cur === undefined) windows.set(start, (cur = { max: Number.NEGATIVE_INFINITY, atMax: [], firstMs: [] }));
        curStart = start;
        if (!(nextEnd <= start + SIZE)) nextEnd = start + SIZE;
      }
      const w = cur!;
      if (b.price > w.max) {
        w.max = b.price;
        w.atMax.length = 0;
        w.atMax.push(b);
      } else if (b.price === w.max) w.atMax.push(b);
      if (ts === start) w.firstMs.push(b);
    }
    if ((n + 1) % BATCH === 0) {
      // A window also needs the next window's first millisecond, seen once the watermark passes it.
      const wm = maxTs - DELAY_MS - 1;
      for (; nextEnd <= wm; nextEnd += SIZE) fire(nextEnd);
    }
  }
  for (; windows.size > 0; nextEnd += SIZE) fire(nextEnd);
  return results;
}

/**
 * The hand-written loops by query name.
 *
 * @example
 * HAND_LOOPS.q0(nexmarkConfig(), 1000); // 920 bids
 */
export const HAND_LOOPS: Readonly<Record<string, HandLoop>> = Object.freeze({ q0, q1, q2, q5, q7 });

/**
 * Runs a hand loop on the default generator configuration (Flink's: events in order).
 *
 * @example
 * runHandLoop('q2', 1_000_000);
 */
export function runHandLoop(query: string, events: number, outOfOrderGroupSize = 1): number {
  const loop = HAND_LOOPS[query];
  if (loop === undefined) throw new Error(`no hand-written loop for '${query}'; there are ${Object.keys(HAND_LOOPS).join(', ')}`);
  return loop(nexmarkConfig({ outOfOrderGroupSize }), events);
}
