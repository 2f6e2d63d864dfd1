/** What the job promises about its results after a failure. */
export type DeliveryGuarantee = 'exactly-once' | 'at-least-once';

/**
 * Periodic checkpoints: where, how often, and how many failures to tolerate.
 *
 * @example
 * StreamEnvironment.create({ checkpoints: { dir: '.eddy/checkpoints/clicks', intervalMs: 10_000 } });
 */
export interface CheckpointConfig {
  /** Directory holding the checkpoints (created if missing). */
  readonly dir: string;
  /** Time between the start of one checkpoint and the next (processing time). Default 10 s. */
  readonly intervalMs?: number;
  /** A checkpoint that takes longer fails. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Least time between the end of one checkpoint and the start of the next. Default 0. */
  readonly minPauseMs?: number;
  /** Consecutive failed checkpoints tolerated before the job fails. Default 3. */
  readonly tolerableFailures?: number;
  /** Complete checkpoints kept on disk. Default 3. */
  readonly retain?: number;
  /** Default 'exactly-once': sinks commit with the checkpoint. */
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
  if (!(r.retain >= 1)) throw new Error(`checkpoints.retain must be >= 1, got ${r.retain}`);
  return r;
}
