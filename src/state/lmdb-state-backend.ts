import { mkdirSync, rmSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Database, RootDatabase, TransactionFlags } from 'lmdb';
import type { Key } from '../functions/key.ts';
import { encodeStoredKey } from './lmdb-key-codec.ts';
import { parseSnapshot } from './lmdb-snapshot.ts';
import { LmdbTable, type LmdbTableHost, type ValueCodec } from './lmdb-table.ts';
import type { KeyedStateBackend, StateBackendContext, StateChanges, StateTable, TableStats } from './state-table.ts';

/**
 * Options of an LMDB state backend.
 *
 * @example
 * new LmdbStateBackend({ path: 'state/op-3', cacheEntries: 50_000 });
 */
export interface LmdbStateBackendOptions {
  /** Directory of the LMDB environment (created if missing). One backend per directory. */
  readonly path: string;
  /** Entries kept in memory, across all tables (default 100,000). */
  readonly cacheEntries?: number;
  /** Most tables the directory can hold (LMDB's maxDbs; default 256). */
  readonly maxTables?: number;
  /**
   * Delete what the directory holds instead of opening it. `inDirectory` sets it: a job's state
   * starts empty unless a checkpoint restores it, and LMDB may bring the process down on a file
   * that a crash or a bad disk left corrupt. Default false.
   */
  readonly fresh?: boolean;
}

// Table t lives in the LMDB database `t:<name>`; META maps each table name to its byte count,
// written in the same transaction as the table's data.
const META = 'eddy:tables';
const TABLE_PREFIX = 't:';
/**
 * A number key in META (table names are strings), rewritten by every durable flush: LMDB skips
 * the sync of an empty transaction, and a flush must also make earlier unsynced commits durable.
 */
const SYNC_MARK = 0;
/** When the cache is full, a flush is followed by evicting down to this share of it, so that flushes stay rare. */
const LOW_WATER = 0.75;
/**
 * Commits that need not survive a machine crash skip the fsync (with overlappingSync off, lmdb
 * begins such a transaction with MDB_NOSYNC): about 10 µs instead of 300-500 µs. Checkpoints are
 * the durable copy of state; `flush()` and `close()` commit with a sync, which makes everything
 * before them durable too.
 */
const NO_SYNC: TransactionFlags = 0x10002 as number; // SYNCHRONOUS_COMMIT | NO_SYNC_FLUSH (lmdb loads lazily)
/** Entries per write transaction when loading a snapshot. */
const RESTORE_BATCH = 50_000;

const openPaths = new Set<string>();

let lmdb: typeof import('lmdb') | undefined;
/**
 * lmdb's native addon loads with the first LmdbStateBackend, not when 'eddy' is imported: a job on
 * the heap backend neither waits for it (about 30 ms) nor needs it for its platform.
 */
function loadLmdb(): typeof import('lmdb') {
  try {
    return (lmdb ??= createRequire(import.meta.url)('lmdb') as typeof import('lmdb'));
  } catch (err) {
    throw new Error(`LmdbStateBackend needs the lmdb package and its native addon for ${process.platform}-${process.arch}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Keeps keyed state in LMDB, for state larger than memory. Each table is a named LMDB database in
 * one environment (directory), in front of which a write-back cache keeps hot entries as live
 * objects: reads and writes of cached keys cost a Map lookup; a miss reads LMDB synchronously
 * (about a microsecond); writes are flushed in one transaction when the cache is full, and by
 * `flush()`, `stats()` and `close()`. The per-record path never awaits and never syncs to disk:
 * only `flush()` and `close()` do. After a process crash the directory holds the last flush; after
 * a machine crash restore from a checkpoint into a fresh directory.
 *
 * Values are encoded with msgpackr (structured clone) when they leave the cache: objects, arrays,
 * Map, Set, Date, bigint and cycles survive; class instances come back as plain objects, -0 as 0,
 * and functions inside values are lost (a symbol is an error). A string key may be at most 1977
 * bytes of UTF-8.
 *
 * @example
 * const env = StreamEnvironment.create({ stateBackend: () => new LmdbStateBackend({ path: mkdtempSync('/var/tmp/eddy-') }) });
 */
export class LmdbStateBackend implements KeyedStateBackend {
  /**
   * A backend factory for an environment: each keyed operator gets the directory
   * `<dir>/<operator id>` (its uid, or its name), emptied at start unless a checkpoint restores it.
   *
   * @example
   * StreamEnvironment.create({ stateBackend: LmdbStateBackend.inDirectory('.eddy/state/clicks') });
   */
  static inDirectory(dir: string, options: Omit<LmdbStateBackendOptions, 'path'> = {}): (ctx: StateBackendContext) => LmdbStateBackend {
    return (ctx) => new LmdbStateBackend({ fresh: true, ...options, path: join(dir, ctx.operator.replace(/[^A-Za-z0-9._-]/g, '_')) });
  }

  /** State lives on disk: window operators keep their contents here too. */
  readonly onDisk = true;
  private env!: RootDatabase;
  private meta!: Database<{ bytes: number }, string | number>;
  private readonly tables = new Map<string, LmdbTable<unknown>>();
  private readonly path: string;
  private readonly capacity: number;
  private cached = 0;
  private tracking = false;
  private dropped: string[] = [];
  private closed = false;
  private flushCount = 0;
  /**
   * A copy for a checkpoint is running: nothing may commit to LMDB until it ends (the copy's read
   * transaction starts on a worker thread at a moment we do not see), so writes stay in the cache.
   */
  private copying: Promise<void> | null = null;
  /** close() was called during a copy: it completes when the copy ends. */
  private closeAfterCopy = false;
  /** Tables dropped during a copy: gone for the job at once, removed from LMDB when the copy ends. */
  private readonly pendingDrops = new Set<string>();
  private readonly maxDbs: number;
  /** What the tables see of their backend. */
  private host!: LmdbTableHost;

  constructor(options: LmdbStateBackendOptions) {
    const capacity = options.cacheEntries ?? 100_000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`LmdbStateBackend: cacheEntries must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.path = resolve(options.path);
    if (openPaths.has(this.path)) {
      throw new Error(`LmdbStateBackend: ${this.path} is already open in this process; give each operator its own directory`);
    }
    this.maxDbs = (options.maxTables ?? 256) + 1;
    if (options.fresh === true) rmSync(this.path, { recursive: true, force: true });
    this.openEnv();
    openPaths.add(this.path);
  }

  /** Opens the environment at `path` and registers the tables it holds. */
  private openEnv(): void {
    this.env = loadLmdb().open({ path: this.path, maxDbs: this.maxDbs, overlappingSync: false });
    try {
      // lmdb's own msgpackr encoder, configured for structured clone (Map stays a Map, bigint of any size).
      this.meta = this.env.transactionSync(() => this.env.openDB(META, { encoding: 'msgpack', structuredClone: true } as object), NO_SYNC);
      const codec = (this.meta as unknown as { encoder?: ValueCodec }).encoder;
      if (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function') throw new Error('LmdbStateBackend: lmdb has no msgpack encoder');
      const flushes = () => this.flushCount;
      this.host = {
        codec,
        capacity: this.capacity,
        get flushes() {
          return flushes();
        },
        cacheGrew: () => this.cacheGrew(),
      };
      for (const { key, value } of [...this.meta.getRange()]) {
        if (typeof key === 'string') this.register(key, this.openDb(key), value.bytes);
      }
    } catch (err) {
      void this.env.close();
      throw err;
    }
  }

  /** How many flushes wrote to LMDB so far (each one transaction): for tests and metrics. */
  get flushes(): number {
    return this.flushCount;
  }

  table<V>(name: string): StateTable<V> {
    return (this.tables.get(name) ?? this.createTable(name)) as StateTable<V>;
  }

  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  /**
   * Deletes a table and its data. During a checkpoint copy the table is gone for the job at once
   * and leaves LMDB when the copy ends (nothing may commit before); its name cannot be used again
   * until then.
   */
  dropTable(name: string): void {
    const t = this.tables.get(name);
    if (t === undefined) return;
    this.assertOpen();
    if (this.copying !== null) this.pendingDrops.add(name);
    else this.dropDb(t.db, name);
    this.forget(t, 'was dropped');
    if (this.tracking) this.dropped.push(name);
  }

  private dropDb(db: Database<Buffer, Buffer>, name: string): void {
    this.env.transactionSync(() => {
      db.dropSync();
      this.meta.removeSync(name);
    }, NO_SYNC);
  }

  /** Drops in LMDB the tables dropped during a copy. */
  private dropPending(): void {
    for (const name of this.pendingDrops) this.dropDb(this.openDb(name), name);
    this.pendingDrops.clear();
  }

  snapshot(): unknown {
    this.assertOpen();
    const out: Record<string, [Key, unknown][]> = Object.create(null);
    for (const [name, t] of this.tables) out[name] = [...t.entries()];
    return out;
  }

  restore(snapshot: unknown): void {
    this.assertOpen();
    this.assertNotCopying('restore');
    const tables = parseSnapshot(snapshot);
    this.clear();
    // Straight into LMDB, a batch per transaction: no cache churn, nothing aliased.
    for (const [name, entries] of tables) {
      const db = this.openDb(name);
      let bytes = 0;
      for (let i = 0; i === 0 || i < entries.length; i += RESTORE_BATCH) { // once at least: the meta row
        this.env.transactionSync(() => {
          for (const [k, v] of entries.slice(i, i + RESTORE_BATCH)) {
            const kb = encodeStoredKey(k, name);
            const vb = this.host.codec.encode(v); // does not touch the key buffer
            db.putSync(kb, vb as Buffer);
            bytes += kb.length + vb.length;
          }
          this.meta.putSync(name, { bytes });
        }, NO_SYNC);
      }
      this.register(name, db, bytes);
    }
    this.startTracking();
  }

  changes(): StateChanges {
    this.assertOpen();
    const tables: { name: string; puts: [Key, unknown][]; deletes: Key[] }[] = [];
    for (const [name, t] of this.tables) {
      // A table that gave up tracking is replaced as a whole.
      if (t.overflowed && !this.dropped.includes(name)) this.dropped.push(name);
      const { puts, deletes } = t.delta();
      if (puts.length > 0 || deletes.length > 0) tables.push({ name, puts, deletes });
    }
    const dropped = this.dropped;
    this.startTracking();
    return { tables, dropped };
  }

  /** True when some table changed so much that a full snapshot costs no more than a delta. */
  prefersFull(): boolean {
    for (const t of this.tables.values()) if (t.overflowed) return true;
    return false;
  }

  resetChanges(): void {
    this.assertOpen();
    this.startTracking();
  }

  applyChanges(changes: StateChanges): void {
    this.assertOpen();
    for (const name of changes.dropped) this.dropTable(name);
    for (const c of changes.tables) {
      const t = this.table<unknown>(c.name);
      for (const [k, v] of c.puts) t.put(k, v);
      for (const k of c.deletes) t.delete(k);
    }
    this.startTracking();
  }

  /**
   * Each table's keys (exact, counted as they change) and the bytes of its keys and values: as
   * stored at the last flush, plus an estimate for the cache's unflushed writes (a sample of 16
   * encoded). No flush, no scan: cheap enough for metrics every few seconds.
   */
  stats(): TableStats[] {
    this.assertOpen();
    return [...this.tables].map(([name, t]) => ({ name, keys: t.size, bytes: t.approxBytes() }));
  }

  /**
   * Copies the state as of this call into `dir` for a checkpoint: flushes the cache (no sync) at
   * once, then LMDB copies its file on a worker thread (mdb_env_copy2, with O_DIRECT) while
   * processing goes on. Until the copy ends no write reaches LMDB: the cache holds them (dirty
   * entries are never evicted, so it may grow past its capacity by the keys written meanwhile).
   * Change tracking starts afresh: the next checkpoints may be deltas (`changes()`) on top of it.
   *
   * @example
   * await backend.copyTo('ckpt/chk-000007/op1-keyed-lmdb');
   */
  copyTo(dir: string): Promise<void> {
    this.assertOpen();
    this.assertNotCopying('start a second copy');
    this.writeBack(false);
    this.startTracking();
    const copy = (async () => {
      try {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await this.env.backup(dir, false);
        // LMDB wrote it with O_DIRECT; the sync makes the file's size and the device cache durable.
        const fh = await openFile(join(dir, 'data.mdb'), 'r');
        try {
          await fh.datasync();
        } finally {
          await fh.close();
        }
      } finally {
        this.copying = null;
        if (!this.closed) this.dropPending();
        if (this.closeAfterCopy) this.close();
      }
    })();
    this.copying = copy;
    return copy;
  }

  /**
   * Replaces all state with a copy `copyTo` wrote: LMDB copies it into this backend's directory
   * (again mdb_env_copy2, about a second per GB), then the environment is reopened on it.
   *
   * @example
   * await backend.restoreCopy('ckpt/chk-000007/op1-keyed-lmdb');
   */
  async restoreCopy(dir: string): Promise<void> {
    this.assertOpen();
    this.assertNotCopying('restore');
    for (const t of [...this.tables.values()]) this.forget(t, 'was replaced by restore()');
    await this.env.close();
    const source = loadLmdb().open({ path: resolve(dir), maxDbs: this.maxDbs, readOnly: true });
    try {
      rmSync(this.path, { recursive: true, force: true });
      mkdirSync(this.path, { recursive: true });
      await source.backup(this.path, false);
    } finally {
      await source.close();
      this.openEnv();
    }
    this.startTracking();
  }

  /**
   * The state in a directory `copyTo` wrote, as snapshot() gives it, for a backend of another
   * kind (and for `eddy inspect`): read through a scratch copy, the checkpoint stays untouched.
   *
   * @example
   * heap.restore(await LmdbStateBackend.readCopy('ckpt/chk-000007/op1-keyed-lmdb', tmp));
   */
  static async readCopy(dir: string, scratch: string): Promise<unknown> {
    const source = loadLmdb().open({ path: resolve(dir), readOnly: true });
    try {
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch, { recursive: true });
      await source.backup(scratch, false);
    } finally {
      await source.close();
    }
    const b = new LmdbStateBackend({ path: scratch });
    try {
      return b.snapshot();
    } finally {
      b.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  /**
   * Writes every dirty cache entry to LMDB in one transaction, synced to disk when it commits
   * (with every commit before it).
   *
   * @example
   * backend.flush(); // before copying the directory
   */
  flush(): void {
    this.assertOpen();
    this.assertNotCopying('flush');
    this.writeBack(true);
  }

  /**
   * Flushes (with a sync) and closes the directory; a failed flush still closes, then throws.
   * During a checkpoint copy, the close happens when the copy ends (writes must wait for it).
   */
  close(): void {
    if (this.closed) return;
    if (this.copying !== null) {
      this.closeAfterCopy = true;
      return;
    }
    try {
      this.writeBack(true);
    } finally {
      for (const t of this.tables.values()) t.retire('belongs to a closed backend');
      this.tables.clear();
      this.closed = true;
      openPaths.delete(this.path);
      void this.env.close();
    }
  }

  /** A table's cache grew by one entry: past capacity, flush and evict down to the low-water mark. */
  private cacheGrew(): void {
    if (++this.cached <= this.capacity) return;
    // During a copy only clean entries can go; the dirty ones wait for the next flush.
    if (this.copying === null) this.writeBack(false);
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

  /** Writes the dirty entries of every table in one transaction; with a sync when `durable`. */
  private writeBack(durable: boolean): void {
    const commits: (() => void)[] = [];
    this.env.transactionSync(() => {
      for (const [name, t] of this.tables) {
        const w = t.writeDirty();
        if (w === null) continue;
        this.meta.putSync(name, { bytes: w.bytes });
        commits.push(w.commit);
      }
      if (durable) this.meta.putSync(SYNC_MARK, { bytes: this.flushCount });
    }, durable ? undefined : NO_SYNC);
    for (const c of commits) c();
    if (commits.length > 0) this.flushCount++;
  }

  private createTable(name: string): LmdbTable<unknown> {
    this.assertOpen();
    if (this.pendingDrops.has(name)) {
      throw new Error(`LmdbStateBackend at ${this.path}: state table '${name}' was dropped during a checkpoint copy and cannot be created again before the copy ends`);
    }
    const t = this.register(name, this.openDb(name), 0);
    this.env.transactionSync(() => this.meta.putSync(name, { bytes: 0 }), NO_SYNC);
    return t;
  }

  private openDb(name: string): Database<Buffer, Buffer> {
    if (Buffer.byteLength(name) > 1900) throw new Error(`state name too long for LMDB (${Buffer.byteLength(name)} bytes, at most 1900): '${name.slice(0, 40)}…'`);
    try {
      // Inside a transaction of ours: creating the database then costs no sync of its own.
      return this.env.transactionSync(() => this.env.openDB(TABLE_PREFIX + name, { keyEncoding: 'binary', encoding: 'binary' }), NO_SYNC);
    } catch (err) {
      const full = /MDB_DBS_FULL|DBS_FULL|-30791/.test(String((err as Error).message));
      throw new Error(
        full
          ? `LmdbStateBackend: too many state tables in ${this.path} (${this.tables.size}); raise the maxTables option`
          : `LmdbStateBackend: cannot open state '${name}' in ${this.path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private register(name: string, db: Database<Buffer, Buffer>, bytes: number): LmdbTable<unknown> {
    const count = (db.getStats() as { entryCount: number }).entryCount;
    const t = new LmdbTable<unknown>(name, db, this.host, count, bytes);
    if (this.tracking) t.track();
    this.tables.set(name, t);
    return t;
  }

  /** Drops every table (data on disk included). */
  private clear(): void {
    const all = [...this.tables.values()];
    this.env.transactionSync(() => {
      for (const t of all) {
        t.db.dropSync();
        this.meta.removeSync(t.name);
      }
    }, NO_SYNC);
    for (const t of all) this.forget(t, 'was replaced by restore()');
  }

  private forget(t: LmdbTable<unknown>, why: string): void {
    this.cached -= t.cache.size;
    t.retire(why);
    this.tables.delete(t.name);
  }

  private startTracking(): void {
    this.tracking = true;
    this.dropped = [];
    for (const t of this.tables.values()) t.track();
  }

  private assertNotCopying(what: string): void {
    if (this.copying !== null) throw new Error(`LmdbStateBackend at ${this.path}: cannot ${what} while a checkpoint copy is running`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`LmdbStateBackend at ${this.path} is closed`);
  }
}
