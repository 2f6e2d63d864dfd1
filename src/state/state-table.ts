import type { Key } from '../functions/key.ts';

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
 *
 * @example
 * const delta = encodeState(backend.changes()); backend.resetChanges();
 */
export interface StateChanges {
  /** `puts` is a Map or an array of [key, value] pairs (a Map encodes faster). */
  readonly tables: { readonly name: string; readonly puts: ReadonlyMap<Key, unknown> | readonly (readonly [Key, unknown])[]; readonly deletes: readonly Key[] }[];
  readonly dropped: readonly string[];
}

/**
 * Size of one table, for metrics and `eddy inspect`.
 *
 * @example
 * for (const t of backend.stats()) console.log(t.name, t.keys, t.bytes);
 */
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
  /**
   * True for a backend that keeps state outside the JavaScript heap (LMDB): window operators then
   * keep their window contents in it too, instead of in their own Maps. Optional: false when absent.
   */
  readonly onDisk?: boolean;
  table<V>(name: string): StateTable<V>;
  tableNames(): string[];
  /** Removes a table and its contents. */
  dropTable(name: string): void;
  /**
   * All state as plain data; may reference live values and even live tables (a Map): serialize
   * it before processing goes on, and never hand it to another backend's restore uncopied.
   */
  snapshot(): unknown;
  /** Replaces all state with a snapshot (the backend owns the data afterwards). */
  restore(snapshot: unknown): void;
  changes(): StateChanges;
  /** Starts change tracking afresh without building a delta (before a full snapshot). */
  resetChanges(): void;
  applyChanges(changes: StateChanges): void;
  /**
   * Keys and approximate bytes per table, cheap enough to call every few seconds (no flush, no
   * scan): heap samples 64 values per table; LMDB counts keys as they change and bytes as flushed.
   */
  stats(): TableStats[];
  /**
   * True when so much changed since the last `changes()` that a full snapshot costs no more than
   * a delta (the next checkpoint then writes full state). Optional: false when absent.
   */
  prefersFull?(): boolean;
  /**
   * Writes a consistent copy of the state as of this call into `dir` (created), for a checkpoint:
   * the synchronous part is only what must happen at the cut (LMDB: flushing its cache), the copy
   * itself runs off the main thread while processing goes on. Change tracking starts afresh at
   * the call. A backend that has it gets its full checkpoints this way instead of by
   * `snapshot()`; the checkpoints between them are still `changes()`. Optional.
   */
  copyTo?(dir: string): Promise<void>;
  /** Replaces all state with a copy that `copyTo` wrote (of a backend of the same kind). Optional, with `copyTo`. */
  restoreCopy?(dir: string): Promise<void>;
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
