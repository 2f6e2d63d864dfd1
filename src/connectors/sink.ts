/**
 * Writes records. `write` is synchronous and only buffers; `flush` is where I/O happens. The
 * runtime calls `flush` when `backlog` passes the sink's capacity (so a slow sink slows the
 * sources) and at the end.
 *
 * @example
 * const writer = sinks.jsonl('out.jsonl').createWriter({ operatorName: 'out' });
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
}

/**
 * What a sink writer gets from the runtime.
 *
 * @example
 * createWriter: (ctx) => new MyWriter(`${ctx.operatorName}.log`),
 */
export interface SinkContext {
  readonly operatorName: string;
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
  createWriter(ctx: SinkContext): SinkWriter<T>;
}
