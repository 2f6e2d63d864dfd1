import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database, RootDatabase, TransactionFlags } from 'lmdb';
import type { Key } from '../functions/key.ts';
import type { BackingStore } from './backing-store.ts';
import { LmdbCheckpointCopy } from './lmdb-checkpoint-copy.ts';
import { encodeStoredKey } from './lmdb-key-codec.ts';
import { loadLmdb } from './lmdb-native.ts';
import { parseSnapshot } from './lmdb-snapshot.ts';
import { LmdbTable, type LmdbTableHost, type ValueCodec } from './lmdb-table.ts';
import type { TableStats } from './state-storage.ts';

/**
 * Where an LMDB store lives and how many tables it may hold.
 *
 * @example
 * new LmdbStore({ path: 'state/op-3', maxTables: 16 });
 */
export interface LmdbStoreOptions {
  /** Directory of the LMDB environment (created if missing). One store per directory. */
  readonly path: string;
  /** Most tables the directory can hold (LMDB's maxDbs; default 256). */
  readonly maxTables?: number;
  /** Delete what the directory holds instead of opening it (see LmdbStateBackendOptions.fresh). */
  readonly fresh?: boolean;
}

// Table t lives in the LMDB database `t:<name>`; META maps each table name to its byte count,
// written in the same transaction as the table's data.
const META = 'eddy:tables';
const TABLE_PREFIX = 't:';
/**
 * A number key in META (table names are strings), rewritten by every durable write: LMDB skips
 * the sync of an empty transaction, and a durable write must also make earlier unsynced commits durable.
 */
const SYNC_MARK = 0;
/**
 * Commits that need not survive a machine crash skip the fsync (with overlappingSync off, lmdb
 * begins such a transaction with MDB_NOSYNC): about 10 µs instead of 300-500 µs. Checkpoints are
 * the durable copy of state; durable writes (`flush()`, `close()`) make everything before them
 * durable too.
 */
const NO_SYNC: TransactionFlags = 0x10002 as number; // SYNCHRONOUS_COMMIT | NO_SYNC_FLUSH (lmdb loads lazily)
/** Entries per write transaction when loading a snapshot. */
const RESTORE_BATCH = 50_000;

const openPaths = new Set<string>();

/**
 * Keyed state in LMDB, with no cache: each table a named LMDB database in one environment
 * (directory). Reads decode from LMDB; writes commit in transactions of the caller's choosing
 * (`write`), without a sync unless asked. The write-back cache sits in front of it, and its full
 * checkpoints are copies of its file (`LmdbCheckpointCopy`).
 *
 * @example
 * const store = new LmdbStore({ path: 'state/op-1' });
 * store.write(() => store.table<number>('count').put('k', 1), false);
 */
export class LmdbStore implements BackingStore, LmdbTableHost {
  readonly onDisk = true;
  readonly path: string;
  /** lmdb's msgpackr encoder (set when the environment opens). */
  codec!: ValueCodec;
  private env!: RootDatabase;
  private meta!: Database<{ bytes: number }, string | number>;
  private readonly tables = new Map<string, LmdbTable<unknown>>();
  private readonly copy: LmdbCheckpointCopy;
  private readonly maxDbs: number;
  private closed = false;
  /** Tables written in the running transaction (null outside one). */
  private written: LmdbTable<unknown>[] | null = null;
  private syncs = 0;

  constructor(options: LmdbStoreOptions) {
    this.path = resolve(options.path);
    if (openPaths.has(this.path)) {
      throw new Error(`LmdbStateBackend: ${this.path} is already open in this process; give each operator its own directory`);
    }
    this.maxDbs = (options.maxTables ?? 256) + 1;
    if (options.fresh === true) rmSync(this.path, { recursive: true, force: true });
    this.copy = new LmdbCheckpointCopy({
      path: this.path,
      maxDbs: this.maxDbs,
      env: () => this.env,
      dropNow: (name) => this.dropNow(name),
      replaceFiles: (fill) => this.replaceFiles(fill),
      closeNow: () => this.close(),
    });
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
      this.codec = codec;
      for (const { key, value } of [...this.meta.getRange()]) {
        if (typeof key === 'string') this.register(key, this.openDb(key), value.bytes);
      }
    } catch (err) {
      void this.env.close();
      throw err;
    }
  }

  get copying(): boolean {
    return this.copy.copying;
  }

  assertNotCopying(what: string): void {
    this.copy.assertNotCopying(what);
  }

  table<V>(name: string): LmdbTable<V> {
    return (this.tables.get(name) ?? this.createTable(name)) as LmdbTable<V>;
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
    this.copy.drop(name);
    this.forget(t, 'was dropped');
  }

  write(fn: () => void, durable: boolean): void {
    if (this.written !== null) {
      fn(); // part of the running transaction
      return;
    }
    this.assertOpen();
    this.copy.assertNotCopying('write to LMDB');
    const touched: LmdbTable<unknown>[] = (this.written = []);
    let committed = false;
    try {
      this.env.transactionSync(() => {
        fn();
        for (const t of touched) this.meta.putSync(t.name, { bytes: t.bytes });
        if (durable) this.meta.putSync(SYNC_MARK, { bytes: ++this.syncs });
      }, durable ? undefined : NO_SYNC);
      committed = true;
    } finally {
      this.written = null;
      for (const t of touched) t.settle(committed);
    }
  }

  touched(table: LmdbTable<unknown>): void {
    this.written!.push(table);
  }

  snapshot(): unknown {
    this.assertOpen();
    const out: Record<string, [Key, unknown][]> = Object.create(null);
    for (const [name, t] of this.tables) out[name] = [...t.entries()];
    return out;
  }

  contents(name: string): [Key, unknown][] {
    return [...this.table(name).entries()];
  }

  restore(snapshot: unknown): void {
    this.assertOpen();
    this.copy.assertNotCopying('restore');
    const tables = parseSnapshot(snapshot);
    this.clear();
    // Straight into LMDB, a batch per transaction: nothing aliased.
    for (const [name, entries] of tables) {
      const db = this.openDb(name);
      let bytes = 0;
      for (let i = 0; i === 0 || i < entries.length; i += RESTORE_BATCH) { // once at least: the meta row
        this.env.transactionSync(() => {
          for (const [k, v] of entries.slice(i, i + RESTORE_BATCH)) {
            const kb = encodeStoredKey(k, name);
            const vb = this.codec.encode(v); // does not touch the key buffer
            db.putSync(kb, vb as Buffer);
            bytes += kb.length + vb.length;
          }
          this.meta.putSync(name, { bytes });
        }, NO_SYNC);
      }
      this.register(name, db, bytes);
    }
  }

  copyTo(dir: string): Promise<void> {
    this.assertOpen();
    return this.copy.copyTo(dir);
  }

  restoreCopy(dir: string): Promise<void> {
    this.assertOpen();
    return this.copy.restoreCopy(dir);
  }

  /** Each table's keys and the bytes of its keys and values, as committed. */
  stats(): TableStats[] {
    this.assertOpen();
    return [...this.tables].map(([name, t]) => ({ name, keys: t.size, bytes: t.bytes }));
  }

  /** Commits with a sync (making every commit before it durable) and closes; during a copy, when the copy ends. */
  close(): void {
    if (this.closed || this.copy.deferClose()) return;
    try {
      this.write(() => {}, true);
    } finally {
      for (const t of this.tables.values()) t.retire('belongs to a closed backend');
      this.tables.clear();
      this.closed = true;
      openPaths.delete(this.path);
      void this.env.close();
    }
  }

  private dropNow(name: string): void {
    if (this.closed) return;
    const db = this.tables.get(name)?.db ?? this.openDb(name);
    this.env.transactionSync(() => {
      db.dropSync();
      this.meta.removeSync(name);
    }, NO_SYNC);
  }

  private async replaceFiles(fill: (path: string) => Promise<void>): Promise<void> {
    for (const t of [...this.tables.values()]) this.forget(t, 'was replaced by restore()');
    await this.env.close();
    try {
      await fill(this.path);
    } finally {
      this.openEnv();
    }
  }

  private createTable(name: string): LmdbTable<unknown> {
    this.assertOpen();
    this.copy.assertCanCreate(name);
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
    const t = new LmdbTable<unknown>(name, db, this, count, bytes);
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
    t.retire(why);
    this.tables.delete(t.name);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`LmdbStateBackend at ${this.path} is closed`);
  }
}
