import { describeNonTime } from '../../time/event-time-check.ts';
import type { WatermarkGenerator } from '../../time/watermark-generator.ts';
import type { WatermarkStrategy } from '../../time/watermark-strategy.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { BatchListener, WatermarkOwner } from '../operator-capabilities.ts';
import { failedAt } from '../operator-error.ts';

/**
 * assignTimestampsAndWatermarks in the middle of a job: new timestamps and a new watermark that
 * replaces the upstream one (only the end-of-input watermark passes through).
 *
 * @example
 * new TimestampsOperator(WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.ts));
 */
export class TimestampsOperator<T> implements Operator<T, T>, BatchListener, WatermarkOwner {
  readonly watermarkPolicy = 'generate';
  private out!: Output<T>;
  private ctx!: OperatorContext;
  private gen!: WatermarkGenerator<T>;
  private last = Number.NEGATIVE_INFINITY;
  constructor(private readonly strategy: WatermarkStrategy<T>) {}

  open(ctx: OperatorContext, out: Output<T>): void {
    this.ctx = ctx;
    this.out = out;
    this.gen = this.strategy.createGenerator();
  }
  process(batch: Batch<T>): void {
    const assign = this.strategy.timestampAssigner;
    const ingestion = this.strategy.timestampKind === 'ingestion';
    const now = this.ctx.clock.now();
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = batch.values[i];
        const ts = assign !== null ? assign(v, batch.times[i]) : ingestion ? now : batch.times[i];
        if (!Number.isFinite(ts) && (assign !== null || ts === ts)) throw badTimestamp(ts);
        this.gen.onEvent(v, ts);
        this.out.emit(v, ts);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }
  /** Our watermark goes out after the batch's records, never before them. */
  afterBatch(): void {
    const wm = this.gen.currentWatermark();
    if (wm > this.last) {
      this.last = wm;
      this.ctx.emitWatermark(wm);
    }
  }
}

/** A record's timestamp is not a time: the job fails naming the record (a source would dead-letter it). */
function badTimestamp(ts: unknown): Error {
  return new Error(`assignTimestampsAndWatermarks: the timestamp is ${describeNonTime(ts)}; expected a finite number of epoch milliseconds`);
}
