import type { Key } from '../functions/key.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { StateTable } from './state-table.ts';

/** Marks a key that has no value: in `Stored.value`, and as the value `BackingTable.store` removes. */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * What a key holds in a backing store, as `BackingTable.load` reports it.
 *
 * @example
 * const s: Stored = { value: ABSENT, bytes: 0 }; table.load('k', true, s);
 */
export interface Stored {
  /** The value, or ABSENT when the key has none (or the value was not asked for). */
  value: unknown;
  /** Bytes the key and its value take in the store: 0 when absent, -1 for a key too long to store. */
  bytes: number;
}

/**
 * A page of a backing table's entries in its own key order, read ahead so that writes between
 * pages cannot disturb it. Values decode on demand: the cache skips keys it holds newer values of.
 *
 * @example
 * for (let i = 0; i < page.length; i++) use(page.key(i), page.value(i));
 */
export interface BackingPage {
  readonly length: number;
  key(i: number): Key;
  value(i: number): unknown;
  /** Where a page read after entry i starts (opaque to the reader). */
  cursor(i: number): unknown;
}

/**
 * A table that a write-back cache can sit in front of: a plain `StateTable` (each write its own
 * transaction), plus the batched, size-aware access the cache needs, so that a flush costs one
 * transaction and no second lookup per key.
 *
 * @example
 * store.write(() => { stored.bytes = table.store('k', value, stored.bytes); }, false);
 */
export interface BackingTable<V> extends StateTable<V> {
  readonly name: string;
  /** Reads a key into `into`: the bytes it takes, and its value when `withValue` (else ABSENT). */
  load(key: Key, withValue: boolean, into: Stored): void;
  /**
   * Inside `BackingStore.write`: stores a value (ABSENT removes the key) where `bytes` bytes were
   * (as `load` said, or as the last `store` returned); returns the bytes it takes now.
   */
  store(key: Key, value: unknown, bytes: number): number;
  /** The bytes a key and value would take (for estimates of writes not flushed yet). */
  measure(key: Key, value: unknown): number;
  /** The entries after a cursor of an earlier page (from the start when undefined). */
  page(after: unknown, withValues: boolean): BackingPage;
  /** Throws the error a write of a key meets when `load` said it cannot be stored (bytes -1). */
  refuse(key: Key): never;
}

/**
 * The store behind a write-back cache (LMDB's): tables of `BackingTable`, batched writes, and
 * the state of a checkpoint copy, during which nothing may be written.
 *
 * @example
 * new WriteBackCache(new LmdbStore({ path: 'state/op-1' }), 100_000);
 */
export interface BackingStore extends SnapshotStore {
  table<V>(name: string): BackingTable<V>;
  /** Runs `fn`, whose `store` calls commit together (one transaction); synced to disk when `durable`. */
  write(fn: () => void, durable: boolean): void;
  /** A checkpoint copy is running: writes wait for its end. */
  readonly copying: boolean;
  assertNotCopying(what: string): void;
  copyTo(dir: string): Promise<void>;
  restoreCopy(dir: string): Promise<void>;
}
