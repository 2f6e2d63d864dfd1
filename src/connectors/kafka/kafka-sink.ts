import type { Sink } from '../sink.ts';
import type { KafkaProperties } from './kafka-client.ts';
import { KafkaTransactionalWriter } from './kafka-transactional-writer.ts';
import { KafkaWriter } from './kafka-writer.ts';
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

/**
 * Writes records to a Kafka topic. With exactly-once, a checkpoint's records are published in one
 * transaction when the checkpoint completes; the checkpoint holds them until then, so a crash
 * between the two publishes them on recovery, exactly once.
 *
 * @example
 * alerts.sinkTo(sinks.kafka<Alert>({ brokers, topic: 'fraud.alerts', key: (a) => a.card, guarantee: 'exactly-once' }));
 */
export function kafkaSink<T>(options: KafkaSinkOptions<T>): Sink<T> {
  if (!options.topic) throw new Error('sinks.kafka: `topic` is required');
  if (!options.brokers) throw new Error('sinks.kafka: `brokers` is required (host:port,...)');
  const opts = Object.freeze({ ...options });
  const sink = Object.freeze<Sink<T>>({
    kind: 'kafka',
    describe: () => `kafka ${opts.topic} @ ${opts.brokers} (${opts.guarantee ?? 'exactly-once'})`,
    createWriter: (ctx) => {
      // Transactions only make sense when checkpoints drive them.
      const eo = (opts.guarantee ?? 'exactly-once') === 'exactly-once' && ctx.guarantee === 'exactly-once';
      return eo ? new KafkaTransactionalWriter<T>(opts, ctx) : new KafkaWriter<T>(opts, ctx);
    },
  });
  optionsOf.set(sink as Sink<unknown>, opts as KafkaSinkOptions<unknown>);
  return sink;
}

/** The options each Kafka sink was made with (scale-out gives each task its own transactional id). */
const optionsOf = new WeakMap<Sink<unknown>, KafkaSinkOptions<unknown>>();

/**
 * The options a sink made by `sinks.kafka` was created with; null for any other sink.
 *
 * @example
 * const o = kafkaSinkOptions(sink); if (o !== null) kafkaSink({ ...o, transactionalIdPrefix: 'job-p3' });
 */
export function kafkaSinkOptions(sink: Sink<unknown>): KafkaSinkOptions<unknown> | null {
  return optionsOf.get(sink) ?? null;
}
