import { randomUUID } from 'node:crypto';
import { pack, unpack } from 'msgpackr';
import type { SinkContext, SinkWriter } from '../sink.ts';
import { KafkaConsumerHandle, KafkaProducerHandle } from './kafka-client.ts';
import type { KafkaSinkOptions } from './kafka-sink-options.ts';
import { baseProducerProps, RecordEncoder, toBuffer } from './record-encoder.ts';

/** Records handed to librdkafka between waits for delivery, within one transaction. */
const QUEUE_CHUNK = 250_000;

/** One record ready for the producer: [partition or -1, key, value, headers or null]. */
type Encoded = [number, Buffer | string | null, Buffer | null, Record<string, string | Buffer> | null];

/** What a checkpoint holds for this sink: the records of every checkpoint not yet published. */
interface TransactionToken {
  readonly transactionalId: string;
  /** Distinguishes this job's commit markers from those of an earlier, unrelated run. */
  readonly runId: string;
  readonly checkpointId: number;
  /** msgpack of Encoded[][], base64 (the manifest is JSON). */
  readonly segments: string;
}

/**
 * Exactly-once through Kafka transactions aligned with checkpoints. Records are buffered in
 * memory between checkpoints; `preCommit` seals them into the checkpoint's token; `commit`, once
 * the checkpoint is complete, publishes every sealed segment in one transaction together with a
 * commit marker (the checkpoint id, as an offset of a private consumer group, committed in the
 * same transaction). librdkafka cannot resume a transaction after a restart, so the checkpoint
 * carries the records: `recover` reads the marker and publishes the token's records again only
 * if their transaction did not commit. The transactional id is fixed per sink and task, so
 * `initTransactions` fences (and aborts the open transaction of) a previous incarnation.
 */
export class KafkaTransactionalWriter<T> implements SinkWriter<T> {
  private producer: KafkaProducerHandle | null = null;
  /** A consumer only for its group: the commit marker's home. */
  private markerGroup: KafkaConsumerHandle | null = null;
  private readonly enc: RecordEncoder<T>;
  private readonly transactionalId: string;
  private runId: string = randomUUID();
  private current: Encoded[] = [];
  /** Sealed by a pre-commit, not yet published: [checkpoint id, records]. */
  private sealed: [number, Encoded[]][] = [];
  private committing: Promise<void> | null = null;
  /** Above this many buffered records, `flush` waits for the commit in progress. */
  readonly capacity = 200_000;

  constructor(private readonly options: KafkaSinkOptions<T>, private readonly ctx: SinkContext) {
    this.enc = new RecordEncoder(options);
    this.transactionalId = `${options.transactionalIdPrefix ?? 'eddy'}-${ctx.operatorName}-0`;
  }

  get backlog(): number {
    return this.current.length;
  }

  async open(): Promise<void> {
    const o = this.options;
    this.producer = await KafkaProducerHandle.connect({
      ...baseProducerProps(o.brokers, `eddy-${this.ctx.operatorName}`), 'transactional.id': this.transactionalId, 'transaction.timeout.ms': 60_000, ...o.properties,
    });
    this.markerGroup = await KafkaConsumerHandle.connect({ 'bootstrap.servers': o.brokers, 'group.id': `${this.transactionalId}.commits`, 'isolation.level': 'read_committed' });
    // Fences an older producer with the same id and aborts its open transaction.
    await this.producer.initTransactions();
  }

  write(values: readonly T[], _times: readonly number[], length: number): void {
    const enc = this.enc;
    const out = this.current;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      out.push([enc.partition === null ? -1 : enc.partition(v), enc.key === null ? null : enc.key(v), toBuffer(enc.value(v)), enc.headers === null ? null : enc.headers(v)]);
    }
  }

  async preCommit(checkpointId: number): Promise<unknown> {
    if (this.committing !== null) await this.committing;
    this.sealed.push([checkpointId, this.current]);
    this.current = [];
    const token: TransactionToken = {
      transactionalId: this.transactionalId, runId: this.runId, checkpointId,
      segments: pack(this.sealed.map((s) => s[1])).toString('base64'),
    };
    return token;
  }

  async commit(checkpointId: number, _token: unknown): Promise<void> {
    if (this.committing !== null) await this.committing;
    const upTo = this.sealed.filter((s) => s[0] <= checkpointId);
    if (upTo.length === 0) return;
    this.committing = this.publish(upTo.map((s) => s[1]), checkpointId).finally(() => (this.committing = null));
    await this.committing;
    this.sealed = this.sealed.filter((s) => s[0] > checkpointId);
  }

  async recover(token: unknown): Promise<void> {
    if (token === null || token === undefined) return; // open() already aborted leftovers
    const t = token as TransactionToken;
    if (t.transactionalId !== this.transactionalId) {
      throw new Error(`${this.ctx.operatorName}: checkpoint was written by Kafka transactional id '${t.transactionalId}', this sink uses '${this.transactionalId}' (was the operator renamed?)`);
    }
    this.runId = t.runId;
    const marker = await this.markerGroup!.committed([{ topic: this.options.topic, partition: 0 }]);
    const m = marker[0];
    if (m !== undefined && m.metadata === t.runId && m.offset >= t.checkpointId) return; // it committed before the crash
    const segments = unpack(Buffer.from(t.segments, 'base64')) as Encoded[][];
    await this.publish(segments, t.checkpointId);
  }

  /** Waits for the commit in progress (the runtime calls this when the backlog is high). */
  async flush(): Promise<void> {
    if (this.committing !== null) await this.committing;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => {});
    await this.producer?.close();
    await this.markerGroup?.close();
    this.producer = null;
    this.markerGroup = null;
  }

  private async publish(segments: Encoded[][], checkpointId: number): Promise<void> {
    const p = this.producer!;
    const topic = this.options.topic;
    await p.beginTransaction();
    try {
      let queued = 0;
      for (const seg of segments) {
        for (const r of seg) {
          p.produce(topic, r[0] < 0 ? null : r[0], r[2], r[1], null, r[3] === null ? undefined : [r[3]]);
          // librdkafka's queue holds 1,000,000 messages: drain it on the way for large checkpoints.
          if (++queued % QUEUE_CHUNK === 0) await p.flush();
        }
      }
      await p.sendOffsets([{ topic, partition: 0, offset: checkpointId, metadata: this.runId }], this.markerGroup!);
      await p.commitTransaction();
    } catch (e) {
      await p.abortTransaction().catch(() => {});
      throw new Error(`${this.ctx.operatorName}: Kafka transaction for checkpoint ${checkpointId} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
