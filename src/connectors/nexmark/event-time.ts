import type { NexmarkConfig } from './config.ts';

/**
 * The generator's clock. Event n is emitted n-th, but it takes the time (and the id) of its
 * "adjusted" number, a fixed shuffle within groups of outOfOrderGroupSize events. Times are
 * synthetic, spaced by interEventDelayUs, so they never depend on how fast we generate.
 */

/**
 * The shuffled position of event `n`: the reference's `(n / G) * G + (n * 953) % G`. 953 is prime,
 * so for any G that is not a multiple of it each group is a permutation of itself and every id is
 * still used exactly once.
 *
 * @example
 * adjustedEventNumber(nexmarkConfig({ outOfOrderGroupSize: 50 }), 1); // 3 (953 % 50)
 */
export function adjustedEventNumber(config: NexmarkConfig, n: number): number {
  const g = config.outOfOrderGroupSize;
  if (g === 1) return n;
  const inGroup = n % g;
  // (n * 953) % g computed from n % g: same value, and no precision loss for n beyond 2^53 / 953.
  return n - inGroup + ((inGroup * 953) % g);
}

/**
 * The event time of (adjusted) event number `a`, epoch ms: truncated microseconds, then whole
 * milliseconds, as the reference's `baseTime + (long) (a * interEventDelayUs) / 1000`.
 *
 * @example
 * eventTimeAt(nexmarkConfig(), 25); // baseTime + 2 (25 events at 100 us each is 2.5 ms)
 */
export function eventTimeAt(config: NexmarkConfig, a: number): number {
  return config.baseTime + Math.floor(Math.floor(a * config.interEventDelayUs) / 1000);
}
