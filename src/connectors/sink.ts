/**
 * Writes records. `write` is synchronous and only buffers; `flush` is where I/O happens. The
 * runtime calls `flush` when `backlog` passes the sink's capacity (so a slow sink slows the
 * sources) and at the end.
 *
 * @example
 * const writer = sinks.jsonl('out.jsonl').createWriter({ operatorName: 'out', guarantee: 'none' });
 * await writer.open(); writer.write(values, times, n); await writer.close();
 */
export interface SinkWriter<T> {
  open(): Promise<void>;
  write(values: readonly T[], times: readonly number[], length: number): void;
  /** Records or bytes buffered and not yet written. */
  readonly backlog: number;
  /** Above this backlog the runtime waits for `flush`. */
  readonly capacity: number;
  flush(): Promise<void>;
  close(): Promise<void>;
  /**
   * Two-phase commit, phase one, called at a checkpoint: make everything written so far durable
   * but invisible, and return a token (structured-clonable) naming what `commit` must publish.
   * The token must cover every earlier pre-commit not yet committed (a checkpoint can fail).
   */
  preCommit?(checkpointId: number): Promise<unknown>;
  /** Phase two, once the checkpoint is complete: publish what the token names. Idempotent. */
  commit?(checkpointId: number, token: unknown): Promise<void>;
  /**
   * On restore, before any write: publish what the restored checkpoint's token names (it may
   * or may not have been committed before the crash) and discard everything else left over.
   */
  recover?(token: unknown): Promise<void>;
}

/**
 * What a sink writer gets from the runtime.
 *
 * @example
 * createWriter: (ctx) => new MyWriter(`${ctx.operatorName}.log`),
 */
export interface SinkContext {
  readonly operatorName: string;
  /**
   * 'exactly-once' asks for two-phase commit; 'at-least-once' and 'at-most-once' for writes that
   * are visible at once and survive a restart (append, do not truncate); 'none' when the job has
   * no checkpoints.
   */
  readonly guarantee: 'exactly-once' | 'at-least-once' | 'at-most-once' | 'none';
}

/**
 * A destination for records.
 *
 * @example
 * stream.sinkTo(sinks.jsonl('out.jsonl'));
 */
export interface Sink<T> {
  readonly kind: string;
  describe(): string;
  /**
   * Writing a record again replaces what the first write did (an upsert by key, a PUT of the
   * same object): a replay after a restart cannot duplicate output. In an exactly-once job such a
   * sink writes at once instead of with each checkpoint (its writer gets guarantee
   * 'at-least-once'); the output may briefly hold values from after the restored checkpoint,
   * until the replay writes them again. A sink without two-phase commit that does not declare
   * this makes an exactly-once job log a warning: its output is at-least-once.
   */
  readonly idempotent?: boolean;
  createWriter(ctx: SinkContext): SinkWriter<T>;
}
