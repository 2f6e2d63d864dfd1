import type { DeadLetter } from '../functions/dead-letter.ts';
import type { ReadStatus, SourceBatch, SourceReader } from '../connectors/source.ts';
import type { LineFeeder } from './line-feeder.ts';
import type { KafkaFeeder } from './kafka-feeder.ts';

/** A record the test pushed, or a watermark it set, waiting for the runtime's next read. */
export type ManualItem<T> = { readonly value: T; readonly time: number; readonly at?: string } | { readonly watermark: number };

/** Where a manual reader stands: what it has handed on, what is still queued, and its feeders' counts. */
interface ManualPosition {
  readonly read: number;
  readonly queue: readonly ManualItem<unknown>[];
  readonly lines: readonly (readonly [string, unknown])[];
  readonly kafka: unknown;
}

/**
 * A source reader fed by hand: the test driver queues records, and the runtime's next `step()`
 * reads them out, as it would read a real source (so an asyncMap at capacity holds them back).
 * A watermark the test sets waits in the queue behind the records pushed before it.
 */
export class ManualReader<T> implements SourceReader<T> {
  queue: ManualItem<T>[] = [];
  /** Input rejected by pushLines, handed on with the next read as a file reader would. */
  readonly deadLetters: DeadLetter[] = [];
  /** pushLines' parsers, one per file name (line numbers and header carry on between calls). */
  readonly feeders = new Map<string, LineFeeder<T>>();
  /** pushKafka's deserializer (next offsets per partition carry on between calls). */
  kafka: KafkaFeeder<T> | null = null;
  ended = false;
  /** Feeder positions from a restored snapshot, for feeders created later (they need the source's format). */
  restoredLines = new Map<string, unknown>();
  restoredKafka: unknown = null;
  private read_ = 0;
  /** The first record of the last batch (its ordinal), and where each of its records came from (for positionOf). */
  private batchFirst = 0;
  private readonly slotAt: (string | undefined)[] = [];

  async open(): Promise<void> {}

  push(value: T, time: number): void {
    this.queue.push({ value, time });
  }

  read(batch: SourceBatch<T>): ReadStatus {
    let n = 0;
    while (n < this.queue.length) {
      const item = this.queue[n];
      if ('watermark' in item) break;
      batch.values[n] = item.value;
      batch.times[n] = item.time;
      this.slotAt[n] = item.at;
      n++;
    }
    if (n > 0) this.queue.splice(0, n);
    this.batchFirst = this.read_;
    this.read_ += n;
    const letters = this.deadLetters.length;
    for (const dl of this.deadLetters) batch.deadLetters.push(dl);
    this.deadLetters.length = 0;
    batch.split = 0;
    batch.length = n;
    if (n > 0 || letters > 0) return 'data';
    return this.ended && this.queue.length === 0 ? 'end' : 'idle';
  }

  /** The watermark at the head of the queue, taken off it; null when records (or nothing) come first. */
  takeWatermark(): number | null {
    const head = this.queue[0];
    if (head === undefined || !('watermark' in head)) return null;
    this.queue.shift();
    return head.watermark;
  }

  /** `orders.csv:3` for pushLines, `payments/0@7` for pushKafka, `push #4` (the 4th record of this input) for push. */
  positionOf(index: number): string {
    return this.slotAt[index] ?? `push #${this.batchFirst + index + 1}`;
  }

  splitCount(): number {
    return 1;
  }
  splitName(): string {
    return 'manual';
  }
  isSplitFinished(): boolean {
    return this.ended && this.queue.length === 0;
  }
  /**
   * What a restored driver needs to go on as this one would: the records still queued (as a
   * real source would read them again after its position) and the feeders' line numbers,
   * headers and Kafka offsets.
   */
  position(): ManualPosition {
    return {
      read: this.read_, queue: [...this.queue],
      lines: [...this.feeders].map(([file, f]) => [file, f.position()] as const),
      kafka: this.kafka?.position() ?? null,
    };
  }
  seek(position: unknown): void {
    const p = position as ManualPosition | null;
    if (p === null || p === undefined) return;
    this.read_ = p.read;
    this.queue = [...(p.queue as ManualItem<T>[])];
    this.restoredLines = new Map(p.lines);
    this.restoredKafka = p.kafka;
  }
  /** Records handed on so far. */
  get recordsRead(): number {
    return this.read_;
  }
  async close(): Promise<void> {}
}
