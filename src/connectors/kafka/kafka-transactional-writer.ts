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
  /** The checkpoint id that sealed each segment (absent in tokens of older versions). */
  readonly segmentIds?: readonly number[];
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
 *
 * A transaction that fails (the broker went away) leaves its records sealed, and the next
 * checkpoint's commit publishes them with its own. The producer is thrown away, because librdkafka
 * cannot always abort (a commit that timed out stays "in progress" for it, and every later call
 * fails), and because a commit that timed out may yet have committed: the next commit sets up a
 * new producer, whose `initTransactions` fences the old one and ends its transaction, then reads
 * the marker and drops what did commit before publishing the rest.
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
  /**
   * A transaction failed: whether it committed is unknown until a new producer has ended it and
   * the marker has been read. Nothing is published before.
   */
  private unsure = false;
  /** Producers thrown away after a failure, still closing. */
  private retiring: Promise<void>[] = [];
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
    this.markerGroup = await KafkaConsumerHandle.connect({ 'bootstrap.servers': o.brokers, 'group.id': `${this.transactionalId}.commits`, 'isolation.level': 'read_committed' });
    await this.connectProducer();
  }

  /** A new transactional producer; `initTransactions` fences an older one with the same id and ends its transaction. */
  private async connectProducer(): Promise<KafkaProducerHandle> {
    const o = this.options;
    const p = await KafkaProducerHandle.connect({
      ...baseProducerProps(o.brokers, `eddy-${this.ctx.operatorName}`), 'transactional.id': this.transactionalId, 'transaction.timeout.ms': 60_000, ...o.properties,
    });
    try {
      await p.initTransactions();
    } catch (e) {
      this.retire(p);
      throw new Error(`${this.ctx.operatorName}: cannot set up the Kafka transactional producer '${this.transactionalId}': ${(e as Error).message}`, { cause: e });
    }
    this.producer = p;
    return p;
  }

  /** Closes a producer in the background (its close waits for its queue); `close` waits for it. */
  private retire(p: KafkaProducerHandle): void {
    this.retiring.push(p.close().catch(() => {}));
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
      segments: pack(this.sealed.map((s) => s[1])).toString('base64'), segmentIds: this.sealed.map((s) => s[0]),
    };
    return token;
  }

  async commit(checkpointId: number, _token: unknown): Promise<void> {
    if (this.committing !== null) await this.committing;
    if (!this.sealed.some((s) => s[0] <= checkpointId)) return;
    this.committing = this.commitUpTo(checkpointId).finally(() => (this.committing = null));
    await this.committing;
  }

  /** Publishes every segment sealed by checkpoint `checkpointId` or earlier, in one transaction. */
  private async commitUpTo(checkpointId: number): Promise<void> {
    if (this.unsure) {
      // The last transaction failed: it is over once a new producer is set up, and the marker
      // says whether it committed after all.
      if (this.producer === null) await this.connectProducer();
      const done = await this.committedCheckpoint(this.runId);
      if (done !== null) this.sealed = this.sealed.filter((s) => s[0] > done);
      this.unsure = false;
    }
    const upTo = this.sealed.filter((s) => s[0] <= checkpointId);
    if (upTo.length === 0) return;
    await this.publish(upTo.map((s) => s[1]), checkpointId);
    this.sealed = this.sealed.filter((s) => s[0] > checkpointId);
  }

  /** The checkpoint id of the last transaction of run `runId` that committed (the marker), or null. */
  private async committedCheckpoint(runId: string): Promise<number | null> {
    const [m] = await this.markerGroup!.committed([{ topic: this.options.topic, partition: 0 }]);
    return m !== undefined && m.metadata === runId && m.offset >= 0 ? m.offset : null;
  }

  async recover(token: unknown): Promise<void> {
    if (token === null || token === undefined) return; // open() already aborted leftovers
    const t = token as TransactionToken;
    if (t.transactionalId !== this.transactionalId) {
      throw new Error(`${this.ctx.operatorName}: checkpoint was written by Kafka transactional id '${t.transactionalId}', this sink uses '${this.transactionalId}' (was the operator renamed?)`);
    }
    this.runId = t.runId;
    const done = await this.committedCheckpoint(t.runId);
    if (done !== null && done >= t.checkpointId) return; // it committed before the crash
    const segments = unpack(Buffer.from(t.segments, 'base64')) as Encoded[][];
    // Segments an earlier transaction committed (one that failed on our side, yet went through).
    const left = t.segmentIds === undefined || done === null ? segments : segments.filter((_, i) => t.segmentIds![i] > done);
    await this.publish(left, t.checkpointId);
  }

  /** Waits for the commit in progress (the runtime calls this when the backlog is high). */
  async flush(): Promise<void> {
    if (this.committing !== null) await this.committing;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => {});
    await this.producer?.close();
    await this.markerGroup?.close();
    await Promise.all(this.retiring);
    this.producer = null;
    this.markerGroup = null;
  }

  private async publish(segments: Encoded[][], checkpointId: number): Promise<void> {
    const p = this.producer!;
    const topic = this.options.topic;
    try {
      await p.beginTransaction();
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
      // Not aborted here: the next commit's new producer ends this transaction (see the class comment).
      this.unsure = true;
      this.producer = null;
      this.retire(p);
      throw new Error(`${this.ctx.operatorName}: Kafka transaction for checkpoint ${checkpointId} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
