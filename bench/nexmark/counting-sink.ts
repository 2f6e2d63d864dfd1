import type { Sink, SinkWriter } from 'eddy';

/**
 * A sink that counts its records and keeps none, with a two-phase commit (the count pending since
 * the last checkpoint is published at the next one), so a run with exactly-once checkpoints pays
 * for the sink's part of the protocol as a transactional sink would, minus the I/O.
 *
 * @example
 * const sink = countingSink();
 * QUERIES.q0(env, events).sinkTo(sink);
 * await env.execute('q0');
 * sink.count; // every record written
 */
export function countingSink(): Sink<unknown> & { readonly count: number; readonly committed: number } {
  let count = 0;
  let committed = 0;
  let pending = 0;
  const writer: SinkWriter<unknown> = {
    open: async () => {},
    write: (_values, _times, n) => {
      count += n;
      pending += n;
    },
    backlog: 0,
    capacity: Number.POSITIVE_INFINITY,
    flush: async () => {},
    close: async () => {},
    preCommit: async () => {
      const token = pending;
      pending = 0;
      return token;
    },
    commit: async (_id, token) => {
      committed += token as number;
    },
    recover: async () => {},
  };
  return {
    kind: 'count',
    describe: () => 'count()',
    createWriter: () => writer,
    get count() {
      return count;
    },
    get committed() {
      return committed;
    },
  };
}
