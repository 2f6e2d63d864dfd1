import type { KafkaProperties } from './kafka-client.ts';
import type { Serializer } from './serde.ts';

/**
 * Options of `sinks.kafka`.
 *
 * @example
 * sinks.kafka<Alert>({ brokers, topic: 'fraud.alerts', key: (a) => a.card, value: 'json', guarantee: 'exactly-once' });
 */
export interface KafkaSinkOptions<T> {
  readonly brokers: string;
  readonly topic: string;
  /** The record's key (its partition, with the default partitioner); default none. */
  readonly key?: (value: T) => string | Buffer | null;
  /** A fixed partition per record; default: murmur2 of the key (as Java clients), random without key. */
  readonly partition?: (value: T) => number;
  readonly headers?: (value: T) => Record<string, string | Buffer>;
  /** Value serializer; default 'json'. */
  readonly value?: Serializer<T>;
  /**
   * 'exactly-once' (default when the job checkpoints with exactly-once): records are written in
   * a Kafka transaction per checkpoint, visible to `read_committed` readers once the checkpoint
   * completes. 'at-least-once': idempotent producer, flushed at every checkpoint.
   */
  readonly guarantee?: 'exactly-once' | 'at-least-once';
  /**
   * Transactional id prefix, stable across restarts of the same job; default `eddy-<job>`. The id
   * is `<prefix>-<operator>-<task>`, so a restarted job fences its predecessor.
   */
  readonly transactionalIdPrefix?: string;
  /** Extra librdkafka producer properties. */
  readonly properties?: KafkaProperties;
}
