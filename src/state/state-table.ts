import type { Key } from '../functions/key.ts';

/**
 * The narrow interface a state table implements: one table of values per named state, indexed
 * by key. Values are opaque to the backend. Everything else (state handles, TTL, metrics) wraps it.
 *
 * @example
 * const t = backend.table<number>('count');
 * t.put('user-1', 3);
 * t.get('user-1'); // 3
 */
export interface StateTable<V> {
  get(key: Key): V | undefined;
  /**
   * Stores a value. A value object read with `get` and mutated in place must be `put` again so
   * that the backend sees the change (for caching, spilling and incremental checkpoints).
   */
  put(key: Key, value: V): void;
  /** Removes a key's value; true when it had one (as `Map.delete`), so that change tracking skips no-ops. */
  delete(key: Key): boolean;
  /** Number of keys with a value. */
  readonly size: number;
  keys(): IterableIterator<Key>;
  entries(): IterableIterator<[Key, V]>;
}

// The backend's two faces have rooms of their own; these names stay importable from here for the
// files that have not moved their imports yet.
export type { StateStorage, TableStats } from './state-storage.ts';
export type { StateCheckpointing, StateChanges } from './state-checkpointing.ts';
export type { KeyedStateBackend, StateBackendContext } from './keyed-state-backend.ts';
