import type { ReadStatus, Source, SourceBatch, SourceReader, SourceReaderContext } from '../source.ts';

/**
 * Reads an in-memory array, in order, as one split. Position = index of the next element.
 *
 * @example
 * env.fromSource(collectionSource([1, 2, 3]), WatermarkStrategy.noWatermarks(), 'numbers');
 */
export function collectionSource<T>(values: readonly T[]): Source<T> {
  return {
    kind: 'collection',
    bounded: true,
    describe: () => `collection(${values.length} elements)`,
    createReader: (ctx) => new CollectionReader(values, ctx),
  };
}

class CollectionReader<T> implements SourceReader<T> {
  private next = 0;
  /** Index of the first element of the last batch (for positionOf). */
  private batchStart = 0;
  constructor(private readonly values: readonly T[], private readonly ctx: SourceReaderContext) {}
  async open(): Promise<void> {}
  read(batch: SourceBatch<T>): ReadStatus {
    if (this.next >= this.values.length) {
      batch.length = 0;
      return 'end';
    }
    const n = Math.min(this.ctx.batchSize, this.values.length - this.next);
    for (let i = 0; i < n; i++) {
      batch.values[i] = this.values[this.next + i];
      batch.times[i] = Number.NaN;
    }
    batch.split = 0;
    batch.length = n;
    this.batchStart = this.next;
    this.next += n;
    return 'data';
  }
  positionOf(index: number): string {
    return `collection[${this.batchStart + index}]`;
  }
  splitCount(): number {
    return 1;
  }
  splitName(): string {
    return 'collection';
  }
  isSplitFinished(): boolean {
    return this.next >= this.values.length;
  }
  position(): unknown {
    return this.next;
  }
  seek(position: unknown): void {
    this.next = position as number;
  }
  async close(): Promise<void> {}
}
