/**
 * What a key may be. Keys are compared by value (JavaScript Map semantics), so they are primitives;
 * build a string for a composite key (`${a}|${b}`).
 *
 * @example
 * stream.keyBy((o) => o.customerId); // Key = string
 */
export type Key = string | number | bigint | boolean;
