import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';

/**
 * How a run ended.
 *
 * @example
 * const { status, durationMs, metrics } = await env.execute('job'); console.log(status, metrics.recordsIn);
 */
export interface JobResult {
  readonly job: string;
  /** 'stopped': by a stop-with-savepoint (the savepoint is the exact stop point); 'cancelled': by `cancel` or a signal. */
  readonly status: 'finished' | 'cancelled' | 'stopped';
  readonly durationMs: number;
  readonly metrics: JobMetricsSnapshot;
  /** Checkpoints taken during the run (empty without checkpointing). */
  readonly checkpoints: readonly CheckpointRecord[];
  /** How many times the job was restarted after a failure. */
  readonly restarts: number;
}
