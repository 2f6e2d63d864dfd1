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
 * Checkpointing figures of a job.
 *
 * @example
 * const c = env.metrics()?.checkpoints; if (c) console.log(c.lastDurationMs, c.lastBytes);
 */
export interface CheckpointMetrics {
  readonly completed: number;
  readonly failed: number;
  /** checkpoint_duration_ms of the last completed checkpoint: from the cut to the sinks' commit. */
  readonly lastDurationMs: number;
  /** Bytes written by the last completed checkpoint (incremental: what changed). */
  readonly lastBytes: number;
  /** How long processing paused for the last checkpoint's synchronous part (snapshot and sink pre-commit). */
  readonly lastSyncMs: number;
  /**
   * Barrier alignment time. Always 0: barriers are taken between rounds of the step loop, when no
   * record is in flight, so multi-input operators never wait for a barrier on another input.
   */
  readonly alignmentMs: 0;
  /** Time spent restoring state when the job started (0 without a restore). */
  readonly restoreMs: number;
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
  /** Absent or null when the job has no checkpoints. */
  readonly checkpoints?: CheckpointMetrics | null;
}
