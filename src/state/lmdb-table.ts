import type { Database } from 'lmdb';
import type { Key } from '../functions/key.ts';
import { ABSENT, type BackingPage, type BackingTable, type Stored } from './backing-store.ts';
import { decodeKey, encodeKey, encodeStoredKey, showKey } from './lmdb-key-codec.ts';

/**
 * Turns values into bytes and back (lmdb's msgpackr with structured clone).
 *
 * @example
 * codec.decode(codec.encode(new Map([[1, 2n]]))); // Map { 1 => 2n }
 */
export interface ValueCodec {
  /** The result is valid until the next call. */
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/**
 * What a table needs from its store: the codec, and write transactions.
 *
 * @example
 * new LmdbTable('count', db, { codec, write: (fn) => env.transactionSync(fn), touched: () => {} }, 0, 0);
 */
export interface LmdbTableHost {
  readonly codec: ValueCodec;
  /** Runs `fn` in a write transaction, or as part of the one running. */
  write(fn: () => void, durable: boolean): void;
  /** The table wrote inside the running transaction: settle it when the transaction ends. */
  touched(table: LmdbTable<unknown>): void;
}

/** Entries per page of a walk. */
const PAGE = 512;

/** A scratch result for `load` on the paths that keep nothing of it. */
const probe: Stored = { value: ABSENT, bytes: 0 };

/**
 * One state table of the LMDB store, with no cache: an LMDB database of encoded keys and values
 * that counts its keys and bytes as they are written. Alone each write is its own transaction;
 * the write-back cache in front of it writes in batches (`store` inside `LmdbStore.write`).
 *
 * @example
 * const t = lmdbStore.table<number>('count'); // an LmdbTable
 * t.put('user-1', (t.get('user-1') ?? 0) + 1);
 */
export class LmdbTable<V> implements BackingTable<V> {
  private gone: string | null = null;
  /** Count and bytes when the running transaction began (null outside one): put back if it aborts. */
  private before: { count: number; bytes: number } | null = null;

  /**
   * @param count keys with a value (LMDB's entry count when opened)
   * @param bytes key + value bytes LMDB holds for this table
   */
  constructor(
    readonly name: string,
    readonly db: Database<Buffer, Buffer>,
    private readonly host: LmdbTableHost,
    private count: number,
    public bytes: number,
  ) {}

  get size(): number {
    return this.count;
  }

  get(key: Key): V | undefined {
    this.load(key, true, probe);
    const v = probe.value;
    probe.value = ABSENT;
    return v === ABSENT ? undefined : (v as V);
  }

  put(key: Key, value: V): void {
    this.host.write(() => {
      this.load(key, false, probe);
      if (probe.bytes === -1) this.refuse(key);
      this.store(key, value, probe.bytes);
    }, false);
  }

  delete(key: Key): boolean {
    let had = false;
    this.host.write(() => {
      this.load(key, false, probe);
      had = probe.bytes > 0;
      if (had) this.store(key, ABSENT, probe.bytes);
    }, false);
    return had;
  }

  keys(): IterableIterator<Key> {
    return this.walk(false, (k) => k);
  }

  entries(): IterableIterator<[Key, V]> {
    return this.walk(true, (k, v) => [k, v as V]);
  }

  load(key: Key, withValue: boolean, into: Stored): void {
    if (this.gone !== null) throw new Error(`state table '${this.name}' ${this.gone}; get a new handle with backend.table('${this.name}')`);
    into.value = ABSENT;
    const kb = encodeKey(key);
    if (kb === null) {
      into.bytes = -1;
      return;
    }
    const raw = this.db.getBinaryFast(kb);
    if (raw === undefined) {
      into.bytes = 0;
      return;
    }
    into.bytes = kb.length + raw.length;
    // raw is LMDB's reusable buffer: decode before the next read.
    if (withValue) into.value = this.host.codec.decode(raw);
  }

  store(key: Key, value: unknown, bytes: number): number {
    if (this.before === null) {
      this.before = { count: this.count, bytes: this.bytes };
      this.host.touched(this as LmdbTable<unknown>);
    }
    const kb = encodeKey(key) as Buffer; // load said whether the key can be stored
    let now = 0;
    if (value === ABSENT) {
      if (bytes > 0) {
        this.db.removeSync(kb);
        this.count--;
      }
    } else {
      const vb = this.encode(key, value); // does not touch the key buffer
      this.db.putSync(kb, vb as Buffer);
      now = kb.length + vb.length;
      if (bytes <= 0) this.count++;
    }
    this.bytes += now - Math.max(0, bytes);
    return now;
  }

  /** The running transaction ended: keep what it counted, or put the counts back when it aborted. */
  settle(committed: boolean): void {
    if (!committed && this.before !== null) {
      this.count = this.before.count;
      this.bytes = this.before.bytes;
    }
    this.before = null;
  }

  measure(key: Key, value: unknown): number {
    const kb = encodeKey(key)?.length ?? 0;
    return value === ABSENT ? 0 : kb + this.encode(key, value).length;
  }

  /** The next PAGE entries of LMDB after a cursor (copies: they outlive later reads). */
  page(after: unknown, withValues: boolean): BackingPage {
    if (this.gone !== null) return EMPTY;
    const start = after as Buffer | undefined;
    const range = { start, exclusiveStart: start !== undefined, limit: PAGE, snapshot: false };
    const entries = withValues
      ? Array.from(this.db.getRange(range), ({ key, value }): [Buffer, Buffer | undefined] => [key, value])
      : Array.from(this.db.getKeys(range), (k): [Buffer, Buffer | undefined] => [k, undefined]);
    const codec = this.host.codec;
    return {
      length: entries.length,
      key: (i) => decodeKey(entries[i][0]),
      value: (i) => (withValues ? codec.decode(entries[i][1]!) : undefined),
      cursor: (i) => entries[i][0],
    };
  }

  refuse(key: Key): never {
    encodeStoredKey(key, this.name); // throws: too long to store
    throw new Error(`state key ${showKey(key)} of state '${this.name}' cannot be stored`);
  }

  /** Makes the handle unusable (table dropped, state restored, backend closed). */
  retire(why: string): void {
    this.gone = why;
    this.count = 0;
  }

  private encode(key: Key, value: unknown): Uint8Array {
    try {
      return this.host.codec.encode(value);
    } catch (err) {
      throw new Error(
        `cannot store the value of key ${showKey(key)} in state '${this.name}': ${(err as Error).message}; ` +
          'state values must be data (objects, arrays, Map, Set, primitives, bigint, Date)',
        { cause: err },
      );
    }
  }

  /** Every key with a value, a page at a time (a walk held open across writes sees them or not, never twice). */
  private *walk<T>(withValues: boolean, out: (k: Key, v: unknown) => T): Generator<T, undefined, undefined> {
    let after: unknown;
    while (true) {
      const page = this.page(after, withValues);
      if (page.length === 0) return undefined;
      for (let i = 0; i < page.length; i++) yield out(page.key(i), page.value(i));
      after = page.cursor(page.length - 1);
    }
  }
}

const EMPTY: BackingPage = { length: 0, key: () => '', value: () => undefined, cursor: () => undefined };
