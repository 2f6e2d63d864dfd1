import type { Source } from '../source.ts';
import type { KafkaProperties } from './kafka-client.ts';
import { KafkaReader } from './kafka-reader.ts';
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

/** The options each Kafka source was made with (scale-out rebuilds sources pinned to a partition). */
const optionsOf = new WeakMap<Source<unknown>, KafkaSourceOptions<unknown, unknown, unknown>>();

/**
 * The options a source made by `sources.kafka` was created with; null for any other source.
 *
 * @example
 * const o = kafkaSourceOptions(source); if (o !== null) kafkaSource({ ...o, partitions: [3] });
 */
export function kafkaSourceOptions(source: Source<unknown>): KafkaSourceOptions<unknown, unknown, unknown> | null {
  return optionsOf.get(source) ?? null;
}

/**
 * Reads Kafka topics. Each partition is a split with its own watermark; a partition caught up to
 * its end is idle, so an empty or quiet partition never stalls windows. Offsets are part of the
 * checkpoint (restore seeks to them) and are committed to the group after each checkpoint.
 * Records that fail to deserialize go to DEAD_LETTERS with `topic/partition@offset`.
 *
 * @example
 * env.fromSource(
 *   sources.kafka<Payment>({ brokers, topics: ['payments.auth'], groupId: 'fraud', value: 'json' }),
 *   WatermarkStrategy.forBoundedOutOfOrderness<Payment>(45_000).withTimestampAssigner((p) => p.ts),
 *   'payments');
 */
export function kafkaSource<T, K = string, V = T>(options: KafkaSourceOptions<T, K, V>): Source<T> {
  if (options.topics === undefined && options.topicPattern === undefined) {
    throw new Error('sources.kafka: give `topics` (a list of topic names) or `topicPattern` (a RegExp)');
  }
  if (options.topics !== undefined && options.topics.length === 0) throw new Error('sources.kafka: `topics` is empty');
  if (!options.groupId) throw new Error('sources.kafka: `groupId` is required (offsets are committed to it after each checkpoint)');
  const opts = Object.freeze({ ...options });
  const pinned = opts.partitions === undefined ? '' : ` partitions ${opts.partitions.join(',')}`;
  const source = Object.freeze<Source<T>>({
    kind: 'kafka',
    bounded: opts.stopAtEnd === true,
    describe: () => `kafka ${opts.topics?.join(',') ?? String(opts.topicPattern)}${pinned} @ ${opts.brokers} (group ${opts.groupId})`,
    createReader: (ctx) => new KafkaReader<T, K, V>(opts, ctx),
  });
  optionsOf.set(source as Source<unknown>, opts as KafkaSourceOptions<unknown, unknown, unknown>);
  return source;
}
