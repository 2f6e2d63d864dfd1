import type { Key } from '../functions/key.ts';

/**
 * Checks that a snapshot has the shape snapshot() gives: { [table]: [key, value][] } (or a Map per
 * table, as the heap backend gives), and returns its tables as entry lists.
 *
 * @example
 * parseSnapshot({ count: [['k', 1]] }); // [['count', [['k', 1]]]]
 */
export function parseSnapshot(snapshot: unknown): [string, readonly (readonly [Key, unknown])[]][] {
  const bad = (why: string) => new Error(`LmdbStateBackend.restore: not a state snapshot (${why}); pass what snapshot() returned`);
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) throw bad('expected an object of tables');
  const out: [string, readonly (readonly [Key, unknown])[]][] = [];
  for (const [name, entries] of Object.entries(snapshot)) {
    if (entries instanceof Map) {
      out.push([name, [...(entries as Map<Key, unknown>)]]);
      continue;
    }
    if (!Array.isArray(entries)) throw bad(`table '${name}' is not an array of [key, value]`);
    out.push([name, entries as [Key, unknown][]]);
  }
  return out;
}
