import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { CheckpointStore } from './checkpoint-store.ts';
import { DirectoryStore } from './directory-store.ts';
import { ObjectStore } from './object-store/object-store.ts';
import type { ObjectStoreOptions } from './object-store/object-store-options.ts';

/** Object store options when none are given: all from the environment (one object, so one client). */
const FROM_ENVIRONMENT: ObjectStoreOptions = {};

/** How to reach a location's store: object store options, and the local directory of an object store. */
export interface StoreOptions {
  readonly objectStore?: ObjectStoreOptions;
  readonly localDir?: string;
}

/**
 * Whether a checkpoint location names an object store (`s3://bucket/prefix`) rather than a directory.
 *
 * @example
 * isObjectStoreUrl('s3://state/clicks'); // true
 */
export function isObjectStoreUrl(location: string): boolean {
  return /^s3:\/\//i.test(location);
}

/**
 * A location as checkpoints name it: an absolute directory, or an object store URL without a trailing slash.
 *
 * @example
 * normalizeLocation('ckpt'); // '/home/me/job/ckpt'
 */
export function normalizeLocation(location: string): string {
  return isObjectStoreUrl(location) ? location.replace(/\/+$/, '') : resolve(location);
}

/**
 * The location holding `location` (its parent directory or prefix).
 *
 * @example
 * parentOf('s3://state/savepoints/sp-1'); // 's3://state/savepoints'
 */
export function parentOf(location: string): string {
  const l = normalizeLocation(location);
  if (!isObjectStoreUrl(l)) return dirname(l);
  const cut = l.lastIndexOf('/');
  return cut <= 'S3://'.length ? l : l.slice(0, cut);
}

/**
 * The last part of a location's path.
 *
 * @example
 * baseOf('s3://state/savepoints/sp-1'); // 'sp-1'
 */
export function baseOf(location: string): string {
  return basename(normalizeLocation(location));
}

/**
 * The local directory of a checkpoint location: the directory itself, or for an object store the
 * given `localDir` or `<tmp>/eddy-<hash of the URL>` (the same for every process of this machine
 * and user, so that `eddy savepoint s3://...` finds the job's control socket).
 *
 * @example
 * localDirOf('s3://state/clicks'); // '/tmp/eddy-3f2a9c0d1b7e4a55'
 */
export function localDirOf(location: string, localDir?: string): string {
  const l = normalizeLocation(location);
  if (!isObjectStoreUrl(l)) return l;
  return localDir !== undefined ? resolve(localDir) : join(tmpdir(), `eddy-${createHash('sha256').update(l).digest('hex').slice(0, 16)}`);
}

/**
 * The store behind a checkpoint location: a directory, or an object store for `s3://`.
 *
 * @example
 * const store = storeAt('s3://state/clicks', { objectStore: { endpoint: 'http://127.0.0.1:9000' } });
 */
export function storeAt(location: string, options: StoreOptions = {}): CheckpointStore {
  const l = normalizeLocation(location);
  if (!isObjectStoreUrl(l)) return new DirectoryStore(l);
  return new ObjectStore(l, options.objectStore ?? FROM_ENVIRONMENT, localDirOf(l, options.localDir));
}
