import type { Source } from '../source.ts';
import { KafkaReader } from './kafka-reader.ts';
import type { KafkaSourceOptions } from './kafka-source-options.ts';

export type { KafkaRecord, KafkaSourceOptions, KafkaStartFrom } from './kafka-source-options.ts';

/**
 * A source made by `sources.kafka`: its options are part of it, so that scale-out can rebuild it
 * pinned to one partition and the test driver can run its deserializers.
 *
 * @example
 * const s = sources.kafka<Click>({ brokers, topics: ['clicks'], groupId: 'g' }); s.options.topics; // ['clicks']
 */
export interface KafkaSource<T> extends Source<T> {
  readonly kind: 'kafka';
  // The options' type parameters are erased: a KafkaSource<T> is read through its Source<T> face.
  readonly options: KafkaSourceOptions<unknown, unknown, unknown>;
}

/**
 * The options a source made by `sources.kafka` was created with; null for any other source.
 *
 * @example
 * const o = kafkaSourceOptions(source); if (o !== null) kafkaSource({ ...o, partitions: [3] });
 */
export function kafkaSourceOptions(source: Source<unknown>): KafkaSourceOptions<unknown, unknown, unknown> | null {
  return source.kind === 'kafka' && 'options' in source ? (source as KafkaSource<unknown>).options : null;
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
export function kafkaSource<T, K = string, V = T>(options: KafkaSourceOptions<T, K, V>): KafkaSource<T> {
  if (options.topics === undefined && options.topicPattern === undefined) {
    throw new Error('sources.kafka: give `topics` (a list of topic names) or `topicPattern` (a RegExp)');
  }
  if (options.topics !== undefined && options.topics.length === 0) throw new Error('sources.kafka: `topics` is empty');
  if (!options.groupId) throw new Error('sources.kafka: `groupId` is required (offsets are committed to it after each checkpoint)');
  const opts = Object.freeze({ ...options });
  const pinned = opts.partitions === undefined ? '' : ` partitions ${opts.partitions.join(',')}`;
  const source = Object.freeze<KafkaSource<T>>({
    kind: 'kafka',
    bounded: opts.stopAtEnd === true,
    describe: () => `kafka ${opts.topics?.join(',') ?? String(opts.topicPattern)}${pinned} @ ${opts.brokers} (group ${opts.groupId})`,
    createReader: (ctx) => new KafkaReader<T, K, V>(opts, ctx),
    options: opts as KafkaSourceOptions<unknown, unknown, unknown>,
  });
  return source;
}
