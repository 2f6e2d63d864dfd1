import type { Key } from '../functions/key.ts';
import type { StateTable } from './state-table.ts';

/** Fewest changed keys that can make a table give up tracking (see `TrackedTable.overflowed`). */
const MIN_TRACKED = 1024;

/**
 * Decorates a table with change tracking: once tracking is on, each write and delete records its
 * key, and a delta reads the current value of each recorded key from the table below.
 *
 * Keys only, not values: a Map from key to the latest value would save the reads at the cut, but
 * measured about 15% slower per get + put on the heap (a micro-benchmark), likely because a
 * long-lived Map that takes a fresh value object on every write pays V8's write barrier and makes
 * each scavenge visit it; a Set of keys (mostly numbers and old strings) does not.
 *
 * @example
 * const t = new TrackedTable(store.table<number>('count'), Infinity); t.track(); t.put('k', 1);
 * t.delta(); // { puts: [['k', 1]], deletes: [] }
 */
export class TrackedTable<V> implements StateTable<V> {
  /** Keys written since the cut (their value now is the delta's); null while not tracking. */
  written: Set<Key> | null = null;
  /** Keys deleted since the cut and not written again. */
  deleted = new Set<Key>();
  /**
   * Tracking gave up: more than half the keys changed (or more than `maxTracked`), so a delta
   * would cost as much as the whole table and each write would pay a Set insertion for nothing.
   * The next delta carries the whole table, replacing it.
   */
  overflowed = false;
  /** Changed keys above which a write checks whether to give up tracking. */
  private limit = MIN_TRACKED;

  /**
   * @param maxTracked most changed keys to track whatever the table's size: a delta reads each
   *   one's value, which for a store on disk is a read from disk once it left the cache
   */
  constructor(readonly inner: StateTable<V>, private readonly maxTracked: number) {}

  get size(): number {
    return this.inner.size;
  }

  get(key: Key): V | undefined {
    return this.inner.get(key);
  }

  put(key: Key, value: V): void {
    this.inner.put(key, value);
    const w = this.written;
    if (w === null) return;
    if (this.deleted.size !== 0) this.deleted.delete(key);
    if (w.add(key).size + this.deleted.size > this.limit) this.grown();
  }

  delete(key: Key): boolean {
    if (!this.inner.delete(key)) return false;
    const w = this.written;
    if (w !== null) {
      w.delete(key);
      if (this.deleted.add(key).size + w.size > this.limit) this.grown();
    }
    return true;
  }

  keys(): IterableIterator<Key> {
    return this.inner.keys();
  }

  entries(): IterableIterator<[Key, V]> {
    return this.inner.entries();
  }

  /** Starts tracking changes afresh. */
  track(): void {
    this.written = new Set();
    this.deleted = new Set();
    this.overflowed = false;
    this.limit = this.limitNow();
  }

  /**
   * What changed since `track()`, values as they are now (live objects). Call only while tracking.
   * Reads through the table's `peek` when it has one (a cache: no fill, no hit counted), so that
   * a checkpoint leaves the cache as the job left it.
   */
  delta(): { puts: [Key, unknown][]; deletes: Key[] } {
    const puts: [Key, unknown][] = [];
    const inner = this.inner as StateTable<V> & { peek?(key: Key): V | undefined };
    if (inner.peek !== undefined) for (const k of this.written!) puts.push([k, inner.peek(k)]);
    else for (const k of this.written!) puts.push([k, inner.get(k)]);
    return { puts, deletes: [...this.deleted] };
  }

  /** The tracked keys passed their limit: give up if they are more than half the keys. */
  private grown(): void {
    this.limit = this.limitNow();
    if (this.written!.size + this.deleted.size <= this.limit) return;
    this.written = null;
    this.deleted = new Set();
    this.overflowed = true;
  }

  private limitNow(): number {
    return Math.max(MIN_TRACKED, Math.min(this.inner.size >> 1, this.maxTracked));
  }
}
