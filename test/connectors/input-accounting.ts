/**
 * Every input comes out once: a job that counts what each record became (an element of a fired
 * window, a late record, or a dead letter), random malformed input for it, and the check. Used by
 * the property tests of every connector (files, collections, generators, the test driver, Kafka
 * and PostgreSQL with their real servers).
 *
 * @example
 * const job = countingJob(env, sources.jsonl<Rec>(file));
 * await env.execute();
 * assertEachOnce(job.sinks(), ids, (p) => lineOf(p) - 1);
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEAD_LETTERS, type DataStream, type DeadLetter, OutputTag, type Source, type StreamEnvironment, TumblingEventTimeWindows,
  WatermarkStrategy, sinks,
} from 'eddy';

/** A fixed seed for the whole run (FC_SEED=... replays one); fast-check prints it with any failure. */
export const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;

/** A record as the sources read it: `ts` may be anything at all. */
export interface Rec {
  readonly id: number;
  readonly ts: number;
  readonly pad?: string;
}

export const LATE = new OutputTag<Rec>('late');

/** What the counting job's outputs hold: window elements' ids, late records, dead letters. */
export interface Counted {
  readonly results: readonly number[];
  readonly late: readonly Rec[];
  readonly dead: readonly DeadLetter[];
}

/** Event time from `ts`, 50 ms out of order allowed; so some records are late, some not a time at all. */
export const strategy = () => WatermarkStrategy.forBoundedOutOfOrderness<Rec>(50).withTimestampAssigner((r) => r.ts);

/** The counting job behind `records`: tumbling windows of 100 ms emit each element's id; late records to LATE. */
export function countingStreams(records: DataStream<Rec>): { results: DataStream<number>; late: DataStream<Rec>; dead: DataStream<DeadLetter> } {
  const results = records.keyBy((r) => r.id % 4).window(TumblingEventTimeWindows.of(100)).sideOutputLateData(LATE)
    .process<number>((_k, _w, elements, out) => {
      for (const e of elements) out.collect(e.id);
    });
  return { results, late: results.getSideOutput(LATE), dead: records.getSideOutput(DEAD_LETTERS) };
}

/** The counting job on a source, with collecting sinks (for env.execute). */
export function countingJob(env: StreamEnvironment, source: Source<Rec>, s: WatermarkStrategy<Rec> = strategy()): { sinks(): Counted } {
  const streams = countingStreams(env.fromSource(source, s, 'in'));
  const results = sinks.collect<number>();
  const late = sinks.collect<Rec>();
  const dead = sinks.collect<DeadLetter>();
  streams.results.sinkTo(results);
  streams.late.sinkTo(late);
  streams.dead.sinkTo(dead);
  return { sinks: () => ({ results: results.values, late: late.values, dead: dead.values }) };
}

/**
 * Every id of `expected` came out exactly once, as a result, a late record or a dead letter (whose
 * id `idOf` reads from its position); returns how many of each.
 */
export function assertEachOnce(c: Counted, expected: readonly number[], idOf: (position: string) => number, label = ''): { results: number; late: number; dead: number } {
  const seen = new Map<number, string[]>();
  const note = (id: number, as: string) => seen.set(id, [...(seen.get(id) ?? []), as]);
  for (const id of c.results) note(id, 'result');
  for (const r of c.late) note(r.id, 'late');
  for (const d of c.dead) note(idOf(d.position), `dead letter (${d.position}: ${d.reason.slice(0, 80)})`);
  const twice = [...seen].filter(([, as]) => as.length > 1).map(([id, as]) => `${id}: ${as.join(', ')}`);
  const missing = expected.filter((id) => !seen.has(id));
  const extra = [...seen.keys()].filter((id) => !expected.includes(id));
  assert.deepEqual({ twice, missing, extra }, { twice: [], missing: [], extra: [] }, `${label}: every input exactly once`);
  for (const d of c.dead) {
    assert.ok(d.operator !== '' && d.reason !== '' && d.position !== '', `a dead letter says what and where: ${JSON.stringify(d)}`);
  }
  return { results: c.results.length, late: c.late.length, dead: c.dead.length };
}

/** A JSON literal for a timestamp: good ones, and every kind of bad one. */
export const tsLiteral: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -200, max: 3_000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('"5000"', '"abc"', 'true', 'false', 'null', '1e400', '-1e400', '{"ms":5}', '[1]', '1.5', '9007199254740993', '1e300') },
  { weight: 1, arbitrary: fc.constant(null) }, // the field is missing
);

/** A string field with anything in it, quotes, backslashes and non-ASCII included (no line breaks). */
export const padText = fc.string({ maxLength: 30, unit: fc.oneof(fc.constantFrom('"', '\\', ',', 'é', '\u{1F600}', ' ', '\t'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) })
  .map((s) => s.replace(/[\r\n\u2028\u2029]/g, ' '));

/** Bytes of one line that is not JSON (never a line break, never blank). */
export const garbageBytes = fc.uint8Array({ minLength: 1, maxLength: 40 })
  .map((b) => Buffer.concat([Buffer.from('#'), Buffer.from(b.map((x) => (x === 0x0a || x === 0x0d ? 0x20 : x)))]));

/** One line of a JSON Lines file, as bytes: a record with some ts, invalid UTF-8 inside or outside a string, or garbage. */
export function jsonLine(id: number): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(tsLiteral, padText).map(([ts, pad]) => Buffer.from(`{"id":${id}${ts === null ? '' : `,"ts":${ts}`},"pad":${JSON.stringify(pad)}}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 3_000 }).map((ts) => Buffer.concat([Buffer.from(`{"id":${id},"ts":${ts},"pad":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])) },
    { weight: 1, arbitrary: fc.constant(Buffer.concat([Buffer.from(`{"id":${id},`), Buffer.from([0xff]), Buffer.from('"ts":1}')])) },
    { weight: 1, arbitrary: garbageBytes },
  );
}

/** Lines of a JSON Lines file for ids 0..n-1 (n random), the last one maybe cut short and without its newline. */
export const jsonLines: fc.Arbitrary<{ lines: Buffer[]; truncated: boolean }> = fc.integer({ min: 0, max: 60 })
  .chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => jsonLine(i))), fc.boolean(), fc.nat()))
  .map(([lines, cut, at]) => {
    if (!cut || lines.length === 0) return { lines, truncated: false };
    const last = lines[lines.length - 1];
    return { lines: [...lines.slice(0, -1), last.subarray(0, 1 + (at % last.length))], truncated: true };
  });

/** The file's bytes: lines joined by \n, with a final \n unless the last line was cut. */
export function fileBytes(f: { lines: Buffer[]; truncated: boolean }): Buffer {
  const parts: Buffer[] = [];
  f.lines.forEach((l, i) => {
    parts.push(l);
    if (i < f.lines.length - 1 || !f.truncated) parts.push(Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

/** `path:17` -> 17. */
export function lineOf(position: string): number {
  const n = Number(position.slice(position.lastIndexOf(':') + 1));
  assert.ok(Number.isInteger(n), `a file position ends with its line: ${position}`);
  return n;
}

/** A JavaScript value for a timestamp, as a collection, a generator or push() might hold it. */
export const tsValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -200, max: 3_000 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '5000', '', true, null, undefined,
      { ms: 5 }, [1], 10n, new Date(1_000), 1e300, -0, Number.MAX_VALUE),
  },
);
