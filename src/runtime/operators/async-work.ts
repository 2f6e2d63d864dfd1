/**
 * What an operator that does its own I/O (asyncMap) shows the runtime. Its promises settle
 * whenever the event loop runs them, but their results enter the graph only when the runtime
 * calls `drain`, between steps, so the hot path stays synchronous and a checkpoint cut (taken
 * between steps) never sees a half-delivered result.
 *
 * @example
 * if (op.async !== undefined && op.async.full) await op.async.whenProgress();
 */
export interface AsyncWork {
  /** Records held: waiting, in flight, backing off, or done and waiting for their turn. */
  readonly held: number;
  /** Attempts whose promise has not settled yet (what `whenProgress` can wait for). */
  readonly outstanding: number;
  /** At capacity: the sources should stop reading until `whenProgress` resolves. */
  readonly full: boolean;
  /** Resolves when an attempt settles (at once if one has settled and is not drained yet). */
  whenProgress(): Promise<void>;
  /** Takes in settled attempts and emits what may leave; returns whether anything changed. */
  drain(): boolean;
}
