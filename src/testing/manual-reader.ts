import type { ReadStatus, SourceBatch, SourceReader } from '../connectors/source.ts';

/**
 * A source reader fed by hand: the test driver queues records, then reads them out at once.
 */
export class ManualReader<T> implements SourceReader<T> {
  readonly queue: { value: T; time: number }[] = [];
  ended = false;

  async open(): Promise<void> {}

  read(batch: SourceBatch<T>): ReadStatus {
    const n = this.queue.length;
    for (let i = 0; i < n; i++) {
      batch.values[i] = this.queue[i].value;
      batch.times[i] = this.queue[i].time;
    }
    this.queue.length = 0;
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
