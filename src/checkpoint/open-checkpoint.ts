import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CheckpointStorage, CorruptCheckpointError } from './checkpoint-storage.ts';
import type { Manifest } from './manifest.ts';

/**
 * A checkpoint or savepoint found and verified on disk: its directory, the storage its state
 * files are read from, its manifest, and the newer checkpoints passed over as unusable.
 *
 * @example
 * const opened: OpenedCheckpoint = await openCheckpoint('.eddy/checkpoints/clicks');
 */
export interface OpenedCheckpoint {
  readonly dir: string;
  readonly storage: CheckpointStorage;
  readonly manifest: Manifest;
  readonly skipped: readonly string[];
}

/**
 * Opens what `path` names: a checkpoint or savepoint directory (or its MANIFEST.json), or a
 * checkpoint root, whose newest valid checkpoint is used as a job would resume from it. Every
 * state file is verified. Throws with what was found instead when it is neither.
 *
 * @example
 * const { dir, manifest } = await openCheckpoint('.eddy/checkpoints/clicks'); // dir: '.../chk-000012'
 */
export async function openCheckpoint(path: string): Promise<OpenedCheckpoint> {
  const absolute = resolve(path);
  const manifestFile = basename(absolute) === 'MANIFEST.json';
  if (manifestFile || (await exists(join(absolute, 'MANIFEST.json')))) {
    const { storage, manifest } = await CheckpointStorage.load(absolute);
    return { dir: manifestFile ? dirname(absolute) : absolute, storage, manifest, skipped: [] };
  }
  if (!(await exists(absolute))) throw new CorruptCheckpointError(`nothing at ${absolute}`);
  const storage = new CheckpointStorage(absolute);
  const skipped: string[] = [];
  const latest = await storage.latestValid((w) => skipped.push(w));
  if (latest === null) {
    const why = skipped.length > 0 ? ` (${skipped.length} unusable: ${skipped.join('; ')})` : '';
    throw new CorruptCheckpointError(`no checkpoint or savepoint at ${absolute}: it has no MANIFEST.json and no complete chk-* directory${why}`);
  }
  return { dir: join(absolute, latest.dir), storage, manifest: latest.manifest, skipped };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
