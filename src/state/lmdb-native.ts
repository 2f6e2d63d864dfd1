import { createRequire } from 'node:module';

let lmdb: typeof import('lmdb') | undefined;

/**
 * lmdb's native addon loads with the first LmdbStateBackend, not when 'eddy' is imported: a job on
 * the heap backend neither waits for it (about 30 ms) nor needs it for its platform.
 *
 * @example
 * const env = loadLmdb().open({ path: 'state/op-1' });
 */
export function loadLmdb(): typeof import('lmdb') {
  try {
    return (lmdb ??= createRequire(import.meta.url)('lmdb') as typeof import('lmdb'));
  } catch (err) {
    throw new Error(`LmdbStateBackend needs the lmdb package and its native addon for ${process.platform}-${process.arch}: ${(err as Error).message}`, { cause: err });
  }
}
