import type { JobLifecycleSnapshot } from './job-lifecycle.ts';
import type { LatencySnapshot } from './latency-tracker.ts';

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
  /** Wall time (ms) spent in this operator's own code (records, watermarks, timers), consumers excluded. */
  busyMs = 0;
  /**
   * Wall time (ms) this operator could not hand on output because a sink downstream was over its
   * capacity (for a sink: the time the job waited for it to write its backlog).
   */
  backpressuredMs = 0;
  /** Keys and approximate bytes of keyed state (refreshed at most once a second, less often when state is large; 0 without state). */
  stateKeys = 0;
  stateBytes = 0;
  /** Pattern detection: partial matches held in state (and complete ones waiting for their turn). */
  partialMatches = 0;
  /** Pattern detection: events held (waiting for the watermark, or in the partial matches' shared buffer). */
  bufferedEvents = 0;
  /** Pattern detection: partial matches that `within` ended before they completed. */
  timedOutMatches = 0;
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
  /** Watermarks and lag of each source's splits (absent from snapshots made by hand). */
  readonly sources?: readonly SourceMetrics[];
  /** Processing latency measured at the sinks (absent from snapshots made by hand). */
  readonly latency?: LatencySnapshot;
  /** The job across its attempts: status, restarts, checkpoint durations (from a job's handle; absent elsewhere). */
  readonly lifecycle?: JobLifecycleSnapshot;
}

/**
 * One split of a source (a file, a partition): its watermark, whether it is idle or done, and how
 * far behind the end of its input the reader is, when the source knows (Kafka: records to the
 * high watermark).
 *
 * @example
 * const slowest = m.sources?.[0].splits.reduce((a, b) => (b.watermark < a.watermark ? b : a));
 */
export interface SplitMetrics {
  readonly split: number;
  readonly name: string;
  readonly watermark: number;
  readonly idle: boolean;
  readonly finished: boolean;
  /** Records not read yet (null: the source does not say). */
  readonly lag: number | null;
}

/**
 * A source's splits and the split that holds its watermark back (the live split with the lowest
 * watermark; null when every split is idle or finished, or there is none yet).
 *
 * @example
 * const s = env.metrics()?.sources?.[0]; if (s?.holdingBack !== null) console.log(`waiting for ${s?.splits[s.holdingBack!].name}`);
 */
export interface SourceMetrics {
  readonly id: number;
  readonly name: string;
  readonly watermark: number;
  readonly splits: readonly SplitMetrics[];
  readonly holdingBack: number | null;
}
