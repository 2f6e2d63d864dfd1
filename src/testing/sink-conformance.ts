import assert from 'node:assert/strict';
import type { Sink, SinkContext, SinkWriter } from '../connectors/sink.ts';
import type { ConformanceCheck } from './conformance-check.ts';

/**
 * One empty destination of a sink under test (a new file, topic or table), used by one check.
 *
 * @example
 * const destination = (): SinkDestination<Row> => {
 *   const path = join(dir, `out-${n++}.jsonl`);
 *   return { sink: () => sinks.jsonl<Row>(path), published: () => readJsonl(path) };
 * };
 */
export interface SinkDestination<T> {
  /** A sink writing here; called again for the writer that takes over after a crash. */
  sink(): Sink<T>;
  /**
   * What readers of the destination see now (written and, for a two-phase sink, committed), in
   * any order. `expected` is how many records the check expects, so that a destination read by
   * polling (a topic) can stop once it has them; return everything that is there.
   */
  published(expected: number): Promise<readonly T[]> | readonly T[];
  /** Releases what the destination holds; called once its check is over. */
  dispose?(): Promise<void> | void;
}

/**
 * A sink under test: fresh destinations and records to write. Records must be distinct, so that
 * a duplicate shows.
 *
 * @example
 * const subject: SinkConformanceSubject<Row> = { name: 'jsonl', destination, records: rows(12) };
 */
export interface SinkConformanceSubject<T> {
  readonly name: string;
  destination(): SinkDestination<T> | Promise<SinkDestination<T>>;
  /** At least 6 distinct records; the checks write them in parts. */
  readonly records: readonly T[];
  /**
   * The guarantee the writer gets for the checks of plain writes (published by flush and
   * close): default 'at-least-once'. Or why the sink has no plain writes (it publishes only at
   * commit).
   */
  readonly plainWrites?: 'at-least-once' | 'at-most-once' | 'none' | { readonly skip: string };
}

/**
 * The checks every sink passes. Plain writes: flush publishes what was written, a second flush
 * and a second close publish nothing again, backlog drains. Two-phase sinks (those whose writer
 * under 'exactly-once' has preCommit, commit and recover): nothing is visible before commit, a
 * commit repeated publishes once, a recovered pre-commit is published once (whether or not it
 * was committed before the crash), and what was written after it is discarded. A sink without
 * two-phase commit gets those checks skipped with the reason. Resolves once it has asked one
 * writer (never opened) what it implements.
 *
 * @example
 * import { test } from 'node:test';
 * import { sinkConformance } from 'eddy/testing';
 *
 * for (const c of await sinkConformance(subject)) test(`${subject.name}: ${c.name}`, { skip: c.skip }, c.run);
 */
export async function sinkConformance<T>(subject: SinkConformanceSubject<T>): Promise<ConformanceCheck[]> {
  const records = subject.records;
  assert.ok(records.length >= 6, `${subject.name}: give the sink conformance suite at least 6 records`);
  const third = Math.floor(records.length / 3);
  const [part1, part2, part3] = [records.slice(0, third), records.slice(third, 2 * third), records.slice(2 * third)];
  const plain = subject.plainWrites ?? 'at-least-once';
  const ctx = (guarantee: SinkContext['guarantee']): SinkContext => ({ operatorName: `${subject.name}-conformance`, guarantee });

  /** Runs `body` with a fresh destination, disposed of whatever happens. */
  const withDestination = async (body: (d: SinkDestination<T>) => Promise<void>): Promise<void> => {
    const d = await subject.destination();
    try {
      await body(d);
    } finally {
      await d.dispose?.();
    }
  };
  const expectPublished = async (d: SinkDestination<T>, want: readonly T[], what: string): Promise<void> => {
    assert.deepEqual(canonical(await d.published(want.length)), canonical(want), what);
  };
  /** A two-phase writer: opened and recovered as on a fresh start. */
  const twoPhase = async (d: SinkDestination<T>, token: unknown = null): Promise<SinkWriter<T>> => {
    const w = d.sink().createWriter(ctx('exactly-once'));
    assert.ok(w.preCommit !== undefined && w.commit !== undefined && w.recover !== undefined, 'the writer has preCommit, commit and recover');
    await w.open();
    await w.recover!(token);
    return w;
  };
  // What the sink does under 'exactly-once', asked of a writer that is never opened.
  const probeDestination = await subject.destination();
  let noTwoPhase: string | undefined;
  try {
    const sink = probeDestination.sink();
    const probe = sink.createWriter(ctx('exactly-once'));
    if (probe.preCommit === undefined || probe.commit === undefined || probe.recover === undefined) {
      noTwoPhase = sink.idempotent === true ? 'no two-phase commit (idempotent: a replay overwrites what it wrote)' : 'no two-phase commit';
    }
  } catch (e) {
    noTwoPhase = `no two-phase commit: no writer for 'exactly-once' (${(e as Error).message})`;
  } finally {
    await probeDestination.dispose?.();
  }

  const plainChecks: ConformanceCheck[] = [
    {
      name: 'flush publishes what was written; a second flush and a second close publish nothing again',
      skip: typeof plain === 'object' ? plain.skip : undefined,
      run: () => withDestination(async (d) => {
        const w = d.sink().createWriter(ctx(plain as SinkContext['guarantee']));
        assert.ok(w.capacity > 0, `capacity is above 0, got ${w.capacity}`);
        await w.open();
        try {
          write(w, part1);
          await w.flush();
          assert.equal(w.backlog, 0, 'backlog is 0 after flush');
          await w.flush();
          await expectPublished(d, part1, 'after writing the first part and flushing twice, it is published once');
          write(w, part2);
          write(w, part3);
        } finally {
          await w.close();
        }
        await w.close();
        await expectPublished(d, records, 'after close (and close again), every record is published once');
      }),
    },
  ];

  const twoPhaseChecks: ConformanceCheck[] = [
    {
      name: 'two-phase: nothing is visible before commit; a commit repeated publishes once',
      skip: noTwoPhase,
      run: () => withDestination(async (d) => {
        const w = await twoPhase(d);
        try {
          write(w, part1);
          const t1 = await w.preCommit!(1);
          await w.flush();
          await expectPublished(d, [], 'pre-committed records are not visible before commit');
          await w.commit!(1, structuredClone(t1));
          await expectPublished(d, part1, 'commit publishes what the pre-commit covered');
          await w.commit!(1, structuredClone(t1));
          write(w, part2);
          const t2 = await w.preCommit!(2);
          await w.commit!(2, structuredClone(t2));
          await expectPublished(d, [...part1, ...part2], 'a repeated commit publishes nothing twice; the next checkpoint publishes its part');
          write(w, part3);
        } finally {
          await w.close();
        }
        await w.close();
        await expectPublished(d, [...part1, ...part2], 'close (twice) publishes nothing that no checkpoint covered');
      }),
    },
    {
      name: 'two-phase: a recovered pre-commit is published once; what came after it is discarded',
      skip: noTwoPhase,
      run: () => withDestination(async (d) => {
        const crashed = await twoPhase(d);
        let t1: unknown;
        try {
          write(crashed, part1);
          t1 = structuredClone(await crashed.preCommit!(1));
          write(crashed, part2);
          await crashed.preCommit!(2); // its checkpoint never completes
          write(crashed, part3);
        } finally {
          await crashed.close(); // the crash: no commit
        }
        for (const attempt of ['', ' again (a second crash during recovery)']) {
          const w = await twoPhase(d, t1);
          await w.close();
          await expectPublished(d, part1, `recover(token of checkpoint 1)${attempt} publishes checkpoint 1 once and discards checkpoint 2's pre-commit`);
        }
      }),
    },
    {
      name: 'two-phase: a token covers earlier uncommitted pre-commits, and recovering a committed one publishes nothing twice',
      skip: noTwoPhase,
      run: () => withDestination(async (d) => {
        const a = await twoPhase(d);
        let t2: unknown;
        try {
          write(a, part1);
          await a.preCommit!(1); // checkpoint 1 failed: its data rides on the next token
          write(a, part2);
          t2 = structuredClone(await a.preCommit!(2));
        } finally {
          await a.close();
        }
        const b = await twoPhase(d, t2);
        let t3: unknown;
        try {
          await expectPublished(d, [...part1, ...part2], 'recover(token of checkpoint 2) publishes checkpoints 1 and 2');
          write(b, part3);
          t3 = structuredClone(await b.preCommit!(3));
          await b.commit!(3, structuredClone(t3));
        } finally {
          await b.close();
        }
        const c = await twoPhase(d, t3);
        await c.close();
        await expectPublished(d, records, 'recovering a token that was committed before the crash publishes nothing twice');
      }),
    },
  ];

  return [...plainChecks, ...twoPhaseChecks];
}

function write<T>(w: SinkWriter<T>, values: readonly T[]): void {
  w.write(values, values.map(() => 0), values.length);
}

/** Records in a comparable order: a multiset compare, since destinations need not keep order. */
function canonical<T>(values: readonly T[]): string[] {
  return values.map((v) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))).sort();
}
