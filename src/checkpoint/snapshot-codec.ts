import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

/**
 * State is written with V8's structured-clone serializer: it keeps Map, Set, bigint, Date and
 * typed arrays, which JSON would lose, and reads older format versions.
 *
 * @example
 * decodeState(encodeState(new Map([['a', 1n]]))); // Map { 'a' => 1n }
 */
export function encodeState(value: unknown): Buffer {
  return serialize(value);
}

/** Inverse of encodeState. */
export function decodeState(bytes: Buffer): unknown {
  return deserialize(bytes);
}

/** Hex sha256 of bytes or a string. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
