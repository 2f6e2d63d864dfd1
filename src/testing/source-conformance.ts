import assert from 'node:assert/strict';
import type { ReadStatus, Source, SourceBatch, SourceReader, SourceReaderContext } from '../connectors/source.ts';
import type { DeadLetter } from '../functions/dead-letter.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { ConformanceCheck } from './conformance-check.ts';

/**
 * A source under test and what its input holds. Every call of `source()` must read the same
 * finite input from its start (the suite opens several readers on it, one after another).
 *
 * @example
 * const subject: SourceConformanceSubject<Click> = {
 *   name: 'jsonl', source: () => sources.jsonl<Click>('clicks.jsonl'), records: 10, deadLetters: 2,
 * };
 */
export interface SourceConformanceSubject<T> {
  readonly name: string;
  source(): Source<T>;
  /** How many records the input holds (bad input not counted). Use a few dozen, over several splits where the source has them. */
  readonly records: number;
  /** How many pieces of the input the source cannot read (each must come out as a dead letter), or why it never rejects input. */
  readonly deadLetters: number | { readonly skip: string };
  /** Records per batch; default 3, so that the input spans many batches and positions. */
  readonly batchSize?: number;
  /** The readers' clock; default the system clock (a reader may wait on it between polls). */
  readonly clock?: Clock;
  /** Reads allowed before the suite calls a reader stuck; default 10,000 ('idle' reads settle within tens of milliseconds). */
  readonly maxReads?: number;
}

/** What one read handed out, as the runtime would see it. */
interface Read<T> {
  readonly status: ReadStatus;
  readonly split: number;
  readonly records: readonly (readonly [T, number])[];
  readonly deadLetters: readonly DeadLetter[];
  /** `position()` after the read, through JSON as a checkpoint stores it. */
  readonly position: unknown;
}

/**
 * The checks every source passes: it reads each record once and ends, names its splits, resumes
 * exactly after a checkpointed position, turns bad input into located dead letters, and closes
 * twice without harm. A connector author runs it against their own reader; Eddy runs it against
 * every source it ships. Checks that do not apply carry the reason in `skip`.
 *
 * @example
 * import { test } from 'node:test';
 * import { sources } from 'eddy';
 * import { sourceConformance } from 'eddy/testing';
 *
 * const subject = { name: 'jsonl', source: () => sources.jsonl('in.jsonl'), records: 10, deadLetters: 2 };
 * for (const c of sourceConformance(subject)) test(`jsonl: ${c.name}`, { skip: c.skip }, c.run);
 */
export function sourceConformance<T>(subject: SourceConformanceSubject<T>): ConformanceCheck[] {
  const ctx: SourceReaderContext = {
    operatorName: `${subject.name} (conformance)`, clock: subject.clock ?? systemClock, batchSize: subject.batchSize ?? 3, badInput: 'dead-letter',
  };
  const maxReads = subject.maxReads ?? 10_000;
  const bounded = subject.source().bounded;
  const badCount = typeof subject.deadLetters === 'number' ? subject.deadLetters : 0;
  const probe = subject.source().createReader(ctx); // never opened: only asked what it implements

  /** Opens a fresh reader, runs `body` with it, and closes it whatever happens. */
  const withReader = async <R>(body: (reader: SourceReader<T>, batch: SourceBatch<T>) => Promise<R>): Promise<R> => {
    const reader = subject.source().createReader(ctx);
    await reader.open();
    try {
      return await body(reader, { split: 0, values: [], times: [], length: 0, deadLetters: [] });
    } finally {
      await reader.close();
    }
  };

  /** Reads until 'end' (or, unbounded, until `expected` records came and the reader went idle). */
  const readToEnd = async (reader: SourceReader<T>, batch: SourceBatch<T>, expected: number, what: string): Promise<Read<T>[]> => {
    const reads: Read<T>[] = [];
    let got = 0;
    for (let i = 0; i < maxReads; i++) {
      batch.length = 0;
      const status = await reader.read(batch);
      const records: (readonly [T, number])[] = [];
      for (let j = 0; j < batch.length; j++) records.push([batch.values[j], batch.times[j]]);
      got += records.length;
      reads.push({ status, split: batch.split, records, deadLetters: batch.deadLetters.splice(0), position: viaJson(reader.position(), what) });
      if (status === 'end' || (!bounded && status === 'idle' && got >= expected)) return reads;
    }
    return assert.fail(`${what}: ${maxReads} reads without reaching the end of input (${got} records so far); a bounded source returns 'end' once every split is done`);
  };

  const readAll = (what: string) => withReader(async (reader, batch) => {
    const start = viaJson(reader.position(), what);
    const reads = await readToEnd(reader, batch, subject.records, what);
    return { start, reads };
  });

  return [
    {
      name: 'reads every record of its input once',
      run: async () => {
        const { reads } = await readAll('reading the input');
        assert.equal(count(reads, (r) => r.records.length), subject.records, 'records read (the subject says how many the input holds)');
        assert.equal(count(reads, (r) => r.deadLetters.length), badCount, 'dead letters (bad pieces of input)');
      },
    },
    {
      name: "end of input: 'end' with an empty batch, every split finished, and it stays so",
      skip: bounded ? undefined : 'unbounded source: its input has no end',
      run: () => withReader(async (reader, batch) => {
        const reads = await readToEnd(reader, batch, subject.records, 'reading to the end');
        assert.equal(reads.at(-1)!.records.length, 0, "a read that returns 'end' hands out no records");
        for (let s = 0; s < reader.splitCount(); s++) assert.equal(reader.isSplitFinished(s), true, `split ${s} (${reader.splitName(s)}) is finished at the end`);
        batch.length = 0;
        assert.equal(await reader.read(batch), 'end', "a read after 'end' returns 'end' again");
        assert.equal(batch.length, 0, "a read after 'end' hands out no records");
      }),
    },
    {
      name: 'splits: every batch names a split below splitCount(), each split has a name of its own',
      run: () => withReader(async (reader, batch) => {
        const reads = await readToEnd(reader, batch, subject.records, 'reading the input');
        const n = reader.splitCount();
        assert.ok(Number.isInteger(n) && n >= 1, `splitCount() is a whole number >= 1 once read, got ${n}`);
        for (const r of reads) if (r.records.length > 0) assert.ok(r.split >= 0 && r.split < n, `a batch names split ${r.split}, but splitCount() is ${n}`);
        const names = Array.from({ length: n }, (_, s) => reader.splitName(s));
        for (const name of names) assert.ok(typeof name === 'string' && name !== '', `splitName() is a non-empty string, got ${JSON.stringify(name)}`);
        assert.equal(new Set(names).size, n, `split names are distinct: ${names.join(', ')}`);
      }),
    },
    {
      name: 'positions: a reader resumed at a checkpointed position re-reads exactly what follows',
      run: async () => {
        const { start, reads } = await readAll('the first reader');
        const useful = reads.flatMap((r, i) => (r.records.length > 0 || r.deadLetters.length > 0 ? [i] : []));
        assert.ok(useful.length >= 2, `the input spans at least two batches (batch size ${ctx.batchSize}); give the subject more records`);
        // Before any read, after the first batch, in the middle and after the last batch.
        const cuts = [...new Set([-1, useful[0], useful[useful.length >> 1], useful.at(-1)!])];
        for (const cut of cuts) {
          const position = cut < 0 ? start : reads[cut].position;
          const rest = reads.slice(cut + 1);
          const resumed = await withReader(async (reader, batch) => {
            reader.seek(position);
            return readToEnd(reader, batch, count(rest, (r) => r.records.length), `a reader resumed at ${JSON.stringify(position)}`);
          });
          const where = cut < 0 ? 'the position before the first read' : `the position after read ${cut + 1} of ${reads.length}`;
          assert.deepEqual(bySplit(resumed), bySplit(rest), `a reader resumed at ${where} (${JSON.stringify(position)}) reads, split by split, exactly what the first reader read after it`);
          assert.deepEqual(letters(resumed), letters(rest), `and the same dead letters, after ${where}`);
        }
      },
    },
    {
      name: 'bad input becomes dead letters that say where, why and what',
      skip: typeof subject.deadLetters === 'number' ? (subject.deadLetters > 0 ? undefined : 'the subject has no bad input') : subject.deadLetters.skip,
      run: async () => {
        const { reads } = await readAll('reading input with bad pieces');
        const dead = reads.flatMap((r) => r.deadLetters);
        assert.equal(dead.length, badCount, 'every bad piece of input is one dead letter');
        for (const d of dead) {
          assert.equal(d.operator, ctx.operatorName, 'a dead letter names the source operator (SourceReaderContext.operatorName)');
          assert.ok(typeof d.position === 'string' && d.position !== '', `a dead letter has a position (file:line, topic/partition@offset), got ${JSON.stringify(d.position)}`);
          assert.ok(typeof d.reason === 'string' && d.reason !== '', `a dead letter says why, at ${d.position}`);
          assert.equal(typeof d.raw, 'string', `a dead letter carries the raw input as text, at ${d.position}`);
        }
        assert.equal(new Set(dead.map((d) => d.position)).size, dead.length, `dead letters have distinct positions: ${dead.map((d) => d.position).join(', ')}`);
        assert.equal(count(reads, (r) => r.records.length), subject.records, 'the good records around the bad ones are all read');
      },
    },
    {
      name: "positionOf names where each record of the last batch came from",
      skip: probe.positionOf === undefined ? "no positionOf (errors name the split and the record's place in its batch)" : undefined,
      run: () => withReader(async (reader, batch) => {
        const seen = new Set<string>();
        for (let i = 0; i < maxReads && seen.size < subject.records; i++) {
          batch.length = 0;
          const status = await reader.read(batch);
          batch.deadLetters.length = 0;
          for (let j = 0; j < batch.length; j++) {
            const p = reader.positionOf!(j);
            assert.ok(typeof p === 'string' && p !== '', `positionOf(${j}) is a non-empty string, got ${JSON.stringify(p)}`);
            assert.ok(!seen.has(p), `positionOf gives each record a place of its own; '${p}' came twice`);
            seen.add(p);
          }
          if (status === 'end') break;
        }
        assert.equal(seen.size, subject.records, 'every record has a position');
      }),
    },
    {
      name: 'close() twice is harmless',
      run: async () => {
        const reader = subject.source().createReader(ctx);
        await reader.open();
        await reader.read({ split: 0, values: [], times: [], length: 0, deadLetters: [] });
        await reader.close();
        await reader.close();
      },
    },
  ];
}

function count<T>(reads: readonly Read<T>[], n: (r: Read<T>) => number): number {
  return reads.reduce((sum, r) => sum + n(r), 0);
}

/** Records and their times, split by split, in the order each split handed them out. */
function bySplit<T>(reads: readonly Read<T>[]): Map<number, (readonly [T, number])[]> {
  const out = new Map<number, (readonly [T, number])[]>();
  for (const r of reads) {
    if (r.records.length === 0) continue;
    let list = out.get(r.split);
    if (list === undefined) out.set(r.split, (list = []));
    list.push(...r.records);
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

function letters<T>(reads: readonly Read<T>[]): string[] {
  return reads.flatMap((r) => r.deadLetters.map((d) => d.position)).sort();
}

/** The position as a checkpoint stores it: JSON. */
function viaJson(position: unknown, what: string): unknown {
  if (position === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(position);
  } catch (e) {
    return assert.fail(`${what}: position() must be JSON-serializable (${(e as Error).message})`);
  }
  return JSON.parse(text);
}
