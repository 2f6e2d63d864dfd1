import type { SinkContext, SinkWriter } from '../sink.ts';
import { KafkaProducerHandle } from './kafka-client.ts';
import type { KafkaSinkOptions } from './kafka-sink-options.ts';
import { baseProducerProps, RecordEncoder, toBuffer } from './record-encoder.ts';

/**
 * At-least-once: hands each record to librdkafka's queue as it is written (a synchronous native
 * call); `flush` waits for the broker's acknowledgements, at checkpoints and when the backlog is
 * over capacity. The idempotent producer keeps retries from duplicating within a session.
 */
export class KafkaWriter<T> implements SinkWriter<T> {
  private producer: KafkaProducerHandle | null = null;
  private readonly enc: RecordEncoder<T>;
  backlog = 0;
  readonly capacity = 50_000;

  constructor(private readonly options: KafkaSinkOptions<T>, private readonly ctx: SinkContext) {
    this.enc = new RecordEncoder(options);
  }

  async open(): Promise<void> {
    this.producer = await KafkaProducerHandle.connect({ ...baseProducerProps(this.options.brokers, `eddy-${this.ctx.operatorName}`), ...this.options.properties });
  }

  write(values: readonly T[], _times: readonly number[], length: number): void {
    const p = this.producer!;
    const { topic } = this.options;
    const enc = this.enc;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      p.produce(topic, enc.partition === null ? null : enc.partition(v), toBuffer(enc.value(v)), enc.key === null ? null : enc.key(v), null,
        enc.headers === null ? undefined : [enc.headers(v)]);
    }
    this.backlog += length;
  }

  async flush(): Promise<void> {
    if (this.producer === null) return;
    await this.producer.flush();
    this.backlog = 0;
  }

  async close(): Promise<void> {
    if (this.producer === null) return;
    try {
      await this.flush();
    } finally {
      await this.producer.close();
      this.producer = null;
    }
  }
}
