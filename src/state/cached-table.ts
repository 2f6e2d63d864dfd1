import type { Key } from '../functions/key.ts';
import { ABSENT, type BackingTable, type Stored } from './backing-store.ts';
import type { StateTable } from './state-table.ts';

/**
 * What a cached table needs from its cache: the budget shared by all tables.
 *
 * @example
 * new CachedTable(lmdbStore.table('count'), { flushes: 0, cacheGrew: () => {} });
 */
export interface CacheHost {
  /** Counts flushes; a walk re-reads its page of the store's entries when this moved. */
  readonly flushes: number;
  /** Called after an entry joined a table's cache: may flush and evict (never the caller's data). */
  cacheGrew(): void;
}

interface Entry extends Stored {
  readonly key: Key;
  /** The value is newer than the store's: the next flush writes it. Dirty entries are never evicted. */
  dirty: boolean;
  /** CLOCK reference bit: set on use, cleared when the hand passes; clear and clean means evictable. */
  ref: boolean;
}

/**
 * Decorates a backing table (LMDB's) with a write-back cache of entries held as live objects.
 * Reads look in the cache, then in the store (synchronously); writes stay in the cache, marked
 * dirty, until the cache flushes all tables in one transaction. The cache also remembers absent
 * keys, so that a put after a missed get costs no second lookup.
 *
 * @example
 * const t = new CachedTable(lmdbStore.table<number>('count'), cache);
 * t.put('user-1', (t.get('user-1') ?? 0) + 1); // no LMDB write until the cache flushes
 */
export class CachedTable<V> implements StateTable<V> {
  readonly cache = new Map<Key, Entry>();
  /** Entries dirtied since the last flush. */
  dirty: Entry[] = [];
  /** Reads answered from the cache, and those that went to the store. */
  hits = 0;
  misses = 0;
  private hand: IterableIterator<Entry> | null = null;
  private gone: string | null = null;
  /** Keys with a value, the cache's writes included. */
  private count: number;

  constructor(readonly inner: BackingTable<V>, private readonly host: CacheHost) {
    this.count = inner.size;
  }

  get name(): string {
    return this.inner.name;
  }

  get size(): number {
    return this.count;
  }

  get(key: Key): V | undefined {
    const e = this.cache.get(key);
    if (e !== undefined) {
      this.hits++;
      e.ref = true;
      return e.value === ABSENT ? undefined : (e.value as V);
    }
    this.misses++;
    const loaded = this.read(key, true);
    if (loaded.bytes === -1) return undefined; // too long to have been stored
    this.cache.set(key, loaded);
    this.host.cacheGrew();
    return loaded.value === ABSENT ? undefined : (loaded.value as V);
  }

  put(key: Key, value: V): void {
    let e = this.cache.get(key);
    const fresh = e === undefined;
    if (e === undefined) {
      e = this.read(key, false);
      if (e.bytes === -1) this.inner.refuse(key);
      if (e.bytes === 0) this.count++;
      this.cache.set(key, e);
    } else if (e.value === ABSENT) this.count++;
    e.value = value;
    e.ref = true;
    if (!e.dirty) {
      e.dirty = true;
      this.dirty.push(e);
    }
    if (fresh) this.host.cacheGrew();
  }

  delete(key: Key): boolean {
    const e = this.cache.get(key);
    if (e !== undefined) {
      if (e.value === ABSENT) return false;
      this.remove(e);
      return true;
    }
    const loaded = this.read(key, false);
    if (loaded.bytes === -1) return false; // too long to have been stored
    this.cache.set(key, loaded);
    const had = loaded.bytes > 0;
    if (had) this.remove(loaded);
    this.host.cacheGrew();
    return had;
  }

  /** The current value without filling the cache or counting a read: what a checkpoint's delta reads. */
  peek(key: Key): V | undefined {
    const v = this.current(key, true);
    return v === ABSENT ? undefined : (v as V);
  }

  keys(): IterableIterator<Key> {
    return this.walk(false, (k) => k);
  }

  entries(): IterableIterator<[Key, V]> {
    return this.walk(true, (k, v) => [k, v as V]);
  }

  /**
   * Writes the dirty entries to the store, inside the cache's write transaction. The entries stay
   * dirty until the transaction committed and the cache calls the returned function (an aborted
   * flush loses nothing).
   */
  writeDirty(): (() => void) | null {
    if (this.dirty.length === 0) return null;
    const entries = this.dirty;
    const stored = new Array<number>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      stored[i] = this.inner.store(e.key, e.value, e.bytes);
    }
    return () => {
      for (let i = 0; i < entries.length; i++) {
        entries[i].dirty = false;
        entries[i].bytes = stored[i];
      }
      this.dirty = [];
    };
  }

  /**
   * Key + value bytes: the store's `flushed` figure plus an estimate for the entries written since
   * (16 of them measured, scaled to all): cheap enough for metrics every few seconds.
   */
  approxBytes(flushed: number): number {
    const d = this.dirty;
    if (d.length === 0) return flushed;
    const step = Math.max(1, Math.floor(d.length / 16));
    let delta = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += step, n++) delta += this.inner.measure(d[i].key, d[i].value) - d[i].bytes;
    return Math.max(0, Math.round(flushed + (delta / n) * d.length));
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
  }

  /** Reads a key from the store into a new (clean) entry. */
  private read(key: Key, withValue: boolean): Entry {
    if (this.gone !== null) throw new Error(`state table '${this.name}' ${this.gone}; get a new handle with backend.table('${this.name}')`);
    const e: Entry = { key, value: ABSENT, bytes: 0, dirty: false, ref: false };
    this.inner.load(key, withValue, e);
    return e;
  }

  /** The current value of a key without filling the cache: ABSENT when it has none (undefined for a present key without `withValue`). */
  private current(key: Key, withValue: boolean): unknown {
    const e = this.cache.get(key);
    if (e !== undefined) return e.value;
    const probe: Stored = { value: ABSENT, bytes: 0 };
    this.inner.load(key, withValue, probe);
    return withValue || probe.bytes <= 0 ? probe.value : undefined;
  }

  /**
   * Every key with a value, from the cache and from the store, without filling the cache. Keys
   * that exist only in the cache come first (remembered, so that a flush that moves them into the
   * store mid-walk does not show them twice); then the store in its key order, a page at a time,
   * where the cache overrides what the store holds. A page is re-read when a flush happened since
   * it was read, so a walk held open across writes (the TTL sweep) never returns a stale value.
   */
  private *walk<T>(withValues: boolean, out: (k: Key, v: unknown) => T): Generator<T, undefined, undefined> {
    const seen = new Set<Key>();
    const cacheOnly: Key[] = [];
    for (const e of this.cache.values()) if (e.bytes === 0 && e.value !== ABSENT) cacheOnly.push(e.key);
    for (const k of cacheOnly) {
      if (this.gone !== null) return undefined;
      const v = this.current(k, withValues);
      if (v === ABSENT) continue;
      seen.add(k);
      yield out(k, v);
    }
    let after: unknown;
    while (true) {
      if (this.gone !== null) return undefined;
      const flushes = this.host.flushes;
      const page = this.inner.page(after, withValues);
      if (page.length === 0) return undefined;
      for (let i = 0; i < page.length; i++) {
        if (this.host.flushes !== flushes || this.gone !== null) break;
        after = page.cursor(i);
        const k = page.key(i);
        if (seen.has(k)) continue;
        const e = this.cache.get(k);
        if (e !== undefined) {
          if (e.value !== ABSENT) yield out(k, e.value);
        } else {
          yield out(k, page.value(i));
        }
      }
    }
  }
}
