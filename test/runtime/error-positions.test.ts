// An OperatorError names the record it failed on: the record's own position (file:line) when the
// failing operator got the source record itself or one passed on unchanged (filter, keyBy); the
// positions of the source batch it came from, with a preview of the record, when it was derived
// (after a map).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorError, type DataStream, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources } from 'eddy';

interface Row { n: number; ts: number }

async function failure<O>(build: (rows: DataStream<Row>) => DataStream<O>, file: string): Promise<OperatorError> {
  const env = StreamEnvironment.create({ batchSize: 4, log: () => {} });
  const rows = env.fromSource(sources.jsonl<Row>(file), WatermarkStrategy.forMonotonousTimestamps<Row>().withTimestampAssigner((r) => r.ts), 'rows');
  build(rows).sinkTo(sinks.collect<O>());
  try {
    await env.execute();
  } catch (e) {
    assert.ok(e instanceof OperatorError, String(e));
    return e;
  }
  throw new Error('the job did not fail');
}

const boom = (n: number) => {
  if (n === 6) throw new Error('six');
  return n;
};

test('errors name the failing record: exact through filter and keyBy, a range and the record after a map', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-errpos-'));
  try {
    const file = join(dir, 'rows.jsonl');
    writeFileSync(file, `${Array.from({ length: 10 }, (_, i) => JSON.stringify({ n: i + 1, ts: i })).join('\n')}\n`);

    const direct = await failure((rows) => rows.map((r) => boom(r.n)).name('direct'), file);
    assert.equal(direct.message, `operator 'direct' failed on input from ${file}:6: six`);
    assert.equal(direct.position, `${file}:6`);
    assert.equal(direct.record, null);

    const filtered = await failure((rows) => rows.filter((r) => r.n % 2 === 0).map((r) => boom(r.n)).name('after-filter'), file);
    assert.equal(filtered.position, `${file}:6`, 'a filter passes records on unchanged');

    const keyed = await failure((rows) => rows.keyBy((r) => r.n % 3).reduce((a, b) => ({ n: boom(b.n), ts: b.ts })).name('keyed-reduce'), file);
    assert.equal(keyed.position, `${file}:6`);

    const windowed = await failure((rows) => rows.keyBy((r) => boom(r.n) % 2).window(TumblingEventTimeWindows.of(100)).count().name('key-selector'), file);
    assert.equal(windowed.operator, 'key-selector');
    assert.equal(windowed.position, `${file}:6`);

    const derived = await failure((rows) => rows.map((r) => ({ m: r.n })).map((r) => boom(r.m)).name('after-map'), file);
    // Batches of 4: records 5-8 (lines 5 to 8) were the batch the failing record came from.
    assert.equal(derived.position, `${file}:5 to ${file}:8`);
    assert.equal(derived.record, '{"m":6}');
    assert.equal(derived.message, `operator 'after-map' failed on {"m":6}, derived from input ${file}:5 to ${file}:8: six`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record dropped for a bad timestamp does not shift the positions of the others', async () => {
  const env = StreamEnvironment.create({ log: () => {} });
  const values = [{ n: 1, ts: 1 }, { n: 2, ts: Number.NaN }, { n: 3, ts: 3 }, { n: 6, ts: 6 }];
  env.fromSource(sources.collection(values), WatermarkStrategy.forMonotonousTimestamps<Row>().withTimestampAssigner((r) => r.ts), 'rows')
    .map((r) => boom(r.n)).name('m').sinkTo(sinks.collect());
  await assert.rejects(env.execute(), (e: unknown) => e instanceof OperatorError && e.position === 'collection[3]');
});
