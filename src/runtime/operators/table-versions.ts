/**
 * The versions of one table row, oldest first: [version time, row], row null for a delete. Plain
 * arrays so that the state backend can store and checkpoint them as they are.
 */
export type Versions = [number, unknown][];

/** Index of the first entry whose time is > `time` (entries sorted by time). */
function upperBound(list: readonly [number, unknown][], time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid][0] <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds a version in time order; a version at the same time as an existing one replaces it (the
 * later arrival wins, as an upsert would).
 *
 * @example
 * const v: Versions = []; addVersion(v, 10, { price: 3 }); addVersion(v, 5, null); // [[5, null], [10, {price: 3}]]
 */
export function addVersion(versions: Versions, time: number, row: unknown): void {
  const at = upperBound(versions, time);
  if (at > 0 && versions[at - 1][0] === time) versions[at - 1][1] = row;
  else versions.splice(at, 0, [time, row]);
}

/**
 * The row valid at `time`: the latest version at or before it; undefined when there is none or it
 * is a delete.
 *
 * @example
 * versionAt([[5, 'a'], [10, 'b']], 7); // 'a'
 */
export function versionAt(versions: Versions, time: number): unknown {
  const at = upperBound(versions, time);
  if (at === 0) return undefined;
  const row = versions[at - 1][1];
  return row === null ? undefined : row;
}

/**
 * Forgets versions that no event at a time > `upTo` can need: all at or before `upTo` except the
 * latest of them, and that one too when it is a delete. Returns whether anything was removed.
 *
 * @example
 * const v: Versions = [[1, 'a'], [2, 'b'], [9, 'c']]; pruneVersions(v, 5); // v = [[2, 'b'], [9, 'c']]
 */
export function pruneVersions(versions: Versions, upTo: number): boolean {
  const at = upperBound(versions, upTo);
  if (at === 0) return false;
  const drop = versions[at - 1][1] === null ? at : at - 1;
  if (drop === 0) return false;
  versions.splice(0, drop);
  return true;
}

/**
 * Inserts an event into a time-sorted buffer, after any with the same time (arrival order kept).
 *
 * @example
 * const p: [number, unknown][] = []; insertByTime(p, 5, 'x');
 */
export function insertByTime(buffer: [number, unknown][], time: number, value: unknown): void {
  const n = buffer.length;
  if (n === 0 || buffer[n - 1][0] <= time) buffer.push([time, value]);
  else buffer.splice(upperBound(buffer, time), 0, [time, value]);
}

/** Number of leading entries with time <= `time`. */
export function countUpTo(buffer: readonly [number, unknown][], time: number): number {
  return upperBound(buffer, time);
}
