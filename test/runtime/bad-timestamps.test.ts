// A record whose event time is not a finite number goes to DEAD_LETTERS at its position, where
// the timestamp assigner runs, and the job goes on (or fails with that message under
// badInput 'fail'); an assigner that throws fails the job with an OperatorError naming the source
// and the record. The same for every kind of source: files, collections, generators, the test
// driver's push, and user sources, with or without an assigner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEAD_LETTERS, type DeadLetter, type EnvironmentOptions, OperatorError, type ProcessFunction, type ReadStatus, type Source, type SourceBatch,
  StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface Click { page: string; ts: number }
const byTs = () => WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts);
const timestampOf: ProcessFunction<Click, number> = { processElement: (_c, ctx, out) => out.collect(ctx.timestamp()) };

function clicksJob(source: Source<Click>, strategy = byTs(), options: EnvironmentOptions = {}) {
  const env = StreamEnvironment.create({ log: () => {}, ...options });
  const clicks = env.fromSource(source, strategy, 'clicks');
  const times = clicks.process(timestampOf);
  const counts = clicks.keyBy((c) => c.page).window(TumblingEventTimeWindows.of(1_000)).count();
  const dead = clicks.getSideOutput(DEAD_LETTERS);
  times.sinkTo(sinks.collect());
  counts.sinkTo(sinks.collect());
  dead.sinkTo(sinks.collect());
  return { env, times, counts, dead };
}

const BAD_JSONL = [
  '{"page":"/a","ts":100}',
  '{"page":"/a"}',
  '{"page":"/a","ts":"5000"}',
  '{"page":"/a","ts":true}',
  '{"page":"/a","ts":null}',
  '{"page":"/a","ts":1e400}',
  '{"page":"/a","ts":{"ms":5}}',
  '{"page":"/a","ts":1500}',
];

test('JSON Lines (pushLines): each bad timestamp goes to DEAD_LETTERS at file:line with why; the job goes on', () => {
  const job = clicksJob(sources.jsonl<Click>('clicks.jsonl'));
  const driver = StreamTestDriver.create(job.env);
  const times = driver.output(job.times);
  const counts = driver.output(job.counts);
  const letters = driver.output<DeadLetter>(job.dead);
  driver.input<Click>('clicks').pushLines(BAD_JSONL, { file: 'clicks.jsonl' });
  assert.deepEqual(times.values, [100, 1500], 'ctx.timestamp() is a number, never a string or null');
  assert.deepEqual(letters.values.map((d) => d.position), ['clicks.jsonl:2', 'clicks.jsonl:3', 'clicks.jsonl:4', 'clicks.jsonl:5', 'clicks.jsonl:6', 'clicks.jsonl:7']);
  const reasons = letters.values.map((d) => d.reason);
  for (const r of reasons) assert.match(r, /^the timestamp assigner of source 'clicks' returned .*; expected a finite number of epoch milliseconds$/);
  assert.match(reasons[0], /returned undefined \(is the field missing or misspelled\?\)/);
  assert.match(reasons[1], /returned "5000" \(a string/);
  assert.match(reasons[2], /returned true \(a boolean\)/);
  assert.match(reasons[3], /returned null;/);
  assert.match(reasons[4], /returned Infinity/);
  assert.match(reasons[5], /returned \{"ms":5\} \(an object\)/);
  assert.deepEqual(letters.values.map((d) => d.operator), Array(6).fill('clicks'));
  assert.equal(letters.values[1].raw, '{"page":"/a","ts":"5000"}');
  assert.equal(driver.metrics().deadLetters, 6);
  driver.endInput();
  assert.deepEqual(counts.values, [{ key: '/a', start: 0, end: 1_000, value: 1 }, { key: '/a', start: 1_000, end: 2_000, value: 1 }]);
});

test('CSV: Infinity in a number column is not a time', () => {
  const env = StreamEnvironment.create();
  const rows = env.fromSource(sources.csv<Click>('c.csv', { types: { ts: 'number' } }), byTs(), 'clicks');
  rows.sinkTo(sinks.collect());
  rows.getSideOutput(DEAD_LETTERS).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(rows);
  const dead = driver.sideOutput(rows, DEAD_LETTERS);
  driver.input<Click>('clicks').pushLines(['page,ts', '/a,Infinity', '/b,-Infinity', '/c,7'], { file: 'c.csv' });
  assert.deepEqual(out.values, [{ page: '/c', ts: 7 }]);
  assert.deepEqual(dead.values.map((d) => [d.position, /returned -?Infinity/.test(d.reason)]), [['c.csv:2', true], ['c.csv:3', true]]);
});

test("badInput 'fail': the job fails with the same message, naming the source and the line", () => {
  const job = clicksJob(sources.jsonl<Click>('clicks.jsonl'), byTs(), { badInput: 'fail' });
  const driver = StreamTestDriver.create(job.env);
  assert.throws(() => driver.input<Click>('clicks').pushLines(BAD_JSONL.slice(0, 3), { file: 'clicks.jsonl' }), (e: unknown) => {
    assert.ok(e instanceof OperatorError);
    assert.equal(e.operator, 'clicks');
    assert.equal(e.position, 'clicks.jsonl:2');
    assert.match(e.message, /the timestamp assigner of source 'clicks' returned undefined .* at clicks\.jsonl:2 \(bad input policy is 'fail'/);
    return true;
  });
});

test('push: an assigner result or an explicit timestamp that is not a time is a dead letter at "push #n"', () => {
  const job = clicksJob({ kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } });
  const driver = StreamTestDriver.create(job.env);
  const times = driver.output(job.times);
  const letters = driver.output<DeadLetter>(job.dead);
  const input = driver.input<Click>('clicks');
  input.push({ page: '/a', ts: 1 }).push({ page: '/a', ts: Number.NaN }).push({ page: '/a', ts: 2 }, Number.POSITIVE_INFINITY);
  input.push({ page: '/a', ts: '3' as unknown as number }).push({ page: '/a', ts: 4 }, 40);
  assert.deepEqual(times.values, [1, 40]);
  assert.deepEqual(letters.values.map((d) => [d.position, d.reason.split(';')[0]]), [
    ['push #2', "the timestamp assigner of source 'clicks' returned NaN (a date that did not parse, or arithmetic on a missing value?)"],
    ['push #3', "the timestamp assigner of source 'clicks' returned Infinity (not a finite time: a number too large for a double, such as 1e400, reads as Infinity)"],
    ['push #4', 'the timestamp assigner of source \'clicks\' returned "3" (a string: convert it, e.g. Number(...) or Date.parse(...))'],
  ]);
});

test('a timestamp assigner that throws fails the job with an OperatorError naming the source and the record', () => {
  const strategy = WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => {
    if (c.page === '/boom') throw new Error('no time for /boom');
    return c.ts;
  });
  const job = clicksJob(sources.jsonl<Click>('clicks.jsonl'), strategy);
  const driver = StreamTestDriver.create(job.env);
  assert.throws(() => driver.input<Click>('clicks').pushLines(['{"page":"/a","ts":1}', '{"page":"/boom","ts":2}'], { file: 'clicks.jsonl' }), (e: unknown) => {
    assert.ok(e instanceof OperatorError, String(e));
    assert.equal(e.operator, 'clicks');
    assert.equal(e.position, 'clicks.jsonl:2');
    assert.equal(e.message, "operator 'clicks' failed on input from clicks.jsonl:2: no time for /boom");
    assert.ok(e.cause instanceof Error && e.cause.message === 'no time for /boom');
    return true;
  });
});

/** A user source with its own timestamps (no positionOf: errors name the split and the record's place). */
function ownTimes(times: unknown[]): Source<Click> {
  return {
    kind: 'own', bounded: true, describe: () => 'own',
    createReader: () => {
      let done = false;
      return {
        open: async () => {}, splitCount: () => 1, splitName: () => 'own-split', isSplitFinished: () => done,
        position: () => done, seek: () => {}, close: async () => {},
        read: (b: SourceBatch<Click>): ReadStatus => {
          if (done) {
            b.length = 0;
            return 'end';
          }
          times.forEach((t, i) => {
            b.values[i] = { page: '/a', ts: i };
            b.times[i] = t as number;
          });
          b.split = 0;
          b.length = times.length;
          done = true;
          return 'data';
        },
      };
    },
  };
}

for (const [kind, source, strategy, expected] of [
  ['a collection', sources.collection<Click>([{ page: '/a', ts: 1 }, { page: '/a', ts: 'x' as unknown as number }, { page: '/a', ts: 3 }]), byTs(), 'collection[1]'],
  ['a generator', sources.generator<Click>({ count: 4, generate: (i) => ({ page: '/a', ts: i === 2 ? Number.NaN : i }) }), byTs(), 'generator#2'],
  ['a user source with its own timestamps', ownTimes([1, '5000', 3]), WatermarkStrategy.forMonotonousTimestamps<Click>(), 'own-split (record 2 of a batch of 3)'],
] as const) {
  test(`production run: ${kind} sends a record without a usable time to DEAD_LETTERS at ${expected}`, async () => {
    const dead = sinks.collect<DeadLetter>();
    const env = StreamEnvironment.create({ log: () => {} });
    const clicks = env.fromSource(source, strategy, 'clicks');
    const times = sinks.collect<number>();
    clicks.process(timestampOf).sinkTo(times);
    clicks.getSideOutput(DEAD_LETTERS).sinkTo(dead);
    await env.execute();
    assert.deepEqual(dead.values.map((d) => d.position), [expected]);
    assert.ok(times.values.every((t) => typeof t === 'number' && Number.isFinite(t)), JSON.stringify(times.values));
    assert.equal(times.values.length, kind === 'a generator' ? 3 : 2);
  });
}

test('a source without timestamps and without an assigner: records pass with no event time (NaN), for jobs that need none', async () => {
  const env = StreamEnvironment.create({ log: () => {} });
  const out = sinks.collect<number>();
  env.fromSource(sources.collection([1, 2]), WatermarkStrategy.noWatermarks(), 'n').map((n) => n * 2).sinkTo(out);
  const r = await env.execute();
  assert.deepEqual(out.values, [2, 4]);
  assert.equal(r.metrics.deadLetters, 0);
});

test('JSON Lines file read in production: dead letters at file:line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-badts-'));
  try {
    const file = join(dir, 'clicks.jsonl');
    writeFileSync(file, `${BAD_JSONL.join('\n')}\n`);
    const env = StreamEnvironment.create({ log: () => {} });
    const clicks = env.fromSource(sources.jsonl<Click>(file), byTs(), 'clicks');
    const dead = sinks.collect<DeadLetter>();
    const counts = sinks.collect<{ value: number }>();
    clicks.getSideOutput(DEAD_LETTERS).sinkTo(dead);
    clicks.keyBy((c) => c.page).window(TumblingEventTimeWindows.of(1_000)).count().sinkTo(counts);
    await env.execute();
    assert.deepEqual(dead.values.map((d) => d.position), [2, 3, 4, 5, 6, 7].map((l) => `${file}:${l}`));
    assert.deepEqual(counts.values.map((c) => c.value), [1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
