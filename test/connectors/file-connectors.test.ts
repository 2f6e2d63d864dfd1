import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, DEAD_LETTERS, sinks, sources, type DeadLetter, type SourceBatch } from 'eddy';
import { systemClock } from '../../src/time/clock.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'eddy-files-'));

test('jsonl: a malformed line goes to the dead-letter output with file and line, and the job goes on', async () => {
  const d = dir();
  const file = join(d, 'in.jsonl');
  writeFileSync(file, '{"n":1}\n\n{"n":2}\r\n{oops\n{"n":3}');
  const env = StreamEnvironment.create();
  const s = env.fromSource(sources.jsonl<{ n: number }>(file), WatermarkStrategy.noWatermarks(), 'in');
  const out = sinks.collect<number>();
  const dead = sinks.collect<DeadLetter>();
  s.map((r) => r.n).sinkTo(out);
  s.getSideOutput(DEAD_LETTERS).sinkTo(dead);
  const result = await env.execute();
  assert.deepEqual(out.values, [1, 2, 3]);
  assert.equal(dead.values.length, 1);
  assert.equal(dead.values[0].position, `${file}:4`);
  assert.match(dead.values[0].reason, /invalid JSON/);
  assert.equal(dead.values[0].raw, '{oops');
  assert.equal(result.metrics.deadLetters, 1);
});

test("jsonl: with badInput 'fail' the job fails with the same position", async () => {
  const d = dir();
  const file = join(d, 'in.jsonl');
  writeFileSync(file, '{"n":1}\nnope\n');
  const env = StreamEnvironment.create({ badInput: 'fail', log: () => {} });
  env.fromSource(sources.jsonl(file), WatermarkStrategy.noWatermarks(), 'in').sinkTo(sinks.collect());
  await assert.rejects(env.execute(), (e: Error) => e.message.includes(`${file}:2`) && e.message.includes('invalid JSON'));
});

test('jsonl: dead letters with no consumer are logged, counted, never silent', async () => {
  const d = dir();
  const file = join(d, 'in.jsonl');
  writeFileSync(file, 'x\n{"n":1}\n');
  const logged: string[] = [];
  const env = StreamEnvironment.create({ log: (l) => logged.push(l) });
  env.fromSource(sources.jsonl(file), WatermarkStrategy.noWatermarks(), 'in').sinkTo(sinks.collect());
  const r = await env.execute();
  assert.equal(r.metrics.deadLetters, 1);
  assert.match(logged.join('\n'), new RegExp(`dead letter: in: invalid JSON.* at ${file.replaceAll('/', '\\/')}:1`));
});

test('csv: header, quoting and typed columns; a bad number is a dead letter', async () => {
  const d = dir();
  const file = join(d, 'orders.csv');
  writeFileSync(file, 'id,amount,note,ts\n1,9.5,"a, ""quoted"" note",2024-01-01T00:00:00Z\n2,abc,x,0\n3,1,y\n4,2,z,1000\n');
  const env = StreamEnvironment.create();
  type Order = { id: string; amount: number; note: string; ts: number };
  const s = env.fromSource(sources.csv<Order>(file, { types: { amount: 'number', ts: 'date' } }), WatermarkStrategy.noWatermarks(), 'orders');
  const out = sinks.collect<Order>();
  const dead = sinks.collect<DeadLetter>();
  s.sinkTo(out);
  s.getSideOutput(DEAD_LETTERS).sinkTo(dead);
  await env.execute();
  assert.deepEqual(out.values, [
    { id: '1', amount: 9.5, note: 'a, "quoted" note', ts: Date.parse('2024-01-01T00:00:00Z') },
    { id: '4', amount: 2, note: 'z', ts: 1000 },
  ]);
  assert.deepEqual(dead.values.map((x) => [x.position, x.reason]), [
    [`${file}:3`, "column 'amount': 'abc' is not a number"],
    [`${file}:4`, 'expected 4 fields (id, amount, note, ts), got 3'],
  ]);
});

test('a directory is read file by file in name order, each file a split', async () => {
  const d = dir();
  mkdirSync(join(d, 'in'));
  writeFileSync(join(d, 'in', 'b.jsonl'), '3\n4\n');
  writeFileSync(join(d, 'in', 'a.jsonl'), '1\n2\n');
  writeFileSync(join(d, 'in', '.hidden'), 'garbage\n');
  const env = StreamEnvironment.create();
  const out = sinks.collect<number>();
  env.fromSource(sources.jsonl<number>(join(d, 'in')), WatermarkStrategy.noWatermarks(), 'in').sinkTo(out);
  await env.execute();
  assert.deepEqual(out.values, [1, 2, 3, 4]);
});

test('file source position: seek resumes exactly after the last record read', async () => {
  const d = dir();
  const file = join(d, 'in.jsonl');
  writeFileSync(file, Array.from({ length: 10 }, (_, i) => `${i}`).join('\n'));
  const ctx = { operatorName: 'in', clock: systemClock, batchSize: 3, badInput: 'dead-letter' as const };
  const batch: SourceBatch<number> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  const first = sources.jsonl<number>(file).createReader(ctx);
  await first.open();
  assert.equal(await first.read(batch), 'data');
  assert.deepEqual(batch.values.slice(0, batch.length), [0, 1, 2]);
  const pos = JSON.parse(JSON.stringify(first.position()));
  await first.close();
  const second = sources.jsonl<number>(file).createReader(ctx);
  await second.open();
  second.seek(pos);
  const rest: number[] = [];
  while ((await second.read(batch)) !== 'end') rest.push(...batch.values.slice(0, batch.length));
  await second.close();
  assert.deepEqual(rest, [3, 4, 5, 6, 7, 8, 9]);
});

test('file batches are always full (except at the end of a file), whatever the disk returns', async () => {
  const d = dir();
  const file = join(d, 'big.jsonl');
  // 40 000 lines of ~60 bytes: well over the reader's 1 MiB chunk.
  writeFileSync(file, Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(40) })).join('\n'));
  const ctx = { operatorName: 'in', clock: systemClock, batchSize: 1_000, badInput: 'dead-letter' as const };
  const reader = sources.jsonl<{ i: number }>(file).createReader(ctx);
  await reader.open();
  const batch: SourceBatch<{ i: number }> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  const sizes: number[] = [];
  let next = 0;
  while ((await reader.read(batch)) !== 'end') {
    sizes.push(batch.length);
    for (let k = 0; k < batch.length; k++) assert.equal(batch.values[k].i, next++);
  }
  await reader.close();
  assert.equal(next, 40_000);
  assert.deepEqual(new Set(sizes), new Set([1_000]));
});

test('jsonl and csv sinks write what they receive', async () => {
  const d = dir();
  const env = StreamEnvironment.create();
  const s = env.fromCollection([{ a: 1, b: 'x,y' }, { a: 2, b: 'q"r' }]);
  s.sinkTo(sinks.jsonl(join(d, 'out', 'o.jsonl')));
  s.sinkTo(sinks.csv(join(d, 'out', 'o.csv')));
  await env.execute();
  assert.equal(readFileSync(join(d, 'out', 'o.jsonl'), 'utf8'), '{"a":1,"b":"x,y"}\n{"a":2,"b":"q\\"r"}\n');
  assert.equal(readFileSync(join(d, 'out', 'o.csv'), 'utf8'), 'a,b\n1,"x,y"\n2,"q""r"\n');
});

test('a csv sink with known columns writes its header even when nothing arrives', async () => {
  const d = dir();
  const env = StreamEnvironment.create();
  env.fromCollection<{ a: number }>([]).sinkTo(sinks.csv(join(d, 'empty.csv'), { columns: ['a'] }));
  await env.execute();
  assert.equal(readFileSync(join(d, 'empty.csv'), 'utf8'), 'a\n');
});

test('a missing input file is a clear error', async () => {
  const env = StreamEnvironment.create();
  env.fromSource(sources.jsonl('/nonexistent/x.jsonl'), WatermarkStrategy.noWatermarks(), 'in').sinkTo(sinks.collect());
  await assert.rejects(env.execute(), /\/nonexistent\/x.jsonl does not exist/);
});

test('exactly-once file sinks name their part files after the format when the path has no extension', async () => {
  const d = dir();
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(d, 'ckpt'), intervalMs: 60_000 } });
  const rows = env.fromCollection([{ k: 'a', n: 1 }, { k: 'b', n: 2 }]);
  rows.sinkTo(sinks.jsonl(join(d, 'out', 'counts')));
  rows.sinkTo(sinks.csv(join(d, 'out', 'rows')));
  rows.sinkTo(sinks.jsonl(join(d, 'out', 'named.log')));
  await env.execute();
  const names = (sub: string) => readdirSync(join(d, 'out', sub)).filter((n) => n.startsWith('part-'));
  assert.ok(names('counts').length > 0 && names('counts').every((n) => n.endsWith('.jsonl')), names('counts').join());
  assert.ok(names('rows').length > 0 && names('rows').every((n) => n.endsWith('.csv')), names('rows').join());
  assert.ok(names('named.log').every((n) => n.endsWith('.log')), 'an extension the path gives is kept');
  assert.deepEqual(readFileSync(join(d, 'out', 'counts', names('counts')[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l)), [{ k: 'a', n: 1 }, { k: 'b', n: 2 }]);
});
