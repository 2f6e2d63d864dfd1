import { join } from 'node:path';
import { LayeredStateBackend } from './layered-state-backend.ts';
import { LmdbCheckpointCopy } from './lmdb-checkpoint-copy.ts';
import { LmdbStore } from './lmdb-store.ts';
import type { StateBackendContext } from './keyed-state-backend.ts';
import { WriteBackCache } from './write-back-cache.ts';

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

/** The parts of the chain the backend reaches past the outer layers: the cache (for `flush`) and the store. */
interface Parts {
  readonly store: LmdbStore;
  readonly cache: WriteBackCache;
  readonly capacity: number;
}

function parts(options: LmdbStateBackendOptions): Parts {
  const capacity = options.cacheEntries ?? 100_000;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`LmdbStateBackend: cacheEntries must be an integer >= 1, got ${capacity}`);
  const store = new LmdbStore(options);
  return { store, cache: new WriteBackCache(store, capacity), capacity };
}

/**
 * Keeps keyed state in LMDB, for state larger than memory. Each table is a named LMDB database in
 * one environment (directory), in front of which a write-back cache keeps hot entries as live
 * objects: reads and writes of cached keys cost a Map lookup; a miss reads LMDB synchronously
 * (about a microsecond); writes are flushed in one transaction when the cache is full, and by
 * `flush()` and `close()`. The per-record path never awaits and never syncs to disk: only
 * `flush()` and `close()` do. After a process crash the directory holds the last flush; after a
 * machine crash restore from a checkpoint into a fresh directory. Its full checkpoints are copies
 * of LMDB's file made off the main thread (`copyTo`).
 *
 * Values are encoded with msgpackr (structured clone) when they leave the cache: objects, arrays,
 * Map, Set, Date, bigint and cycles survive; class instances come back as plain objects, -0 as 0,
 * and functions inside values are lost (a symbol is an error). A string key may be at most 1977
 * bytes of UTF-8.
 *
 * @example
 * const env = StreamEnvironment.create({ stateBackend: () => new LmdbStateBackend({ path: mkdtempSync('/var/tmp/eddy-') }) });
 */
export class LmdbStateBackend extends LayeredStateBackend {
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

  /**
   * The state in a directory `copyTo` wrote, as snapshot() gives it, for a backend of another
   * kind (and for `eddy inspect`): read through a scratch copy, the checkpoint stays untouched.
   *
   * @example
   * heap.restore(await LmdbStateBackend.readCopy('ckpt/chk-000007/op1-keyed-lmdb', tmp));
   */
  static readCopy(dir: string, scratch: string): Promise<unknown> {
    return LmdbCheckpointCopy.readCopy(dir, scratch, (path) => new LmdbStore({ path }), (store) => store.snapshot());
  }

  private readonly parts: Parts;

  constructor(options: LmdbStateBackendOptions) {
    const p = parts(options);
    // The tracker holds the values of the keys it tracks: bounded like the cache.
    super(p.cache, p.capacity);
    this.parts = p;
  }

  /** How many flushes wrote to LMDB so far (each one transaction): for tests and metrics. */
  get flushes(): number {
    return this.parts.cache.flushes;
  }

  /**
   * Writes every dirty cache entry to LMDB in one transaction, synced to disk when it commits
   * (with every commit before it).
   *
   * @example
   * backend.flush(); // before copying the directory
   */
  flush(): void {
    this.parts.store.assertNotCopying('flush');
    this.parts.cache.flush(true);
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
    return this.top.copyTo!(dir);
  }

  /**
   * Replaces all state with a copy `copyTo` wrote: LMDB copies it into this backend's directory
   * (again mdb_env_copy2, about a second per GB), then the environment is reopened on it.
   *
   * @example
   * await backend.restoreCopy('ckpt/chk-000007/op1-keyed-lmdb');
   */
  restoreCopy(dir: string): Promise<void> {
    return this.top.restoreCopy!(dir);
  }
}
