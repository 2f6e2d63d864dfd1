/**
 * One completed or failed checkpoint, for metrics and the UI.
 *
 * @example
 * for (const c of result.checkpoints) console.log(c.id, c.status, c.durationMs);
 */
export interface CheckpointRecord {
  readonly id: number;
  readonly status: 'completed' | 'failed';
  readonly startedAt: number;
  readonly durationMs: number;
  /** Time the job was paused for the synchronous part (snapshot + sink pre-commit). */
  readonly syncMs: number;
  readonly bytes: number;
  readonly error?: string;
  /** Keyed state per operator with a keyed backend, at the cut (from the backends' cheap `stats()`). */
  readonly state?: readonly { readonly operator: string; readonly keys: number; readonly bytes: number }[];
}
