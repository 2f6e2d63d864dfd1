import type { KafkaProperties } from './kafka-client.ts';
import type { Deserializer } from './serde.ts';

/**
 * Where a partition starts when no checkpoint says otherwise: the first or next offset, the first
 * offset at or after a timestamp (ms), or the group's committed offset (earliest if none).
 *
 * @example
 * startFrom: { timestamp: Date.parse('2026-11-21T00:00:00Z') }
 */
export type KafkaStartFrom = 'earliest' | 'latest' | 'committed' | { readonly timestamp: number };

/**
 * A Kafka record with its deserialized key and value, for `record`.
 *
 * @example
 * record: (r) => ({ ...r.value, partition: r.partition })
 */
export interface KafkaRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: K;
  readonly value: V;
  readonly headers: readonly Record<string, string | Buffer>[] | undefined;
}

/**
 * Options of `sources.kafka`.
 *
 * @example
 * sources.kafka<Payment>({ brokers: '127.0.0.1:19092', topics: ['payments.auth'], groupId: 'fraud', value: 'json' });
 */
export interface KafkaSourceOptions<T, K = unknown, V = T> {
  /** Comma-separated `host:port` list. */
  readonly brokers: string;
  /** Topics to read; or `topicPattern`, matched against the cluster's topics when the job opens. */
  readonly topics?: readonly string[];
  readonly topicPattern?: RegExp;
  /** Consumer group: receives offsets after each completed checkpoint (for monitoring and `committed`). */
  readonly groupId: string;
  /** Default 'earliest'. A restored checkpoint's offsets always win. */
  readonly startFrom?: KafkaStartFrom;
  /** Value deserializer; default 'json'. A throw sends the record to the dead-letter output. */
  readonly value?: Deserializer<V>;
  /** Key deserializer; default 'string'. */
  readonly key?: Deserializer<K>;
  /** Builds the record from key, value and metadata; default: the value. */
  readonly record?: (r: KafkaRecord<K, V>) => T;
  /**
   * Stop at the end offsets seen when the job opens (a bounded job: tests, backfills). Default
   * false: read forever.
   */
  readonly stopAtEnd?: boolean;
  /** 'read_committed' (default) skips aborted transactional records. */
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /**
   * A partition caught up to its end counts as idle (so it does not hold back event time) once
   * it has stayed caught up this long. Default 200 ms.
   */
  readonly caughtUpIdleMs?: number;
  /** Extra librdkafka consumer properties. */
  readonly properties?: KafkaProperties;
  /**
   * Read only these partitions of each topic (scale-out pins each task to one); default all.
   * A partition a topic does not have is an error when the job opens.
   */
  readonly partitions?: readonly number[];
}
