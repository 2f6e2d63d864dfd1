import type { SeededRandom } from './random.ts';

/**
 * A price in cents, log-uniform between 1.00 and 1,000,000.00 as in the reference: many small
 * bids and a long tail of large ones, which is what gives the max-price queries (q4, q7) work.
 *
 * @example
 * const initialBid = randomPrice(rng); // 100 <= initialBid <= 100_000_000
 */
export function randomPrice(rng: SeededRandom): number {
  return Math.round(10 ** (rng.nextDouble() * 6) * 100);
}
