import type { SourceBatch, SourceReader } from '../connectors/source.ts';
import { previewValue } from '../metrics/sample-ring.ts';
import { failedInputOf, type OperatorError } from './operator-error.ts';

/**
 * Says where a record of the batch a source task is delivering came from, for a dead letter or
 * an error: the reader's position of the record (`file:line`) when it can, else its split and
 * place in the batch. Records that left the batch (bad timestamps) do not shift the others: the
 * task says which reader slot each remaining record came from.
 *
 * @example
 * const where = new RecordLocator(reader, task.batch);
 * where.delivering(); ... throw where.locate(OperatorError.wrap(name, e));
 */
export class RecordLocator<T> {
  /** The batch's length as read, before records left it. */
  private readLength = 0;
  /** The reader's slot of each remaining record, once records have left the batch; else null. */
  private slots: number[] | null = null;

  constructor(private readonly reader: SourceReader<T>, private readonly batch: SourceBatch<T>) {}

  /** A new batch is being delivered, as the reader filled it. */
  delivering(): void {
    this.readLength = this.batch.length;
    this.slots = null;
  }

  /** Records left the batch: `slots[i]` is the reader's slot of what is now record i. */
  compacted(slots: number[]): void {
    this.slots = slots;
  }

  /** Where the record in the reader's batch slot `slot` came from. */
  positionOf(slot: number): string {
    const r = this.reader;
    if (r.positionOf !== undefined) return r.positionOf(slot);
    return `${r.splitName(this.batch.split)} (record ${slot + 1} of a batch of ${this.readLength})`;
  }

  /**
   * Names the record an operator downstream failed on, as exactly as the error allows: its own
   * position if it is a record of this batch or one passed on unchanged (a filter's output),
   * else this batch's range and a preview of the record.
   */
  locate(err: OperatorError): OperatorError {
    if (err.position !== null) return err;
    const b = this.batch;
    const at = failedInputOf(err);
    if (at === null) return err.withPosition(this.range());
    if (at.batch === b) return err.withPosition(this.positionOf(this.slotOf(at.index)));
    // A record passed on unchanged is the same value with the same time.
    const v = at.batch.values[at.index];
    const t = at.batch.times[at.index];
    for (let j = 0; j < b.length; j++) {
      if (b.values[j] === v && (b.times[j] === t || (t !== t && b.times[j] !== b.times[j]))) return err.withPosition(this.positionOf(this.slotOf(j)));
    }
    return err.withPosition(this.range(), previewValue(v));
  }

  private slotOf(index: number): number {
    return this.slots === null ? index : this.slots[index];
  }

  /** The positions of the batch, first to last. */
  private range(): string {
    const n = this.batch.length;
    if (n <= 1) return this.positionOf(this.slotOf(0));
    if (this.reader.positionOf === undefined) return `${this.reader.splitName(this.batch.split)} (a batch of ${this.readLength} records)`;
    return `${this.positionOf(this.slotOf(0))} to ${this.positionOf(this.slotOf(n - 1))}`;
  }
}
