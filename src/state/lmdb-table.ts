import type { Database } from 'lmdb';
import type { Key } from '../functions/key.ts';
import { decodeKey, encodeKey, encodeStoredKey, showKey } from './lmdb-key-codec.ts';
import type { StateTable } from './state-table.ts';

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
 * What a table needs from its backend: the codec, and the cache budget shared by all tables.
 *
 * @example
 * new LmdbTable('count', db, { codec, capacity: 1000, flushes: 0, cacheGrew: () => {} }, 0, 0);
 */
export interface LmdbTableHost {
  readonly codec: ValueCodec;
  /** Entries the cache holds across all tables (bounds change tracking too). */
  readonly capacity: number;
  /** Counts flushes; an iterator re-reads its page of LMDB entries when this moved. */
  readonly flushes: number;
  /** Called after an entry joined a cache: may flush and evict (never the caller's data). */
  cacheGrew(): void;
}

/** Marks a cache entry of a key that has no value (deleted, or never written). */
const ABSENT: unique symbol = Symbol('absent');

interface Entry {
  readonly key: Key;
  value: unknown;
  /** LMDB holds a value for the key... */
  inDb: boolean;
  /** ...of this many key + value bytes. */
  dbBytes: number;
  /** The value is newer than LMDB's: the next flush writes it. Dirty entries are never evicted. */
  dirty: boolean;
  /** CLOCK reference bit: set on use, cleared when the hand passes; clear and clean means evictable. */
  ref: boolean;
}

const PAGE = 512;

/**
 * One state table of the LMDB backend: an LMDB database behind a write-back cache of entries.
 * Reads look in the cache, then in LMDB (synchronously); writes stay in the cache, marked dirty,
 * until the backend flushes them all in one transaction. The cache also remembers absent keys,
 * so that a put after a missed get costs no second lookup.
 *
 * @example
 * const t = backend.table<number>('count'); // an LmdbTable
 * t.put('user-1', (t.get('user-1') ?? 0) + 1);
 */
export class LmdbTable<V> implements StateTable<V> {
  readonly cache = new Map<Key, Entry>();
  /** Entries dirtied since the last flush. */
  dirty: Entry[] = [];
  /** Keys written or deleted since the last `changes()`; null while nobody asked for changes. */
  changed: Set<Key> | null = null;
  /**
   * Tracking gave up: more keys changed than half the table (or than the cache holds), so a delta
   * would cost as much as the whole table; the next delta is the whole table, replacing it.
   */
  overflowed = false;
  private hand: IterableIterator<Entry> | null = null;
  private gone: string | null = null;

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
    const e = this.cache.get(key);
    if (e !== undefined) {
      e.ref = true;
      return e.value === ABSENT ? undefined : (e.value as V);
    }
    const loaded = this.read(key, true);
    if (loaded.dbBytes === -1) return undefined; // too long to have been stored
    this.cache.set(key, loaded);
    this.host.cacheGrew();
    return loaded.value === ABSENT ? undefined : (loaded.value as V);
  }

  put(key: Key, value: V): void {
    let e = this.cache.get(key);
    const fresh = e === undefined;
    if (e === undefined) {
      e = this.read(key, false);
      if (e.dbBytes === -1) encodeStoredKey(key, this.name); // throws: too long to store
      if (!e.inDb) this.count++;
      this.cache.set(key, e);
    } else if (e.value === ABSENT) this.count++;
    e.value = value;
    e.ref = true;
    if (!e.dirty) {
      e.dirty = true;
      this.dirty.push(e);
    }
    if (this.changed !== null && this.changed.add(key).size > 1024) this.grown();
    if (fresh) this.host.cacheGrew();
  }

  delete(key: Key): boolean {
    let e = this.cache.get(key);
    if (e === undefined) {
      e = this.read(key, false);
      if (e.dbBytes === -1) return false; // too long to have been stored
      this.cache.set(key, e);
      const had = e.inDb;
      if (had) this.remove(e);
      this.host.cacheGrew();
      return had;
    }
    if (e.value === ABSENT) return false;
    this.remove(e);
    return true;
  }

  keys(): IterableIterator<Key> {
    return this.walk(false, (k) => k);
  }

  entries(): IterableIterator<[Key, V]> {
    return this.walk(true, (k, v) => [k, v as V]);
  }

  /**
   * What changed since tracking started (values are the live ones), or the whole table as puts
   * when nobody asked for changes yet.
   */
  delta(): { puts: [Key, unknown][]; deletes: Key[] } {
    const puts: [Key, unknown][] = [];
    const deletes: Key[] = [];
    if (this.changed === null) {
      for (const e of this.entries()) puts.push(e);
      return { puts, deletes };
    }
    for (const k of this.changed) {
      const v = this.peek(k);
      if (v === ABSENT) deletes.push(k);
      else puts.push([k, v]);
    }
    return { puts, deletes };
  }

  /** The current value of a key without filling the cache: ABSENT when it has none. */
  private peek(key: Key): unknown {
    const e = this.cache.get(key);
    if (e !== undefined) return e.value;
    return this.read(key, true).value;
  }

  /**
   * Writes the dirty entries inside the backend's write transaction. The entries stay dirty until
   * the transaction committed and the backend calls the returned function (an aborted flush loses
   * nothing). Returns the table's new byte count with it, for the backend's bookkeeping.
   */
  writeDirty(): { bytes: number; commit: () => void } | null {
    if (this.dirty.length === 0) return null;
    const entries = this.dirty;
    const dbBytes = new Array<number>(entries.length);
    let bytes = this.bytes;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const kb = encodeKey(e.key) as Buffer; // put refused keys too long to encode
      if (e.value === ABSENT) {
        if (e.inDb) this.db.removeSync(kb);
        dbBytes[i] = 0;
      } else {
        const vb = this.encode(e); // does not touch the key buffer
        this.db.putSync(kb, vb as Buffer);
        dbBytes[i] = kb.length + vb.length;
      }
      bytes += dbBytes[i] - e.dbBytes;
    }
    const commit = (): void => {
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        e.dirty = false;
        e.dbBytes = dbBytes[i];
        e.inDb = e.value !== ABSENT;
      }
      this.bytes = bytes;
      this.dirty = [];
    };
    return { bytes, commit };
  }

  /**
   * Key + value bytes: as stored at the last flush, plus an estimate for the entries written since
   * (16 of them encoded, scaled to all): cheap enough for metrics every few seconds.
   */
  approxBytes(): number {
    const d = this.dirty;
    if (d.length === 0) return this.bytes;
    const step = Math.max(1, Math.floor(d.length / 16));
    let delta = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += step, n++) {
      const e = d[i];
      const now = e.value === ABSENT ? 0 : (encodeKey(e.key)?.length ?? 0) + this.encode(e).length;
      delta += now - e.dbBytes;
    }
    return Math.max(0, Math.round(this.bytes + (delta / n) * d.length));
  }

  /** Evicts up to n clean entries, CLOCK order; returns how many went. */
  evict(n: number): number {
    let evicted = 0;
    // Two turns of the hand: the first may only clear reference bits.
    for (let steps = 2 * this.cache.size + 1; evicted < n && steps > 0; steps--) {
      this.hand ??= this.cache.values();
      const r = this.hand.next();
      if (r.done === true) {
        this.hand = null;
        continue;
      }
      const e = r.value;
      if (e.dirty) continue;
      if (e.ref) e.ref = false;
      else if (this.cache.delete(e.key)) evicted++;
    }
    return evicted;
  }

  /** Makes the handle unusable (table dropped, state restored, backend closed). */
  retire(why: string): void {
    this.gone = why;
    this.cache.clear();
    this.dirty = [];
    this.hand = null;
    this.count = 0;
  }

  private remove(e: Entry): void {
    e.value = ABSENT;
    e.ref = true;
    this.count--;
    if (!e.dirty) {
      e.dirty = true;
      this.dirty.push(e);
    }
    if (this.changed !== null && this.changed.add(e.key).size > 1024) this.grown();
  }

  /** Starts tracking changes afresh. */
  track(): void {
    this.changed = new Set();
    this.overflowed = false;
  }

  private grown(): void {
    if (this.changed!.size <= Math.min(this.count >> 1, this.host.capacity)) return;
    this.changed = null;
    this.overflowed = true;
  }

  /** Reads a key from LMDB into a new (clean) entry; dbBytes is -1 for a key too long to be stored. */
  private read(key: Key, withValue: boolean): Entry {
    if (this.gone !== null) throw new Error(`state table '${this.name}' ${this.gone}; get a new handle with backend.table('${this.name}')`);
    const kb = encodeKey(key);
    if (kb === null) return { key, value: ABSENT, inDb: false, dbBytes: -1, dirty: false, ref: false };
    const raw = this.db.getBinaryFast(kb);
    if (raw === undefined) return { key, value: ABSENT, inDb: false, dbBytes: 0, dirty: false, ref: false };
    // raw is LMDB's reusable buffer: decode before the next read.
    const value = withValue ? this.host.codec.decode(raw) : ABSENT;
    return { key, value, inDb: true, dbBytes: kb.length + raw.length, dirty: false, ref: false };
  }

  private encode(e: Entry): Uint8Array {
    try {
      return this.host.codec.encode(e.value);
    } catch (err) {
      throw new Error(
        `cannot store the value of key ${showKey(e.key)} in state '${this.name}': ${(err as Error).message}; ` +
          'state values must be data (objects, arrays, Map, Set, primitives, bigint, Date)',
        { cause: err },
      );
    }
  }

  /**
   * Every key with a value, from the cache and from LMDB, without filling the cache. Keys that
   * exist only in the cache come first (remembered, so that a flush that moves them into LMDB
   * mid-walk does not show them twice); then LMDB in key order, a page at a time, where the cache
   * overrides what LMDB holds. A page is re-read when a flush happened since it was read, so a walk
   * held open across writes (the TTL sweep) never returns a stale value.
   */
  private *walk<T>(withValues: boolean, out: (k: Key, v: unknown) => T): Generator<T, undefined, undefined> {
    const seen = new Set<Key>();
    const cacheOnly: Key[] = [];
    for (const e of this.cache.values()) if (!e.inDb && e.value !== ABSENT) cacheOnly.push(e.key);
    for (const k of cacheOnly) {
      if (this.gone !== null) return undefined;
      const v = withValues ? this.peek(k) : this.has(k) ? undefined : ABSENT;
      if (v === ABSENT) continue;
      seen.add(k);
      yield out(k, v);
    }
    let after: Buffer | undefined;
    while (true) {
      if (this.gone !== null) return undefined;
      const flushes = this.host.flushes;
      const page = this.readPage(after, withValues);
      if (page.length === 0) return undefined;
      for (const [kb, raw] of page) {
        if (this.host.flushes !== flushes || this.gone !== null) break;
        after = kb;
        const k = decodeKey(kb);
        if (seen.has(k)) continue;
        const e = this.cache.get(k);
        if (e !== undefined) {
          if (e.value !== ABSENT) yield out(k, e.value);
        } else {
          yield out(k, withValues ? this.host.codec.decode(raw as Buffer) : undefined);
        }
      }
    }
  }

  private has(key: Key): boolean {
    const e = this.cache.get(key);
    if (e !== undefined) return e.value !== ABSENT;
    return this.read(key, false).inDb;
  }

  /** The next PAGE entries of LMDB after a key (copies: they outlive later reads). */
  private readPage(after: Buffer | undefined, withValues: boolean): [Buffer, Buffer | undefined][] {
    const range = { start: after, exclusiveStart: after !== undefined, limit: PAGE, snapshot: false };
    if (!withValues) return Array.from(this.db.getKeys(range), (k): [Buffer, undefined] => [k, undefined]);
    return Array.from(this.db.getRange(range), ({ key, value }): [Buffer, Buffer] => [key, value]);
  }
}
