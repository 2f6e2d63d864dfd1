import type { DeadLetter } from '../functions/dead-letter.ts';
import type { ReadStatus, SourceBatch, SourceReader } from '../connectors/source.ts';
import type { LineFeeder } from './line-feeder.ts';
import type { KafkaFeeder } from './kafka-feeder.ts';

/**
 * A source reader fed by hand: the test driver queues records, then reads them out at once.
 */
export class ManualReader<T> implements SourceReader<T> {
  /** Records pushed, with where they came from when the test said (`file:line` for pushLines). */
  readonly queue: { value: T; time: number; at?: string }[] = [];
  /** Input rejected by pushLines, handed on with the next read as a file reader would. */
  readonly deadLetters: DeadLetter[] = [];
  /** pushLines' parsers, one per file name (line numbers and header carry on between calls). */
  readonly feeders = new Map<string, LineFeeder<T>>();
  /** pushKafka's deserializer (next offsets per partition carry on between calls). */
  kafka: KafkaFeeder<T> | null = null;
  ended = false;
  /** Records handed out so far, and the positions of the last batch's (for positionOf). */
  private handed = 0;
  private batchFirst = 0;
  private readonly slotAt: (string | undefined)[] = [];

  async open(): Promise<void> {}

  read(batch: SourceBatch<T>): ReadStatus {
    const n = this.queue.length;
    for (let i = 0; i < n; i++) {
      batch.values[i] = this.queue[i].value;
      batch.times[i] = this.queue[i].time;
      this.slotAt[i] = this.queue[i].at;
    }
    this.batchFirst = this.handed;
    this.handed += n;
    this.queue.length = 0;
    for (const dl of this.deadLetters) batch.deadLetters.push(dl);
    this.deadLetters.length = 0;
    batch.split = 0;
    batch.length = n;
    return n === 0 && this.ended ? 'end' : 'data';
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
    return this.ended;
  }
  position(): unknown {
    return null;
  }
  seek(): void {}
  async close(): Promise<void> {}
}
