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
  /**
   * Stores a value. A value object read with `get` and mutated in place must be `put` again so
   * that the backend sees the change (for caching, spilling and incremental checkpoints).
   */
  put(key: Key, value: V): void;
  delete(key: Key): void;
  /** Number of keys with a value. */
  readonly size: number;
  keys(): IterableIterator<Key>;
  entries(): IterableIterator<[Key, V]>;
}

/**
 * What changed in a backend since the previous `changes()` (or since open/restore): per table,
 * the keys written with their latest value, and the keys deleted. Dropped tables are listed.
 * Values may be the live objects: serialize the result before any more records are processed.
 */
export interface StateChanges {
  readonly tables: { readonly name: string; readonly puts: readonly [Key, unknown][]; readonly deletes: readonly Key[] }[];
  readonly dropped: readonly string[];
}

/** Size of one table, for metrics and `eddy inspect`. */
export interface TableStats {
  readonly name: string;
  readonly keys: number;
  /** Approximate bytes of keys and values (serialized size where the backend knows it). */
  readonly bytes: number;
}

/**
 * Where keyed state lives. Tables are created by name. A full snapshot is plain data that
 * `restore` accepts in a fresh backend; `changes` gives what changed since the last call, so that
 * a checkpoint costs what changed rather than the whole state (`restore` of a full snapshot
 * followed by `applyChanges` of each later delta rebuilds the state).
 *
 * @example
 * const backend = new HeapStateBackend();
 * backend.table<number>('count').put('k', 1);
 * const copy = new HeapStateBackend(); copy.restore(backend.snapshot());
 */
export interface KeyedStateBackend {
  table<V>(name: string): StateTable<V>;
  tableNames(): string[];
  /** Removes a table and its contents. */
  dropTable(name: string): void;
  /** All state as plain data; may reference live values: serialize it before processing goes on. */
  snapshot(): unknown;
  /** Replaces all state with a snapshot (the backend owns the data afterwards). */
  restore(snapshot: unknown): void;
  changes(): StateChanges;
  /** Starts change tracking afresh without building a delta (before a full snapshot). */
  resetChanges(): void;
  applyChanges(changes: StateChanges): void;
  stats(): TableStats[];
  /** Releases resources (files, handles); the backend is unusable afterwards. */
  close(): void;
}

/**
 * What a state backend factory learns about the operator it serves: its state id (uid, or name
 * when it has no uid), so that a backend on disk can give each operator its own place.
 *
 * @example
 * StreamEnvironment.create({ stateBackend: (ctx) => new LmdbStateBackend({ path: `state/${ctx.operator}` }) });
 */
export interface StateBackendContext {
  readonly operator: string;
}
