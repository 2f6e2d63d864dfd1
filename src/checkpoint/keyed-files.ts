import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LmdbStateBackend } from '../state/lmdb-state-backend.ts';
import type { KeyedStateBackend, StateChanges } from '../state/state-table.ts';
import type { CheckpointStorage } from './checkpoint-storage.ts';
import type { FileRef } from './manifest.ts';
import { decodeState } from './snapshot-codec.ts';

/**
 * Name of the file LMDB writes in a directory given to `copyTo`; a keyed FileRef with
 * `format: 'lmdb'` names it, and its directory is the copy.
 */
export const LMDB_DATA_FILE = 'data.mdb';

/**
 * Puts an operator's keyed state back from its checkpoint files: the full state (an encoded
 * snapshot, or an LMDB copy), then each delta in order. An LMDB copy goes back by
 * `restoreCopy` when the backend has it (LMDB copying its own file), else it is read through a
 * scratch copy and restored as a snapshot (a job that moved from LMDB to the heap backend).
 *
 * @example
 * await loadKeyedState(op.backend, storage, entry.keyed);
 */
export async function loadKeyedState(backend: KeyedStateBackend, storage: CheckpointStorage, refs: readonly FileRef[]): Promise<void> {
  const [full, ...deltas] = refs;
  if (full.format === 'lmdb') {
    const dir = dirname(storage.pathOf(full));
    if (backend.restoreCopy !== undefined) {
      await backend.restoreCopy(dir);
    } else {
      const scratch = await mkdtemp(join(tmpdir(), 'eddy-lmdb-read-'));
      try {
        backend.restore(await LmdbStateBackend.readCopy(dir, join(scratch, 'env')));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }
  } else {
    backend.restore(decodeState(await storage.readFile(full)));
  }
  for (const d of deltas) backend.applyChanges(decodeState(await storage.readFile(d)) as StateChanges);
}

/**
 * sha256 and size of a file read as a stream (an LMDB copy may be larger than memory wants).
 *
 * @example
 * const { sha256, bytes } = await hashFile('ckpt/chk-000003/op1-keyed-lmdb/data.mdb');
 */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}
