import type { Key } from '../../functions/key.ts';
import type { StateTable } from '../../state/state-table.ts';

/**
 * One buffered record of a join side: its event time, the value, whether it has matched anything
 * (outer joins emit the unmatched ones when they leave), and when it arrived (processing time,
 * for TTL). Plain data, so the keyed state backend can checkpoint and spill it.
 */
export interface JoinEntry {
  t: number;
  v: unknown;
  m: boolean;
  at: number;
}

/**
 * The records of one join side, per key, in a keyed state table (heap or LMDB): a list per key.
 * A list read and changed is put back, so caching backends and incremental checkpoints see it.
 *
 * @example
 * const left = new JoinBuffer(backend.table('left'));
 * left.add('k', { t: 5, v: click, m: false, at: 0 });
 */
export class JoinBuffer {
  constructor(readonly table: StateTable<JoinEntry[]>) {}

  get(key: Key): JoinEntry[] | undefined {
    return this.table.get(key);
  }

  add(key: Key, e: JoinEntry): void {
    const list = this.table.get(key);
    if (list === undefined) this.table.put(key, [e]);
    else {
      list.push(e);
      this.table.put(key, list);
    }
  }

  /** Puts back a list after entries were changed in place; an empty list removes the key. */
  update(key: Key, list: JoinEntry[]): void {
    if (list.length === 0) this.table.delete(key);
    else this.table.put(key, list);
  }

  /**
   * Removes the key's entries for which `expired` holds and hands each to `gone` (in arrival
   * order). Returns how many were removed.
   */
  evict(key: Key, expired: (e: JoinEntry) => boolean, gone: (e: JoinEntry) => void): number {
    const list = this.table.get(key);
    if (list === undefined) return 0;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (expired(e)) gone(e);
      else list[kept++] = e;
    }
    const removed = list.length - kept;
    if (removed === 0) return 0;
    list.length = kept;
    this.update(key, list);
    return removed;
  }
}
