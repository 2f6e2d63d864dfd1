import type { Key } from '../functions/key.ts';
import type { StateTable } from '../state/state-table.ts';

/**
 * Each key's events waiting for the watermark, in a keyed state table: one flat array per key,
 * [time, value, time, value, ...] sorted by time, arrival order kept among equal times (no
 * wrapper object per event).
 *
 * @example
 * const q = new EventQueue(backend.table('queue'));
 * q.add('card-1', 1_000, auth);
 * q.earliest('card-1'); // 1000
 */
export class EventQueue {
  /** Emptied lists, reused: most keys wait with one event for one watermark step. */
  private readonly pool: unknown[][] = [];

  constructor(private readonly table: StateTable<unknown[]>) {}

  add(k: Key, time: number, value: unknown): void {
    const list = this.table.get(k);
    if (list === undefined) {
      const fresh = this.pool.pop() ?? [];
      fresh.push(time, value);
      this.table.put(k, fresh);
      return;
    }
    const n = list.length;
    if (n === 0 || (list[n - 2] as number) <= time) list.push(time, value);
    else list.splice(upperBound(list, time), 0, time, value);
    this.table.put(k, list);
  }

  get(k: Key): unknown[] | undefined {
    return this.table.get(k);
  }

  /** Drops the first `upTo` entries (times and values) of the key's list. */
  drop(k: Key, list: unknown[], upTo: number): void {
    if (upTo === 0) return;
    if (upTo >= list.length) {
      // The table no longer holds the list (a checkpoint serializes at its cut, never later).
      this.table.delete(k);
      list.length = 0;
      if (this.pool.length < 1024) this.pool.push(list);
    } else {
      list.splice(0, upTo);
      this.table.put(k, list);
    }
  }

  /** Time of the key's earliest waiting event, +Infinity for none. */
  earliest(k: Key): number {
    const list = this.table.get(k);
    return list === undefined || list.length === 0 ? Number.POSITIVE_INFINITY : (list[0] as number);
  }
}

/** Index (even) of the first entry with time > `time`. */
function upperBound(list: readonly unknown[], time: number): number {
  let lo = 0;
  let hi = list.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[2 * mid] as number) <= time) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}
