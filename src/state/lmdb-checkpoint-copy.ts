import { mkdirSync, rmSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { loadLmdb } from './lmdb-native.ts';

/**
 * What the copy protocol needs from the LMDB store it copies.
 *
 * @example
 * new LmdbCheckpointCopy({ path, maxDbs, env: () => env, dropNow, replaceFiles, closeNow });
 */
export interface LmdbCopyHost {
  /** The store's directory. */
  readonly path: string;
  readonly maxDbs: number;
  env(): RootDatabase;
  /** Drops a table's database in LMDB. */
  dropNow(name: string): void;
  /** Closes the environment, lets `fill` write the directory anew, and opens it again. */
  replaceFiles(fill: (path: string) => Promise<void>): Promise<void>;
  /** A close that was asked for during the copy. */
  closeNow(): void;
}

/**
 * The checkpoint-copy protocol of the LMDB store: a full checkpoint is LMDB copying its own file
 * (mdb_env_copy2, with O_DIRECT) on a worker thread while processing goes on. The copy's read
 * transaction starts there at a moment the main thread does not see, so until the copy ends
 * nothing may commit: the write-back cache holds the writes, table drops wait here (the table is
 * gone for the job at once), and so does a close. A copy comes back by copying it again, into the
 * store's directory (`restoreCopy`), or into a scratch directory to be read (`readCopy`).
 *
 * @example
 * await copy.copyTo('ckpt/chk-000007/op1-keyed-lmdb');
 */
export class LmdbCheckpointCopy {
  private running: Promise<void> | null = null;
  private closeAfter = false;
  /** Tables dropped during the copy: gone for the job at once, removed from LMDB when it ends. */
  private readonly pendingDrops = new Set<string>();

  constructor(private readonly host: LmdbCopyHost) {}

  get copying(): boolean {
    return this.running !== null;
  }

  assertNotCopying(what: string): void {
    if (this.running !== null) throw new Error(`LmdbStateBackend at ${this.host.path}: cannot ${what} while a checkpoint copy is running`);
  }

  /** Drops a table in LMDB now, or when the running copy ends. */
  drop(name: string): void {
    if (this.running !== null) this.pendingDrops.add(name);
    else this.host.dropNow(name);
  }

  /** A table dropped during the copy keeps its name until the copy ends: its data is still in LMDB. */
  assertCanCreate(name: string): void {
    if (this.pendingDrops.has(name)) {
      throw new Error(`LmdbStateBackend at ${this.host.path}: state table '${name}' was dropped during a checkpoint copy and cannot be created again before the copy ends`);
    }
  }

  /** True when the close must wait for the running copy (it then happens when the copy ends). */
  deferClose(): boolean {
    if (this.running === null) return false;
    this.closeAfter = true;
    return true;
  }

  /**
   * Copies the environment as it is now into `dir` on a worker thread; the caller has flushed
   * what the copy must hold. The directory's file is synced before the promise resolves.
   */
  copyTo(dir: string): Promise<void> {
    this.assertNotCopying('start a second copy');
    const copy = (async () => {
      try {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await this.host.env().backup(dir, false);
        // LMDB wrote it with O_DIRECT; the sync makes the file's size and the device cache durable.
        const fh = await openFile(join(dir, 'data.mdb'), 'r');
        try {
          await fh.datasync();
        } finally {
          await fh.close();
        }
      } finally {
        this.running = null;
        for (const name of this.pendingDrops) this.host.dropNow(name);
        this.pendingDrops.clear();
        if (this.closeAfter) this.host.closeNow();
      }
    })();
    this.running = copy;
    return copy;
  }

  /** Replaces the store's files with a copy `copyTo` wrote (again mdb_env_copy2, about a second per GB). */
  async restoreCopy(dir: string): Promise<void> {
    this.assertNotCopying('restore');
    await this.host.replaceFiles(async (path) => {
      const source = loadLmdb().open({ path: resolve(dir), maxDbs: this.host.maxDbs, readOnly: true });
      try {
        rmSync(path, { recursive: true, force: true });
        mkdirSync(path, { recursive: true });
        await source.backup(path, false);
      } finally {
        await source.close();
      }
    });
  }

  /**
   * The state in a directory `copyTo` wrote, read through a scratch copy (the checkpoint stays
   * untouched) by a store that `open` makes there and closes after `read`.
   */
  static async readCopy<S extends { close(): void }>(dir: string, scratch: string, open: (path: string) => S, read: (store: S) => unknown): Promise<unknown> {
    const source = loadLmdb().open({ path: resolve(dir), readOnly: true });
    try {
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch, { recursive: true });
      await source.backup(scratch, false);
    } finally {
      await source.close();
    }
    const store = open(scratch);
    try {
      return read(store);
    } finally {
      store.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
