import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { JobException, JobStatus } from '../metrics/job-lifecycle.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { RecordSample } from '../metrics/sample-ring.ts';
import type { Plan } from '../plan/plan.ts';
import type { StateQueryResult } from './query-state.ts';

/**
 * What the web server reads and asks of a running job (the launcher builds one per job).
 *
 * @example
 * const server = new WebServer(target, resolveWebOptions({ port: 0 }), clock, log);
 */
export interface WebTarget {
  readonly name: string;
  readonly plan: Plan;
  /** Where savepoints go when a request names no path (null: the job has no checkpoints). */
  readonly savepointDir: string | null;
  status(): JobStatus;
  metrics(): JobMetricsSnapshot;
  checkpoints(): readonly CheckpointRecord[];
  samples(): readonly RecordSample[];
  exceptions(): readonly JobException[];
  /** Ids of the operators with keyed state (the ones queryable state can read). */
  keyedOperators(): readonly number[];
  cancel(): void;
  savepoint(path: string): Promise<string>;
  stopWithSavepoint(path: string): Promise<string>;
  /** One key's current state in a keyed operator (uid or name), read between step-loop rounds. */
  queryState(operator: string, key: string): Promise<StateQueryResult>;
}
