import type { DeadLetter } from '../functions/dead-letter.ts';
import type { ReadStatus, SourceBatch, SourceReader } from '../connectors/source.ts';
import type { LineFeeder } from './line-feeder.ts';
import type { KafkaFeeder } from './kafka-feeder.ts';

/**
 * A source reader fed by hand: the test driver queues records, then reads them out at once.
 */
export class ManualReader<T> implements SourceReader<T> {
  readonly queue: { value: T; time: number }[] = [];
  /** Input rejected by pushLines, handed on with the next read as a file reader would. */
  readonly deadLetters: DeadLetter[] = [];
  /** pushLines' parsers, one per file name (line numbers and header carry on between calls). */
  readonly feeders = new Map<string, LineFeeder<T>>();
  /** pushKafka's deserializer (next offsets per partition carry on between calls). */
  kafka: KafkaFeeder<T> | null = null;
  ended = false;

  async open(): Promise<void> {}

  read(batch: SourceBatch<T>): ReadStatus {
    const n = this.queue.length;
    for (let i = 0; i < n; i++) {
      batch.values[i] = this.queue[i].value;
      batch.times[i] = this.queue[i].time;
    }
    this.queue.length = 0;
    for (const dl of this.deadLetters) batch.deadLetters.push(dl);
    this.deadLetters.length = 0;
    batch.split = 0;
    batch.length = n;
    return n === 0 && this.ended ? 'end' : 'data';
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
