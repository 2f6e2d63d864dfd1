/**
 * mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). The examples' make-data
 * scripts use it so that their sample data is the same bytes on every run.
 *
 * @example
 * const random = prng(42);
 * random(); // the same number every time for seed 42
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
