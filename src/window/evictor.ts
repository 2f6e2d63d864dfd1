/**
 * Removes elements from a window before it fires (used by sliding count windows, which keep the
 * last `size` elements). Returns how many of the oldest elements to drop.
 *
 * @example
 * const keepLast10 = CountEvictor.of(10);
 * keepLast10.evictCount(15); // 5
 */
export interface Evictor {
  evictCount(elementCount: number): number;
  describe(): string;
}

/**
 * Keeps at most `max` elements: the most recent ones.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(CountEvictor.of(100)).trigger(CountTrigger.of(10));
 */
export const CountEvictor = Object.freeze({
  of(max: number): Evictor {
    if (!Number.isInteger(max) || max < 1) throw new Error(`CountEvictor.of(max): max must be an integer >= 1, got ${max}`);
    return { evictCount: (n) => Math.max(0, n - max), describe: () => `CountEvictor(${max})` };
  },
});
