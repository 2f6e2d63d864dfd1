import { performance } from 'node:perf_hooks';

/**
 * A monotonic, sub-millisecond timer for measuring how long work takes (operator busy time).
 * Unlike a `Clock`, it is never injected: durations of real work are wall time by nature, and the
 * step loop's behaviour never depends on them.
 *
 * @example
 * const t0 = stopwatchMs();
 * work();
 * const spentMs = stopwatchMs() - t0;
 */
export function stopwatchMs(): number {
  return performance.now();
}
