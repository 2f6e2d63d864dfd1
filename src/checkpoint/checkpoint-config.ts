import { localDirOf } from './checkpoint-location.ts';
import type { ObjectStoreOptions } from './object-store/object-store-options.ts';

/**
 * What the job promises about its results after a failure (a restart by the restart strategy, or
 * a new process restoring the latest checkpoint):
 * - 'exactly-once': state and output reflect every record once. Sinks with two-phase commit
 *   publish at each checkpoint; on restore the sources rewind to the checkpoint and what came
 *   after it is replayed, while what was not committed is discarded. Sinks that declare
 *   themselves idempotent publish at once (the replay rewrites the same keys).
 * - 'at-least-once': sinks publish at once and are flushed at each checkpoint; on restore the
 *   sources rewind to the checkpoint, so records after it may appear twice in the output.
 * - 'at-most-once': sinks publish at once; the sources never rewind past what they handed on.
 *   Before each batch is processed the sources' positions are written to
 *   `<checkpoint dir>/at-most-once-positions.json` (in place, no fsync: it survives a process crash, not a
 *   machine crash), and a restart resumes reading from there, while keyed and operator state come
 *   from the latest checkpoint: the batch in flight at the failure and the state changes since
 *   that checkpoint are lost, nothing is repeated.
 *
 * @example
 * StreamEnvironment.create({ checkpoints: { dir: 'ckpt', guarantee: 'at-most-once' }, restartStrategy: { kind: 'fixed-delay', delayMs: 100, maxAttempts: 3 } });
 */
export type DeliveryGuarantee = 'exactly-once' | 'at-least-once' | 'at-most-once';

/**
 * Periodic checkpoints: where, how often, and how many failures to tolerate.
 *
 * @example
 * StreamEnvironment.create({ checkpoints: { dir: '.eddy/checkpoints/clicks', intervalMs: 10_000 } });
 */
export interface CheckpointConfig {
  /**
   * Where the checkpoints go: a directory (created if missing), or an S3-compatible object store
   * as `s3://bucket/prefix` (the bucket must exist; see `objectStore`), as Flink's
   * `state.checkpoints.dir` takes either.
   */
  readonly dir: string;
  /** How to reach the object store of an `s3://` dir; each option defaults to the usual AWS environment variable. */
  readonly objectStore?: ObjectStoreOptions;
  /**
   * With an `s3://` dir: a directory on this machine for the control socket, at-most-once positions
   * and LMDB copies on their way up or down. Default `<tmp>/eddy-<hash of dir>`.
   */
  readonly localDir?: string;
  /** Time between the start of one checkpoint and the next (processing time). Default 10 s. */
  readonly intervalMs?: number;
  /** A checkpoint that takes longer fails. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Least time between the end of one checkpoint and the start of the next. Default 0. */
  readonly minPauseMs?: number;
  /**
   * Consecutive failed checkpoints tolerated before the job fails (and the restart strategy takes
   * over). A checkpoint fails when its files cannot be written (a full disk) or when, written,
   * its sinks cannot commit (a broker or database outage): the next checkpoint's commit retries
   * what is left. Default 3.
   */
  readonly tolerableFailures?: number;
  /** Complete checkpoints kept on disk. Default 3. */
  readonly retain?: number;
  /** Default 'exactly-once': sinks commit with the checkpoint. See DeliveryGuarantee. */
  readonly guarantee?: DeliveryGuarantee;
  /** Incremental state is compacted into a full snapshot after this many deltas. Default 8. */
  readonly maxDeltaChain?: number;
}

/** A config with every default filled in. */
export type ResolvedCheckpointConfig = Required<CheckpointConfig>;

/** Fills in defaults and checks values. */
export function resolveCheckpointConfig(c: CheckpointConfig): ResolvedCheckpointConfig {
  const r: ResolvedCheckpointConfig = {
    dir: c.dir,
    objectStore: c.objectStore ?? {},
    localDir: localDirOf(c.dir ?? '', c.localDir),
    intervalMs: c.intervalMs ?? 10_000,
    timeoutMs: c.timeoutMs ?? 600_000,
    minPauseMs: c.minPauseMs ?? 0,
    tolerableFailures: c.tolerableFailures ?? 3,
    retain: c.retain ?? 3,
    guarantee: c.guarantee ?? 'exactly-once',
    maxDeltaChain: c.maxDeltaChain ?? 8,
  };
  if (!r.dir) throw new Error('checkpoints.dir is required');
  for (const k of ['intervalMs', 'timeoutMs'] as const) if (!(r[k] > 0)) throw new Error(`checkpoints.${k} must be > 0, got ${r[k]}`);
  if (!['exactly-once', 'at-least-once', 'at-most-once'].includes(r.guarantee)) {
    throw new Error(`checkpoints.guarantee must be 'exactly-once', 'at-least-once' or 'at-most-once', got '${String(r.guarantee)}'`);
  }
  if (!(r.retain >= 1)) throw new Error(`checkpoints.retain must be >= 1, got ${r.retain}`);
  return r;
}
