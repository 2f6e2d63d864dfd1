import type { Key } from '../functions/key.ts';

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
 * The face of a state backend that the checkpoint side sees. A full snapshot is plain data that
 * `restore` accepts in a fresh backend; `changes` gives what changed since the last call, so that
 * a checkpoint costs what changed rather than the whole state (`restore` of a full snapshot
 * followed by `applyChanges` of each later delta rebuilds the state).
 *
 * @example
 * const cp: StateCheckpointing = backend;
 * const full = encodeState(cp.snapshot()); cp.resetChanges();
 * const delta = encodeState(cp.changes());
 */
export interface StateCheckpointing {
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
}
