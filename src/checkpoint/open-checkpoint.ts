import { stat } from 'node:fs/promises';
import { baseOf, isObjectStoreUrl, normalizeLocation, parentOf, storeAt, type StoreOptions } from './checkpoint-location.ts';
import { CheckpointStorage, CorruptCheckpointError } from './checkpoint-storage.ts';
import type { Manifest } from './manifest.ts';

const MANIFEST = 'MANIFEST.json';

/**
 * A checkpoint or savepoint found and verified: its location (a directory or `s3://` URL), the
 * storage its state files are read from, its manifest, and the newer checkpoints passed over as unusable.
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
 * Loads and verifies one checkpoint or savepoint: a directory (or `s3://` prefix) holding a
 * manifest, or the manifest itself. Its state files are referenced relative to its parent.
 *
 * @example
 * const { storage, manifest } = await loadCheckpoint('savepoints/sp-1');
 */
export async function loadCheckpoint(path: string, options: StoreOptions = {}): Promise<{ storage: CheckpointStorage; manifest: Manifest; dir: string }> {
  const location = baseOf(path) === MANIFEST ? parentOf(path) : normalizeLocation(path);
  const storage = new CheckpointStorage(storeAt(parentOf(location), options));
  return { storage, manifest: await storage.verify(baseOf(location)), dir: location };
}

/**
 * Opens what `path` names: a checkpoint or savepoint directory (or its MANIFEST.json), or a
 * checkpoint root, whose newest valid checkpoint is used as a job would resume from it; each may
 * be an `s3://` location (reached with `options`, else the AWS environment variables). Every
 * state file is verified. Throws with what was found instead when it is neither.
 *
 * @example
 * const { dir, manifest } = await openCheckpoint('.eddy/checkpoints/clicks'); // dir: '.../chk-000012'
 */
export async function openCheckpoint(path: string, options: StoreOptions = {}): Promise<OpenedCheckpoint> {
  const location = normalizeLocation(path);
  const named = baseOf(location) === MANIFEST ? parentOf(location) : location;
  if (baseOf(location) === MANIFEST || (await storeAt(parentOf(named), options).size(`${baseOf(named)}/${MANIFEST}`)) !== null) {
    const { storage, manifest } = await loadCheckpoint(named, options);
    return { dir: named, storage, manifest, skipped: [] };
  }
  const store = storeAt(location, options);
  const found = isObjectStoreUrl(location) ? (await store.entries()).length > 0 : await stat(location).then(() => true, () => false);
  if (!found) throw new CorruptCheckpointError(`nothing at ${location}`);
  const storage = new CheckpointStorage(store);
  const skipped: string[] = [];
  const latest = await storage.latestValid((w) => skipped.push(w));
  if (latest === null) {
    const why = skipped.length > 0 ? ` (${skipped.length} unusable: ${skipped.join('; ')})` : '';
    throw new CorruptCheckpointError(`no checkpoint or savepoint at ${location}: it has no MANIFEST.json and no complete chk-* directory${why}`);
  }
  return { dir: `${location}/${latest.dir}`, storage, manifest: latest.manifest, skipped };
}
