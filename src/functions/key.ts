/**
 * What a key may be. Keys are compared by value (JavaScript Map semantics), so they are primitives;
 * build a string for a composite key (`${a}|${b}`).
 *
 * @example
 * stream.keyBy((o) => o.customerId); // Key = string
 */
export type Key = string | number | bigint | boolean;

/**
 * A key function with its record type erased, as plan nodes and operators hold it. Written as a
 * method so that its parameter compares bivariantly: the builder's typed `(o: Order) => string`
 * fits, and the runtime calls it with the records of that edge, which it holds as `unknown`.
 *
 * @example
 * const key: KeySelector = (o: Order) => o.customerId;
 */
export type KeySelector = { key(value: unknown): Key }['key'];
