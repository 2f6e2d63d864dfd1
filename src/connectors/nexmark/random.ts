/**
 * A small seeded PRNG on 32-bit integers. The generator re-seeds one instance per event from the
 * event id (as Beam does), so any event can be regenerated on its own and a replay may start at any
 * event number. Everything is `Math.imul` and shifts on a single number field: no BigInt and no
 * allocation per call, because a bid costs about ten draws and we aim for millions of bids a second.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
// Below this bound `u32 * bound` is exact in a double, so the fast path has no rounding bias.
const EXACT_BOUND = 1 << 21;

/**
 * Murmur3's 32-bit finaliser: neighbouring inputs (event ids n and n + 1) map to unrelated states.
 *
 * @example
 * mix32(1) !== mix32(2); // and the two share no visible pattern
 */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Mulberry32, re-seedable. One instance is reused for every event; `seed` fixes the whole sequence.
 *
 * @example
 * const rng = new SeededRandom();
 * rng.seed(12345);
 * const die = 1 + rng.nextInt(6); // the same value every time event 12345 is generated
 */
export class SeededRandom {
  private state = 0;

  /**
   * Starts the sequence for `id` (any non-negative integer up to 2^53) in the given `stream`, so
   * the event stream and the tables built at start-up never share a sequence.
   *
   * @example
   * rng.seed(eventId);          // the event's own sequence
   * rng.seed(channelIndex, 1);  // an unrelated sequence for a lookup table
   */
  seed(id: number, stream = 0): void {
    // Both halves of the id take part, so ids 2^32 apart do not repeat each other's events.
    const lo = id >>> 0;
    const hi = (id / TWO_POW_32) >>> 0;
    this.state = mix32(lo ^ mix32(hi ^ mix32(stream + 0x9e3779b9)));
  }

  /**
   * The next 32 random bits as an unsigned integer.
   *
   * @example
   * const bits = rng.nextUint32(); // 0 <= bits < 2 ** 32
   */
  nextUint32(): number {
    const s = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * A uniform integer in [0, bound); `bound` must be a positive integer up to 2^53.
   *
   * @example
   * const category = 10 + rng.nextInt(5); // 10..14
   */
  nextInt(bound: number): number {
    if (bound <= EXACT_BOUND) return Math.floor(this.nextUint32() * bound * TWO_POW_MINUS_32);
    // Large bounds (long auction horizons at very low event rates) need all 53 bits.
    const r = Math.floor(this.nextDouble53() * bound);
    return r < bound ? r : bound - 1;
  }

  /**
   * A uniform double in [0, 1) with 32 bits of resolution, plenty for prices and probabilities.
   *
   * @example
   * const price = Math.round(10 ** (rng.nextDouble() * 6) * 100);
   */
  nextDouble(): number {
    return this.nextUint32() * TWO_POW_MINUS_32;
  }

  private nextDouble53(): number {
    const hi = this.nextUint32() >>> 11;
    const lo = this.nextUint32();
    return (hi * TWO_POW_32 + lo) * TWO_POW_MINUS_53;
  }
}
