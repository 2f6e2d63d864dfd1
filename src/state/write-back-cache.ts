import type { Key } from '../functions/key.ts';
import type { BackingStore } from './backing-store.ts';
import { CachedTable, type CacheHost } from './cached-table.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { TableStats } from './state-storage.ts';
import type { StateTable } from './state-table.ts';

/** When the cache is full, a flush is followed by evicting down to this share of it, so that flushes stay rare. */
const LOW_WATER = 0.75;

/**
 * Decorates a backing store (LMDB's) with a write-back cache of at most `capacity` entries across
 * all its tables, as live objects: reads and writes of cached keys cost a Map lookup, writes reach
 * the store in one transaction per flush (when the cache is full, before a checkpoint copy, at
 * `flush` and at `close`), and clean entries are evicted in CLOCK order. While a checkpoint copy
 * runs nothing is flushed: dirty entries are never evicted, so the cache may grow past its
 * capacity by the keys written meanwhile.
 *
 * @example
 * const cache = new WriteBackCache(new LmdbStore({ path: 'state/op-1' }), 100_000);
 * cache.table<number>('count').put('k', 1); // in memory until the cache flushes
 */
export class WriteBackCache implements SnapshotStore {
  private readonly tables = new Map<string, CachedTable<unknown>>();
  /** Entries in all tables' caches. */
  private cached = 0;
  private flushCount = 0;
  private closed = false;
  /** close() was called during a copy: it completes when the copy ends. */
  private closeAfterCopy = false;
  private readonly host: CacheHost;

  constructor(private readonly inner: BackingStore, private readonly capacity: number) {
    const flushes = () => this.flushCount;
    this.host = {
      get flushes() {
        return flushes();
      },
      cacheGrew: () => this.cacheGrew(),
    };
  }

  get onDisk(): boolean {
    return this.inner.onDisk === true;
  }

  /** How many flushes wrote to the store so far (each one transaction): for tests and metrics. */
  get flushes(): number {
    return this.flushCount;
  }

  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new CachedTable(this.inner.table<unknown>(name), this.host);
      this.tables.set(name, t);
    }
    return t as StateTable<V>;
  }

  tableNames(): string[] {
    return this.inner.tableNames();
  }

  dropTable(name: string): void {
    this.inner.dropTable(name);
    const t = this.tables.get(name);
    if (t !== undefined) this.forget(t, 'was dropped');
  }

  snapshot(): unknown {
    const out: Record<string, [Key, unknown][]> = Object.create(null);
    for (const name of this.inner.tableNames()) out[name] = [...this.table(name).entries()];
    return out;
  }

  contents(name: string): [Key, unknown][] {
    return [...this.table(name).entries()];
  }

  restore(snapshot: unknown): void {
    this.inner.restore(snapshot);
    for (const t of [...this.tables.values()]) this.forget(t, 'was replaced by restore()');
  }

  /** Flushes (no sync) at once: the copy holds the state as of this call; writes wait in the cache until it ends. */
  copyTo(dir: string): Promise<void> {
    this.inner.assertNotCopying('start a second copy');
    this.flush(false);
    return this.inner.copyTo(dir).finally(() => {
      if (this.closeAfterCopy) this.close();
    });
  }

  async restoreCopy(dir: string): Promise<void> {
    this.inner.assertNotCopying('restore');
    for (const t of [...this.tables.values()]) this.forget(t, 'was replaced by restore()');
    await this.inner.restoreCopy(dir);
  }

  /** The store's figures, with the cache's writes in them (keys exact, bytes estimated) and its hits. */
  stats(): TableStats[] {
    return this.inner.stats().map((s) => {
      const t = this.tables.get(s.name);
      return t === undefined ? s : { ...s, keys: t.size, bytes: t.approxBytes(s.bytes), cacheHits: t.hits, cacheMisses: t.misses };
    });
  }

  /** Writes every dirty entry to the store in one transaction; synced to disk when `durable`. */
  flush(durable: boolean): void {
    const commits: (() => void)[] = [];
    this.inner.write(() => {
      for (const t of this.tables.values()) {
        const commit = t.writeDirty();
        if (commit !== null) commits.push(commit);
      }
    }, durable);
    for (const c of commits) c();
    if (commits.length > 0) this.flushCount++;
  }

  /** Flushes and closes the store (which syncs); a failed flush still closes, then throws. During a copy, when it ends. */
  close(): void {
    if (this.closed) return;
    if (this.inner.copying) {
      this.closeAfterCopy = true;
      return;
    }
    try {
      this.flush(false);
    } finally {
      for (const t of this.tables.values()) t.retire('belongs to a closed backend');
      this.tables.clear();
      this.closed = true;
      this.inner.close();
    }
  }

  /** A table's cache grew by one entry: past capacity, flush and evict down to the low-water mark. */
  private cacheGrew(): void {
    if (++this.cached <= this.capacity) return;
    // During a copy only clean entries can go; the dirty ones wait for the next flush.
    if (!this.inner.copying) this.flush(false);
    const target = Math.floor(this.capacity * LOW_WATER);
    for (let round = 0; this.cached > target && round < 3; round++) {
      const excess = this.cached - target;
      const total = this.cached;
      for (const t of this.tables.values()) {
        if (this.cached <= target) break;
        this.cached -= t.evict(Math.ceil((excess * t.cache.size) / total));
      }
    }
  }

  private forget(t: CachedTable<unknown>, why: string): void {
    this.cached -= t.cache.size;
    t.retire(why);
    this.tables.delete(t.name);
  }
}
