/*
 * Dewey numbers version the branches of a key's partial matches (Flink's DeweyNumber): a branch's
 * edges in the shared buffer carry its version, and a match is read back by following only the
 * edges compatible with it. Plain number arrays, never changed once made, so that branches share
 * them and the state backend stores them as they are.
 */

/** The version with its last digit raised by `n` (the same array when `n` is 0). @example increase([1, 0], 2); // [1, 2] */
export function increase(v: readonly number[], n: number): number[] {
  if (n === 0) return v as number[];
  const out = v.slice();
  out[out.length - 1] += n;
  return out;
}

/** The version one stage deeper. @example addStage([1, 2]); // [1, 2, 0] */
export function addStage(v: readonly number[]): number[] {
  return increaseAndAddStage(v, 0);
}

/** `addStage(increase(v, n))` in one array. @example increaseAndAddStage([1, 0], 2); // [1, 2, 0] */
export function increaseAndAddStage(v: readonly number[], n: number): number[] {
  const len = v.length;
  const out = new Array<number>(len + 1);
  for (let i = 0; i < len; i++) out[i] = v[i];
  out[len - 1] += n;
  out[len] = 0;
  return out;
}

/**
 * Whether a branch at version `a` may follow an edge at version `b`: `b` is a prefix of `a`, or
 * they differ only in the last digit, which is not smaller in `a`.
 *
 * @example
 * isCompatible([1, 0, 0], [1, 0]); // true
 * isCompatible([1, 1], [1, 2]); // false
 */
export function isCompatible(a: readonly number[], b: readonly number[]): boolean {
  const la = a.length;
  const lb = b.length;
  if (la > lb) {
    for (let i = 0; i < lb; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (la === lb) {
    const last = la - 1;
    for (let i = 0; i < last; i++) if (a[i] !== b[i]) return false;
    return a[last] >= b[last];
  }
  return false;
}
