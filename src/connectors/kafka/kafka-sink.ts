import type { Sink } from '../sink.ts';
import type { KafkaSinkOptions } from './kafka-sink-options.ts';
import { KafkaTransactionalWriter } from './kafka-transactional-writer.ts';
import { KafkaWriter } from './kafka-writer.ts';

export type { KafkaSinkOptions } from './kafka-sink-options.ts';

/**
 * A sink made by `sinks.kafka`, with the options it was made with (scale-out gives each task its
 * own transactional id).
 *
 * @example
 * const s = sinks.kafka<Alert>({ brokers, topic: 'alerts' }); s.options.topic; // 'alerts'
 */
export interface KafkaSink<T> extends Sink<T> {
  readonly kind: 'kafka';
  readonly options: KafkaSinkOptions<unknown>;
}

/**
 * Writes records to a Kafka topic. With exactly-once, a checkpoint's records are published in one
 * transaction when the checkpoint completes; the checkpoint holds them until then, so a crash
 * between the two publishes them on recovery, exactly once.
 *
 * @example
 * alerts.sinkTo(sinks.kafka<Alert>({ brokers, topic: 'fraud.alerts', key: (a) => a.card, guarantee: 'exactly-once' }));
 */
export function kafkaSink<T>(options: KafkaSinkOptions<T>): KafkaSink<T> {
  if (!options.topic) throw new Error('sinks.kafka: `topic` is required');
  if (!options.brokers) throw new Error('sinks.kafka: `brokers` is required (host:port,...)');
  const opts = Object.freeze({ ...options });
  const sink = Object.freeze<KafkaSink<T>>({
    kind: 'kafka',
    describe: () => `kafka ${opts.topic} @ ${opts.brokers} (${opts.guarantee ?? 'exactly-once'})`,
    createWriter: (ctx) => {
      // Transactions only make sense when checkpoints drive them.
      const eo = (opts.guarantee ?? 'exactly-once') === 'exactly-once' && ctx.guarantee === 'exactly-once';
      return eo ? new KafkaTransactionalWriter<T>(opts, ctx) : new KafkaWriter<T>(opts, ctx);
    },
    options: opts as KafkaSinkOptions<unknown>,
  });
  return sink;
}

/**
 * The options a sink made by `sinks.kafka` was created with; null for any other sink.
 *
 * @example
 * const o = kafkaSinkOptions(sink); if (o !== null) kafkaSink({ ...o, transactionalIdPrefix: 'job-p3' });
 */
export function kafkaSinkOptions(sink: Sink<unknown>): KafkaSinkOptions<unknown> | null {
  return sink.kind === 'kafka' && 'options' in sink ? (sink as KafkaSink<unknown>).options : null;
}
