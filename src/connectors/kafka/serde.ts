/**
 * Turns the bytes of a Kafka key or value into a record field: a built-in name or a function.
 * A function that throws sends the record to the dead-letter output (with topic/partition@offset).
 *
 * @example
 * sources.kafka<Payment>({ ..., value: 'json' });
 * sources.kafka<string>({ ..., value: (b) => b!.toString('latin1') });
 */
export type Deserializer<T> = 'json' | 'string' | 'bytes' | ((bytes: Buffer | null) => T);

/**
 * Turns a record (or its key) into Kafka bytes: a built-in name or a function.
 *
 * @example
 * sinks.kafka<Alert>({ ..., value: 'json', key: (a) => a.card });
 */
export type Serializer<T> = 'json' | 'string' | ((value: T) => Buffer | string | null);

/**
 * Resolves a deserializer to a function (built-ins: JSON.parse of UTF-8, UTF-8 text, the Buffer).
 *
 * @example
 * const parse = deserializerFn<Click>('json'); parse(Buffer.from('{"a":1}'));
 */
export function deserializerFn<T>(d: Deserializer<T>): (bytes: Buffer | null) => T {
  if (typeof d === 'function') return d;
  switch (d) {
    case 'json':
      return (b) => {
        if (b === null) throw new Error('null value (a tombstone) cannot be parsed as JSON');
        return JSON.parse(b.toString('utf8')) as T;
      };
    case 'string':
      return (b) => (b === null ? null : b.toString('utf8')) as T;
    case 'bytes':
      return (b) => b as T;
    default:
      throw new Error(`Kafka: unknown deserializer ${JSON.stringify(d)}; use 'json', 'string', 'bytes' or a function`);
  }
}

/**
 * Resolves a serializer to a function (built-ins: JSON.stringify, String).
 *
 * @example
 * const toBytes = serializerFn<Alert>('json'); toBytes({ card: 'c1' });
 */
export function serializerFn<T>(s: Serializer<T>): (value: T) => Buffer | string | null {
  if (typeof s === 'function') return s;
  switch (s) {
    case 'json':
      return (v) => JSON.stringify(v);
    case 'string':
      return (v) => (v === null || v === undefined ? null : String(v));
    default:
      throw new Error(`Kafka: unknown serializer ${JSON.stringify(s)}; use 'json', 'string' or a function`);
  }
}
