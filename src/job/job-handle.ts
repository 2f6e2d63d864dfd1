import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { JobException } from '../metrics/job-lifecycle.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { RecordSample } from '../metrics/sample-ring.ts';
import type { JobResult } from '../runtime/job-result.ts';
import type { StateQueryResult } from '../ui/query-state.ts';
import type { WebAddress } from '../ui/web-address.ts';

/**
 * A running job: its result, its live metrics, and a way to stop it.
 *
 * @example
 * const job = env.executeAsync('clicks');
 * setTimeout(() => job.cancel(), 60_000);
 * await job.result;
 */
export interface JobHandle {
  readonly name: string;
  readonly result: Promise<JobResult>;
  metrics(): JobMetricsSnapshot;
  cancel(): void;
  /** Completed and failed checkpoints of the current attempt. */
  checkpoints(): readonly CheckpointRecord[];
  /** Writes a savepoint (full, self-contained) to `path` at the next batch boundary; resolves with its path. */
  savepoint(path: string): Promise<string>;
  /** Writes a savepoint, then stops the job. */
  stopWithSavepoint(path: string): Promise<string>;
  /** One key's current state in a keyed operator (by uid, or name), read between step-loop rounds. */
  queryState(operator: string, key: string): Promise<StateQueryResult>;
  /** The last late records and dead letters (a few per operator), oldest first. */
  samples(): readonly RecordSample[];
  /** The errors that failed its attempts (each followed by a restart, or the job's end), oldest first. */
  exceptions(): readonly JobException[];
  /** Where the dashboard listens once it does (null without the `web` option); rejects if it could not listen. */
  readonly web: Promise<WebAddress> | null;
}
