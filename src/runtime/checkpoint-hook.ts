import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { CheckpointMetrics } from '../metrics/operator-metrics.ts';

/**
 * What the step loop needs from checkpointing, and all it knows of it. The loop asks between
 * rounds, when no record is in flight anywhere in the graph, so whatever the hook starts there
 * sees a consistent cut. The checkpoint coordinator implements it; the loop never names it.
 *
 * @example
 * if (report.checkpointDue) await hook.start(report.now);
 */
export interface CheckpointHook {
  /** Throws once checkpoints have failed more often in a row than tolerated. */
  check(): void;
  /**
   * Whether `start` would start something at `now` (a checkpoint is due, or a savepoint was asked
   * for). Asked every round, synchronously: the loop awaits only when it is true.
   */
  isDue(now: number): boolean;
  /** Takes the cut of what is due and resolves once processing may go on (files are written after). */
  start(now: number): Promise<void>;
  /** A checkpoint is being written: the loop lets the event loop run every round meanwhile. */
  readonly pending: boolean;
  /** Waits for the checkpoint being written, if any. */
  drain(): Promise<void>;
  /** The last checkpoint of a run (it commits what the end of input produced); resolves when it is complete or failed. */
  final(): Promise<CheckpointRecord>;
  /**
   * A savepoint at the next round boundary. `stop`, when given, is called right at its cut, so that
   * no record moves after it.
   */
  requestSavepoint(path: string, stop: (() => void) | null): Promise<string>;
  /** Checkpoints taken so far, oldest first. */
  readonly history: readonly CheckpointRecord[];
  /** Checkpoint figures for the job's metrics (their one owner). */
  readonly metrics: CheckpointMetrics;
}
