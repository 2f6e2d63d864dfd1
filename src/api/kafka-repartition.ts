import type { DataStream } from './data-stream.ts';
import type { StreamEnvironment } from './stream-environment.ts';
import { kafkaSink } from '../connectors/kafka/kafka-sink.ts';
import { kafkaSource } from '../connectors/kafka/kafka-source.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';

/**
 * Options of `kafkaRepartition`.
 *
 * @example
 * { brokers, topic: 'clicks-by-user-repartition', key: (c) => c.user }
 */
export interface KafkaRepartitionOptions<T> {
  readonly brokers: string;
  /**
   * The internal topic. With scale-out, an instance creates it (with the input's partition count)
   * if it does not exist; otherwise create it yourself.
   */
  readonly topic: string;
  /** The key the next keyBy uses: records with one key land in one partition of `topic`. */
  readonly key: (value: T) => string;
  /** Timestamps and watermarks of the stream read back (default: none; records carry no event time through Kafka). */
  readonly strategy?: WatermarkStrategy<T>;
  /** Name of the source reading the topic back (default `<topic>`); the sink is `<name>-write`. */
  readonly name?: string;
}

/**
 * Sends a stream through a Kafka topic keyed by `key` (murmur2, as Java clients partition) and reads it back, as Kafka Streams does
 * before a keyBy whose key differs from the input's partitioning: afterwards each key lives in
 * one partition, so with scale-out each key's state lives in exactly one instance (the task of
 * partition p reads partition p of the input and of this topic). The write is exactly-once
 * (a transaction per checkpoint) and the read is read_committed, so nothing is lost or doubled.
 * Values go through JSON.
 *
 * @example
 * const byUser = kafkaRepartition(env, clicks, { brokers, topic: 'clicks-by-user', key: (c) => c.user });
 * byUser.keyBy((c) => c.user).process(counter).sinkTo(out);
 */
export function kafkaRepartition<T>(env: StreamEnvironment, stream: DataStream<T>, options: KafkaRepartitionOptions<T>): DataStream<T> {
  const name = options.name ?? options.topic;
  stream.sinkTo(kafkaSink<T>({ brokers: options.brokers, topic: options.topic, key: options.key, value: 'json', transactionalIdPrefix: options.topic, properties: { partitioner: 'murmur2_random' } })).name(`${name}-write`);
  return env.fromSource(
    kafkaSource<T>({ brokers: options.brokers, topics: [options.topic], groupId: `${options.topic}-reader`, value: 'json', caughtUpIdleMs: 50 }),
    options.strategy ?? WatermarkStrategy.noWatermarks<T>(),
    name,
  );
}
