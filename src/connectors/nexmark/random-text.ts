import { SeededRandom } from './random.ts';

/**
 * Random strings for item names, descriptions, e-mail parts and `extra` padding.
 *
 * Instead of drawing every character, we cut a window at a random offset out of a fixed pool
 * of random characters. That is what nexmark/nexmark already does for `extra`; we do it for the
 * other strings too, with a second pool that has the reference's character distribution (a space
 * with probability 1/13, else a-z). A window of an i.i.d. sequence has the distribution of a fresh
 * draw, and a window of 13 or more characters costs V8 a small slice header instead of a copy and
 * two draws instead of one or two per character. The pools come from fixed seeds, so the stream
 * stays a pure function of the event number.
 */

/**
 * Characters in the padding pool; padding longer than this cannot be cut (config.ts checks that).
 *
 * @example
 * PADDING_POOL_LENGTH; // 1_048_576
 */
export const PADDING_POOL_LENGTH = 1 << 20;

// Text windows are under 100 characters, so a quarter of the padding pool gives ample variety.
const TEXT_POOL_LENGTH = 1 << 18;
const MIN_STRING_LENGTH = 3;
const SPACE = 32;
const LOWER_A = 97;
// Seed streams of the pools; the event stream uses stream 0.
const TEXT_STREAM = 0x7e47;
const PADDING_STREAM = 0x9ad0;

let textPool = '';
let paddingPool = '';

function buildPool(length: number, stream: number, withSpaces: boolean): string {
  const rng = new SeededRandom();
  rng.seed(0, stream);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    // One draw a character: the low part decides space or not, the rest picks the letter.
    const bits = rng.nextUint32();
    const space = withSpaces && bits % 13 === 0;
    bytes[i] = space ? SPACE : LOWER_A + (Math.floor(bits / 13) % 26);
  }
  // Decoding the bytes as Latin-1 makes a flat one-byte string in one native call.
  return new TextDecoder('latin1').decode(bytes);
}

function getTextPool(): string {
  return textPool.length > 0 ? textPool : (textPool = buildPool(TEXT_POOL_LENGTH, TEXT_STREAM, true));
}

function getPaddingPool(): string {
  return paddingPool.length > 0 ? paddingPool : (paddingPool = buildPool(PADDING_POOL_LENGTH, PADDING_STREAM, false));
}

/**
 * A string of 3 to `maxLength - 1` characters, each a space with probability 1/13 or a letter,
 * then trimmed (so it may come out shorter, even empty), as the reference's `nextString`.
 *
 * @example
 * const itemName = randomText(rng, 20);
 */
export function randomText(rng: SeededRandom, maxLength: number): string {
  const pool = getTextPool();
  const length = MIN_STRING_LENGTH + rng.nextInt(maxLength - MIN_STRING_LENGTH);
  let start = rng.nextInt(pool.length - length + 1);
  let end = start + length;
  while (start < end && pool.charCodeAt(start) === SPACE) start++;
  while (end > start && pool.charCodeAt(end - 1) === SPACE) end--;
  return pool.slice(start, end);
}

/**
 * Letters that bring a record of `currentSize` bytes to `averageSize` on average: uniform within
 * +-20% of the gap, and empty when the record is already larger (the reference's `nextExtra`).
 *
 * @example
 * const extra = randomPadding(rng, 32, config.avgBidByteSize); // 54 to 81 letters
 */
export function randomPadding(rng: SeededRandom, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return '';
  const gap = averageSize - currentSize;
  const delta = Math.round(gap * 0.2);
  const size = gap - delta + (delta === 0 ? 0 : rng.nextInt(2 * delta));
  const pool = getPaddingPool();
  const start = rng.nextInt(pool.length - size + 1);
  return pool.slice(start, start + size);
}
