import { webcrypto } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStateBackend } from '../state/lmdb-state-backend.ts';
import type { StateChanges, StateCheckpointing } from '../state/state-checkpointing.ts';
import type { CheckpointStorage } from './checkpoint-storage.ts';
import type { FileRef } from './manifest.ts';
import { decodeState, sha256 } from './snapshot-codec.ts';

/**
 * Name of the file LMDB writes in a directory given to `copyTo`; a keyed FileRef with
 * `format: 'lmdb'` names it, and its directory is the copy.
 */
export const LMDB_DATA_FILE = 'data.mdb';

/**
 * Puts an operator's keyed state back from its checkpoint files into a backend of its own (`eddy
 * inspect` reads state this way; a job's restore goes through the graph cut): the full state (an
 * encoded snapshot, or an LMDB copy), then each delta in order.
 *
 * @example
 * await loadKeyedState(backend, storage, entry.keyed);
 */
export async function loadKeyedState(backend: StateCheckpointing, storage: CheckpointStorage, refs: readonly FileRef[]): Promise<void> {
  const [full, ...deltas] = refs;
  if (full.format === 'lmdb') {
    const dir = await storage.copyOf(full);
    if (backend.restoreCopy !== undefined) await backend.restoreCopy(dir);
    else backend.restore(await readLmdbCopy(dir));
  } else {
    backend.restore(decodeState(await storage.readFile(full)));
  }
  for (const d of deltas) backend.applyChanges(decodeState(await storage.readFile(d)) as StateChanges);
}

/**
 * An LMDB copy's state as a plain snapshot, read through a scratch copy: for a backend that cannot
 * take the copy as it is (a job that moved from LMDB to the heap backend).
 *
 * @example
 * heapBackend.restore(await readLmdbCopy('ckpt/chk-000007/op1-keyed-lmdb'));
 */
export async function readLmdbCopy(dir: string): Promise<unknown> {
  const scratch = await mkdtemp(join(tmpdir(), 'eddy-lmdb-read-'));
  try {
    return await LmdbStateBackend.readCopy(dir, join(scratch, 'env'));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Bytes per chunk of `hashFile`. */
const CHUNK = 4 << 20;
/** Chunks read ahead and hashed at once (libuv's thread pool has 4 threads by default). */
const PARALLEL = 4;

/**
 * A checksum of a large file computed off the main thread: the sha256 of the sha256 digests of
 * its 4 MiB chunks, each chunk hashed by WebCrypto on libuv's thread pool. Used for LMDB copies
 * (`format: 'lmdb'`), which may be gigabytes: a plain sha256 would cost the job about a second of
 * its only thread per GB at every checkpoint.
 *
 * @example
 * const { sha256, bytes } = await hashFile('ckpt/chk-000003/op1-keyed-lmdb/data.mdb');
 */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const digests: ArrayBuffer[] = [];
    for (let at = 0; at < size; at += CHUNK * PARALLEL) {
      const reads: Promise<ArrayBuffer>[] = [];
      for (let i = 0; i < PARALLEL && at + i * CHUNK < size; i++) {
        const offset = at + i * CHUNK;
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - offset));
        reads.push(readFully(fh, buf, offset).then(() => webcrypto.subtle.digest('SHA-256', buf)));
      }
      digests.push(...(await Promise.all(reads)));
    }
    return { sha256: sha256(Buffer.concat(digests.map((d) => Buffer.from(d)))), bytes: size };
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Buffer, offset: number): Promise<void> {
  for (let done = 0; done < buf.length;) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, offset + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${offset + done}`);
    done += bytesRead;
  }
}
