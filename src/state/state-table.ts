import type { Key } from './key.ts';

/**
 * The narrow interface a state backend implements: one table of values per named state, indexed
 * by key. Values are opaque to the backend. Everything else (state handles, TTL, metrics) wraps it.
 *
 * @example
 * const t = backend.table<number>('count');
 * t.put('user-1', 3);
 * t.get('user-1'); // 3
 */
export interface StateTable<V> {
  get(key: Key): V | undefined;
  put(key: Key, value: V): void;
  delete(key: Key): void;
  /** Number of keys with a value. */
  readonly size: number;
  keys(): IterableIterator<Key>;
  entries(): IterableIterator<[Key, V]>;
}

/**
 * Where keyed state lives. Tables are created by name; a snapshot is plain data that `restore`
 * accepts in a fresh backend.
 *
 * @example
 * const backend = new HeapStateBackend();
 * backend.table<number>('count').put('k', 1);
 * const copy = new HeapStateBackend(); copy.restore(backend.snapshot());
 */
export interface KeyedStateBackend {
  table<V>(name: string): StateTable<V>;
  tableNames(): string[];
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}
