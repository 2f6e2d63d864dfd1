/**
 * Counters of one operator. Plain fields, bumped once per batch on the hot path; readers take
 * copies (`env.metrics()`, the CLI progress line).
 *
 * @example
 * const m = new OperatorMetrics(3, 'window', 'count-per-page');
 * m.recordsIn += 100;
 */
export class OperatorMetrics {
  recordsIn = 0;
  recordsOut = 0;
  /** Late records dropped because no late side output was set. */
  lateDropped = 0;
  /** Late records sent to a late-data side output. */
  lateToSideOutput = 0;
  deadLetters = 0;
  /** Side-output records with no consumer (counted, not silently lost). */
  unconsumedSideOutput = 0;
  /** Current output watermark. */
  watermark = Number.NEGATIVE_INFINITY;
  constructor(
    readonly id: number,
    readonly kind: string,
    readonly name: string,
  ) {}
}

/**
 * A point-in-time copy of a job's metrics.
 *
 * @example
 * const m = env.metrics(); if (m) console.log(`${m.recordsIn} in, watermark ${formatTime(m.watermark)}`);
 */
export interface JobMetricsSnapshot {
  readonly job: string;
  readonly startedAt: number;
  readonly now: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly lateDropped: number;
  readonly lateToSideOutput: number;
  readonly deadLetters: number;
  /** Lowest watermark among the sources (how far event time has progressed). */
  readonly watermark: number;
  readonly operators: readonly Readonly<OperatorMetrics>[];
}
