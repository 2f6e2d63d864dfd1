import type { Key } from '../functions/key.ts';

// The first byte of a stored key names its JavaScript type, so 1, '1', 1n and true are four keys,
// as they are in a Map. Order in LMDB does not matter to state tables; only identity does.
const STRING = 0x73; // 's' + UTF-8
const NUMBER = 0x6e; // 'n' + float64, big-endian
const BIGINT = 0x69; // 'i' + decimal digits
const BOOLEAN = 0x62; // 'b' + 0 or 1

/**
 * LMDB's limit for a key, type byte included (lmdb-js with a 4 KiB page size; larger pages allow more).
 *
 * @example
 * Buffer.byteLength(key) < MAX_KEY_BYTES; // a string key fits
 */
export const MAX_KEY_BYTES = 1978;

// One buffer for every encoding: LMDB copies a key when it reads or writes it, so a key needs to
// live only until the next call, and a cache miss copies no key bytes.
const scratch = Buffer.allocUnsafe(MAX_KEY_BYTES + 1);

/**
 * Encodes a state key for LMDB. The result is a view of a shared buffer, valid until the next call
 * (copy it to keep it). Returns null for a string key longer than LMDB allows.
 *
 * @example
 * db.getBinaryFast(encodeKey('user-1'));
 */
export function encodeKey(key: Key): Buffer | null {
  switch (typeof key) {
    case 'string': {
      scratch[0] = STRING;
      // UTF-8 takes at most 3 bytes per UTF-16 unit, so only long strings need measuring.
      if (key.length * 3 >= MAX_KEY_BYTES && Buffer.byteLength(key) >= MAX_KEY_BYTES) return null;
      const n = scratch.write(key, 1, 'utf8');
      return scratch.subarray(0, n + 1);
    }
    case 'number':
      scratch[0] = NUMBER;
      // A Map treats -0 as 0 and every NaN as one key; so does the encoding.
      scratch.writeDoubleBE(key === 0 ? 0 : Number.isNaN(key) ? Number.NaN : key, 1);
      return scratch.subarray(0, 9);
    case 'bigint': {
      scratch[0] = BIGINT;
      const digits = key.toString();
      if (digits.length >= MAX_KEY_BYTES) return null;
      const n = scratch.write(digits, 1, 'latin1');
      return scratch.subarray(0, n + 1);
    }
    case 'boolean':
      scratch[0] = BOOLEAN;
      scratch[1] = key ? 1 : 0;
      return scratch.subarray(0, 2);
    default:
      throw new TypeError(`a state key must be a string, number, bigint or boolean, got ${typeof key}`);
  }
}

/**
 * Inverse of encodeKey.
 *
 * @example
 * decodeKey(Buffer.from('suser-1')); // 'user-1'
 */
export function decodeKey(bytes: Uint8Array): Key {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (b[0]) {
    case STRING:
      return b.toString('utf8', 1);
    case NUMBER:
      return b.readDoubleBE(1);
    case BIGINT:
      return BigInt(b.toString('latin1', 1));
    case BOOLEAN:
      return b[1] === 1;
    default:
      throw new Error(`not an Eddy state key (type byte ${b[0]}): was this LMDB directory written by something else?`);
  }
}

/**
 * encodeKey for a key about to be stored: a key too long for LMDB is an error naming the state.
 *
 * @example
 * db.putSync(encodeStoredKey(key, 'count'), bytes);
 */
export function encodeStoredKey(key: Key, table: string): Buffer {
  const kb = encodeKey(key);
  if (kb !== null) return kb;
  throw new Error(
    `state key ${showKey(key)} of state '${table}' is longer than LMDB allows (${MAX_KEY_BYTES - 1} bytes as UTF-8); use a shorter key, e.g. a hash of it`,
  );
}

/**
 * A key as error messages show it: strings quoted and cut at 40 characters, bigints with their n.
 *
 * @example
 * showKey(12n); // '12n'
 */
export function showKey(key: Key): string {
  if (typeof key === 'string') return `'${key.length > 40 ? `${key.slice(0, 40)}…` : key}'`;
  return typeof key === 'bigint' ? `${key}n` : String(key);
}
