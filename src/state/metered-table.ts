import type { Key } from '../functions/key.ts';
import type { StateTable } from './state-table.ts';

/**
 * Decorates a table with counters of what operators do with it: reads, writes and deletes. A
 * field increment per call: cheap enough for the per-record path of every backend.
 *
 * @example
 * const t = new MeteredTable(store.table<number>('count')); t.get('k'); t.reads; // 1
 */
export class MeteredTable<V> implements StateTable<V> {
  reads = 0;
  writes = 0;
  deletes = 0;

  constructor(readonly inner: StateTable<V>) {}

  get size(): number {
    return this.inner.size;
  }

  get(key: Key): V | undefined {
    this.reads++;
    return this.inner.get(key);
  }

  put(key: Key, value: V): void {
    this.writes++;
    this.inner.put(key, value);
  }

  delete(key: Key): boolean {
    this.deletes++;
    return this.inner.delete(key);
  }

  keys(): IterableIterator<Key> {
    return this.inner.keys();
  }

  entries(): IterableIterator<[Key, V]> {
    return this.inner.entries();
  }
}
