import type { KafkaSinkOptions } from './kafka-sink-options.ts';
import { serializerFn } from './serde.ts';

/**
 * Turns records into what the producer takes: key, value, partition, headers. Built once per
 * writer, so the per-record work is the user's functions and the serializer.
 *
 * @example
 * const enc = new RecordEncoder(options); enc.value(record); enc.key?.(record);
 */
export class RecordEncoder<T> {
  readonly value: (v: T) => Buffer | string | null;
  readonly key: ((v: T) => string | Buffer | null) | null;
  readonly partition: ((v: T) => number) | null;
  readonly headers: ((v: T) => Record<string, string | Buffer>) | null;

  constructor(options: KafkaSinkOptions<T>) {
    this.value = serializerFn(options.value ?? 'json');
    this.key = options.key ?? null;
    this.partition = options.partition ?? null;
    this.headers = options.headers ?? null;
  }
}

/** Producer properties both writers share: Java-compatible partitioning, full acks. */
export function baseProducerProps(brokers: string, clientId: string): Record<string, string | number | boolean> {
  return { 'bootstrap.servers': brokers, 'client.id': clientId, 'partitioner': 'murmur2_random', 'acks': 'all', 'enable.idempotence': true };
}

/** A Buffer for the producer (librdkafka takes Buffers for values). */
export function toBuffer(v: Buffer | string | null): Buffer | null {
  return v === null ? null : typeof v === 'string' ? Buffer.from(v) : v;
}
