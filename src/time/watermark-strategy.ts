import { BoundedOutOfOrdernessGenerator, NoWatermarksGenerator, type WatermarkGenerator } from './watermark-generator.ts';

/**
 * Extracts a record's event time in epoch milliseconds.
 *
 * @example
 * WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => Date.parse(c.at));
 */
export type TimestampAssigner<T> = (value: T, sourceTimestamp: number) => number;

/** How a source assigns timestamps. `ingestion` stamps records with processing time at the source. */
export type TimestampKind = 'event' | 'ingestion' | 'source';

/**
 * How a source gets timestamps and watermarks: an immutable value, each `with...` returns a new one.
 * The source shows every record of a batch to the generator and moves its watermark once, after
 * the batch (up to the environment's `batchSize` records): a record is late only against the
 * batches before its own.
 *
 * @example
 * WatermarkStrategy.forBoundedOutOfOrderness<Click>(5_000)
 *   .withTimestampAssigner((c) => c.ts)
 *   .withIdleness(60_000);
 */
export class WatermarkStrategy<T> {
  private constructor(
    readonly createGenerator: () => WatermarkGenerator<T>,
    readonly timestampAssigner: TimestampAssigner<T> | null,
    readonly idlenessMs: number | null,
    readonly timestampKind: TimestampKind,
  ) {
    Object.freeze(this);
  }

  /** Records may arrive up to `ms` late relative to the highest timestamp seen. */
  static forBoundedOutOfOrderness<T>(ms: number): WatermarkStrategy<T> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`forBoundedOutOfOrderness(ms): ms must be a finite number >= 0, got ${ms}`);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator<T>(ms), null, null, 'event');
  }

  /** Timestamps only ever increase within a split. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator<T>(0), null, null, 'event');
  }

  /** A custom generator, created once per source split. */
  static forGenerator<T>(create: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(create, null, null, 'event');
  }

  /** No watermarks: event-time windows only fire when the input ends. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), null, null, 'event');
  }

  /** Ingestion time: each record is stamped with processing time when the source reads it. */
  static forIngestionTime<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator<T>(0), null, null, 'ingestion');
  }

  /** Takes the record's event time from the record. */
  withTimestampAssigner(assign: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.createGenerator, assign, this.idlenessMs, this.timestampKind === 'ingestion' ? 'event' : this.timestampKind);
  }

  /** A split with no records for `ms` of processing time stops holding the watermark back. */
  withIdleness(ms: number): WatermarkStrategy<T> {
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`withIdleness(ms): ms must be a finite number > 0, got ${ms}`);
    return new WatermarkStrategy<T>(this.createGenerator, this.timestampAssigner, ms, this.timestampKind);
  }
}
