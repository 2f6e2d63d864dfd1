import type { Sink, SinkWriter } from 'eddy';

/**
 * A sink made deliberately slow: it passes everything to `inner` but charges `perRecordMs` per
 * record and `perFlushMs` per flush, paid in `flush` and before each pre-commit (a remote service
 * with a round trip and a throughput limit). Its backlog is what it has not paid for; above
 * `capacity` the runtime waits for `flush`, which slows the sources: this is what backpressure
 * must reach.
 *
 * @example
 * stream.sinkTo(slowSink(sinks.jsonl('out/w'), { perRecordMs: 0.5, perFlushMs: 5, capacity: 200 }));
 */
export function slowSink<T>(inner: Sink<T>, cost: { readonly perRecordMs: number; readonly perFlushMs: number; readonly capacity: number }): Sink<T> {
  return { kind: inner.kind, describe: () => `slow(${inner.describe()})`, createWriter: (ctx) => new SlowWriter(inner.createWriter(ctx), cost) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class SlowWriter<T> implements SinkWriter<T> {
  private unpaid = 0;
  constructor(private readonly inner: SinkWriter<T>, private readonly cost: { readonly perRecordMs: number; readonly perFlushMs: number; readonly capacity: number }) {}
  get backlog(): number {
    return this.unpaid;
  }
  get capacity(): number {
    return this.cost.capacity;
  }
  open(): Promise<void> {
    return this.inner.open();
  }
  write(values: readonly T[], times: readonly number[], length: number): void {
    this.inner.write(values, times, length);
    this.unpaid += length;
  }
  async flush(): Promise<void> {
    await this.pay();
    await this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  async preCommit(checkpointId: number): Promise<unknown> {
    await this.pay();
    return this.inner.preCommit!(checkpointId);
  }
  commit(checkpointId: number, token: unknown): Promise<void> {
    return this.inner.commit!(checkpointId, token);
  }
  recover(token: unknown): Promise<void> {
    return this.inner.recover!(token);
  }
  private async pay(): Promise<void> {
    const ms = this.cost.perFlushMs + this.unpaid * this.cost.perRecordMs;
    this.unpaid = 0;
    await sleep(ms);
  }
}
