// Random malformed input through every embedded connector: wrong types, NaN, huge numbers, invalid
// UTF-8, garbage, cut-off last lines, 5 MB lines, a file that grows while it is read. Every input
// comes out exactly once, as a window result, a late record or a dead letter, and the job goes on.
// (Kafka and PostgreSQL: test/kafka and test/postgres, with their real servers.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { type DeadLetter, StreamEnvironment, sources } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import {
  type Counted, type Rec, SEED, assertEachOnce, countingJob, countingStreams, fileBytes, jsonLine, jsonLines, lineOf, padText, strategy, tsValue,
} from './input-accounting.ts';

const root = mkdtempSync(join(tmpdir(), 'eddy-once-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const RUNS = { seed: SEED, numRuns: 25, interruptAfterTimeLimit: 60_000 };
const totals: Record<string, { results: number; late: number; dead: number }> = {};
function tally(name: string, n: { results: number; late: number; dead: number }): void {
  const t = (totals[name] ??= { results: 0, late: 0, dead: 0 });
  t.results += n.results;
  t.late += n.late;
  t.dead += n.dead;
}
after(() => {
  // The counts, so that a run shows each kind of outcome was exercised.
  for (const [name, t] of Object.entries(totals)) console.log(`# ${name}: ${t.results} results, ${t.late} late, ${t.dead} dead letters`);
});

const batchSize = fc.constantFrom(1, 3, 7, 1024);

test('JSON Lines files: every line once', async () => {
  await fc.assert(fc.asyncProperty(jsonLines, batchSize, async (f, b) => {
    const file = join(root, `f${files++}.jsonl`);
    writeFileSync(file, fileBytes(f));
    const env = StreamEnvironment.create({ batchSize: b, log: () => {} });
    const job = countingJob(env, sources.jsonl<Rec>(file));
    await env.execute();
    tally('jsonl', assertEachOnce(job.sinks(), f.lines.map((_, i) => i), (p) => lineOf(p) - 1, file));
  }), RUNS);
});

const csvTs = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -200, max: 3_000 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('Infinity', '-Infinity', '1e400', 'abc', '', 'NaN', '5000.5', ' 7 ', '"12"', '0x10') },
);
/** A CSV field: quoted as RFC 4180 says (mostly), or raw (commas and quotes then break the row). */
const csvPad = fc.tuple(padText, fc.integer({ min: 0, max: 3 })).map(([p, how]) => (how === 0 ? p : `"${p.replaceAll('"', '""')}"`));
const csvRows = fc.array(fc.tuple(csvTs, csvPad, fc.integer({ min: 0, max: 9 }).map((n) => n === 0)), { maxLength: 50 });

test('CSV files: every row once (the header line is not a row)', async () => {
  await fc.assert(fc.asyncProperty(csvRows, batchSize, async (rows, b) => {
    const file = join(root, `f${files++}.csv`);
    const lines = rows.map(([ts, pad, garbage], i) => (garbage ? `#${pad},x` : `${i},${ts},${pad}`));
    writeFileSync(file, `id,ts,pad\n${lines.join('\n')}\n`);
    const env = StreamEnvironment.create({ batchSize: b, log: () => {} });
    const job = countingJob(env, sources.csv<Rec>(file, { types: { id: 'number', ts: 'number' } }));
    await env.execute();
    tally('csv', assertEachOnce(job.sinks(), rows.map((_, i) => i), (p) => lineOf(p) - 2, file));
  }), RUNS);
});

const records = fc.array(tsValue, { maxLength: 60 }).map((ts) => ts.map((t, id) => ({ id, ts: t as number })));

test('collections: every element once', async () => {
  await fc.assert(fc.asyncProperty(records, batchSize, async (values, b) => {
    const env = StreamEnvironment.create({ batchSize: b, log: () => {} });
    const job = countingJob(env, sources.collection<Rec>(values));
    await env.execute();
    tally('collection', assertEachOnce(job.sinks(), values.map((v) => v.id), (p) => Number(/^collection\[(\d+)\]$/.exec(p)![1])));
  }), RUNS);
});

test('generators: every record once, over several splits', async () => {
  await fc.assert(fc.asyncProperty(fc.array(tsValue, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 3 }), batchSize,
    async (table, count, splits, b) => {
      const env = StreamEnvironment.create({ batchSize: b, log: () => {} });
      const job = countingJob(env, sources.generator<Rec>({ count, splits, generate: (i) => ({ id: i, ts: table[i % table.length] as number }) }));
      await env.execute();
      tally('generator', assertEachOnce(job.sinks(), Array.from({ length: count }, (_, i) => i), (p) => Number(/^generator#(\d+)$/.exec(p)![1])));
    }), RUNS);
});

/** The counting job in the test driver; `read` collects its outputs so far. */
function drivenJob(source: Parameters<typeof countingJob>[1]) {
  const env = StreamEnvironment.create({ log: () => {} });
  const streams = countingStreams(env.fromSource(source, strategy(), 'in'));
  for (const s of [streams.results, streams.late, streams.dead] as const) s.sinkTo({ kind: 'none', describe: () => 'none', createWriter: () => { throw new Error('driver only'); } } as never);
  const driver = StreamTestDriver.create(env);
  const results = driver.output(streams.results);
  const late = driver.output(streams.late);
  const dead = driver.output<DeadLetter>(streams.dead);
  return { driver, input: driver.input<Rec>('in'), read: (): Counted => ({ results: results.values, late: late.values, dead: dead.values }) };
}

test('the test driver: push (with and without explicit timestamps), pushLines and pushKafka, every input once', () => {
  const pushes = fc.array(fc.tuple(tsValue, fc.option(tsValue, { nil: undefined })), { maxLength: 40 });
  fc.assert(fc.property(pushes, jsonLines, fc.array(fc.option(fc.oneof(jsonLine(0).map((b) => b.toString('latin1')), padText), { nil: null }), { maxLength: 30 }),
    (pushed, f, messages) => {
      // push: ids 0.., position 'push #n'.
      const p = drivenJob({ kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } });
      pushed.forEach(([ts, explicit], id) => p.input.push({ id, ts: ts as number }, explicit as number | undefined));
      p.driver.endInput();
      tally('driver push', assertEachOnce(p.read(), pushed.map((_, i) => i), (pos) => Number(/^push #(\d+)$/.exec(pos)![1]) - 1, 'push'));

      // pushLines: the JSON Lines of a file, in pieces.
      const l = drivenJob(sources.jsonl<Rec>('in.jsonl'));
      const text = fileBytes(f).toString('utf8').split('\n');
      if (!f.truncated && text.at(-1) === '') text.pop();
      const half = text.length >> 1;
      l.input.pushLines(text.slice(0, half), { file: 'in.jsonl' }).pushLines(text.slice(half), { file: 'in.jsonl' });
      l.driver.endInput();
      const withId = f.lines.map((_, i) => i);
      tally('driver pushLines', assertEachOnce(l.read(), withId, (pos) => lineOf(pos) - 1, 'pushLines'));

      // pushKafka: values as the broker would hand them (null is a tombstone); ids are offsets.
      const k = drivenJob(sources.kafka<Rec>({ brokers: 'unused:9092', topics: ['t'], groupId: 'g' }));
      k.input.pushKafka(messages.map((m, offset) => ({ value: m === null ? null : m.replace(/"id":\d+/, `"id":${offset}`) })));
      k.driver.endInput();
      tally('driver pushKafka', assertEachOnce(k.read(), messages.map((_, i) => i), (pos) => Number(/^t\/0@(\d+)$/.exec(pos)![1]), 'pushKafka'));
    }), { ...RUNS, numRuns: 40 });
});

test('5 MB lines: a good one is read whole, a bad one is one dead letter', async () => {
  const file = join(root, 'big.jsonl');
  const big = 'x'.repeat(5 << 20);
  writeFileSync(file, `{"id":0,"ts":10}\n{"id":1,"ts":20,"pad":"${big}"}\n{"id":2,"ts":"${big}"}\n#${big}\n{"id":4,"ts":30}\n`);
  const env = StreamEnvironment.create({ log: () => {} });
  const job = countingJob(env, sources.jsonl<Rec>(file));
  await env.execute();
  const c = job.sinks();
  assert.deepEqual(assertEachOnce(c, [0, 1, 2, 3, 4], (p) => lineOf(p) - 1), { results: 3, late: 0, dead: 2 });
  // Line 3 parses (its ts is a 5 MB string): its raw is a preview; line 4 does not: its raw is the line.
  const raw = new Map(c.dead.map((d) => [lineOf(d.position), d.raw.length]));
  assert.ok(raw.get(3)! <= 200, `preview of line 3: ${raw.get(3)} chars`);
  assert.equal(raw.get(4), big.length + 1);
});

test('a file that grows while it is read: every line read comes out once, the rest is not half-read', async () => {
  const file = join(root, 'growing.jsonl');
  const line = (i: number) => `{"id":${i},"ts":${i}}\n`;
  writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => line(i)).join(''));
  let written = 20_000;
  const env = StreamEnvironment.create({ batchSize: 64, log: () => {} });
  const job = countingJob(env, sources.jsonl<Rec>(file));
  const run = env.execute();
  // Append in pieces that end mid-line, while the reader works through the file.
  let running = true;
  void run.finally(() => (running = false));
  while (running && written < 200_000) {
    const chunk = Array.from({ length: 500 }, (_, i) => line(written + i)).join('');
    const cut = chunk.length >> 1;
    appendFileSync(file, chunk.slice(0, cut));
    await new Promise((r) => setImmediate(r));
    appendFileSync(file, chunk.slice(cut));
    written += 500;
    await new Promise((r) => setImmediate(r));
  }
  await run;
  const c = job.sinks();
  const seen = new Set([...c.results, ...c.late.map((r) => r.id), ...c.dead.map((d) => lineOf(d.position) - 1)]);
  let read = 0; // (Math.max(...seen) spreads one argument per line: a stack overflow at this size)
  for (const line of seen) if (line + 1 > read) read = line + 1;
  assert.ok(read >= 20_000, 'at least what was there at the start');
  // What was read is a prefix of the file, each line once; a line caught half-written at the end is its one dead letter.
  assertEachOnce(c, Array.from({ length: read }, (_, i) => i), (p) => lineOf(p) - 1, 'growing file');
  assert.ok(c.dead.length <= 1 && c.dead.every((d) => lineOf(d.position) === read), JSON.stringify(c.dead.map((d) => d.position)));
  tally('growing file', { results: c.results.length, late: c.late.length, dead: c.dead.length });
});
