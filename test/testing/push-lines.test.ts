// TestInput.pushLines: raw text through a file source's own format in the test driver, bad input
// to DEAD_LETTERS with file:line, checked against the real file source on the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEAD_LETTERS, type DeadLetter, type EnvironmentOptions, type Source, StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface Order { id: string; amount: number; paid: boolean }

function orders<T>(source: Source<T>, options: EnvironmentOptions = {}) {
  const env = StreamEnvironment.create(options);
  const stream = env.fromSource(source, WatermarkStrategy.noWatermarks<T>(), 'orders');
  stream.sinkTo(sinks.collect());
  stream.getSideOutput(DEAD_LETTERS).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  return { driver, out: driver.output(stream), dead: driver.sideOutput(stream, DEAD_LETTERS), input: driver.input<T>('orders') };
}

const csv = () => sources.csv<Order>('orders.csv', { types: { amount: 'number', paid: 'boolean' } });

test('pushLines: CSV rows become records; bad rows go to DEAD_LETTERS with file, line and reason', () => {
  const { driver, out, dead, input } = orders(csv());
  input.pushLines(['id,amount,paid', 'a,9.5,true', '', 'b,oops,false', 'c,1'], { file: 'orders.csv' });
  assert.deepEqual(out.values, [{ id: 'a', amount: 9.5, paid: true }]);
  assert.deepEqual(dead.values, [
    { operator: 'orders', position: 'orders.csv:4', reason: "column 'amount': 'oops' is not a number", raw: 'b,oops,false' },
    { operator: 'orders', position: 'orders.csv:5', reason: 'expected 3 fields (id, amount, paid), got 2', raw: 'c,1' },
  ]);
  assert.equal(driver.metrics().deadLetters, 2);
  // Another file (default name: the source's) has its own header and line numbers; text is split into lines.
  input.pushLines('id,amount,paid\r\ne,x,false\n');
  // The first file goes on: its header kept, its line numbers counted on.
  input.pushLines(['f,7,true', 'g,x,true'], { file: 'orders.csv' });
  assert.deepEqual(dead.values.slice(2).map((d: DeadLetter) => d.position), ['orders:2', 'orders.csv:7']);
  assert.deepEqual(out.values.slice(1), [{ id: 'f', amount: 7, paid: true }]);
  driver.endInput();
});

test('pushLines: JSON lines, with the source\'s validate', () => {
  const src = sources.jsonl<{ n: number }>('in.jsonl', { validate: (v) => {
    if (typeof (v as { n?: unknown }).n !== 'number') throw new Error('n must be a number');
    return v as { n: number };
  } });
  const { out, dead, input } = orders(src);
  input.pushLines(['{"n":1}', '{oops', '{"n":"2"}', '   ', '{"n":3}']);
  assert.deepEqual(out.values, [{ n: 1 }, { n: 3 }]);
  assert.deepEqual(dead.values.map((d: DeadLetter) => [d.position, d.reason.split(':')[0], d.raw]), [
    ['orders:2', 'invalid JSON', '{oops'], ['orders:3', 'n must be a number', '{"n":"2"}'],
  ]);
});

test('pushLines under badInput \'fail\': the job fails at the bad line', () => {
  const { input } = orders(csv(), { badInput: 'fail' });
  assert.throws(() => input.pushLines(['id,amount,paid', 'a,1,true', 'b,x,true'], { file: 'o.csv' }),
    /orders: column 'amount': 'x' is not a number at o\.csv:3 \(bad input policy is 'fail'/);
});

test('pushLines on a source that reads no lines says what to use instead', () => {
  const { input } = orders(sources.generator({ count: 0, generate: (i) => i }));
  assert.throws(() => input.pushLines(['1']), /pushLines: source 'orders' does not read text lines; .*push records with push\(\)/);
});

test('pushLines gives the same records and dead letters as the file source reading the same text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pushlines-'));
  const line = fc.oneof(
    fc.tuple(fc.constantFrom('a', 'b', '"c,d"'), fc.integer({ min: -9, max: 99 }), fc.boolean()).map(([id, n, p]) => `${id},${n},${p}`),
    fc.constantFrom('', '  ', '         ', 'x,1', 'y,z,true', 'q,2,yes', '"open,1,true', 'w,,false', '\t'),
  );
  try {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 25 }), async (rows) => {
      const file = join(dir, `orders-${run++}.csv`);
      const lines = ['id,amount,paid', ...rows];
      writeFileSync(file, `${lines.join('\n')}\n`);
      const env = StreamEnvironment.create({ log: () => {} });
      const stream = env.fromSource(sources.csv<Order>(file, { types: { amount: 'number', paid: 'boolean' } }), WatermarkStrategy.noWatermarks(), 'orders');
      const records = sinks.collect<Order>();
      const letters = sinks.collect<DeadLetter>();
      stream.sinkTo(records);
      stream.getSideOutput(DEAD_LETTERS).sinkTo(letters);
      await env.execute();

      const t = orders(sources.csv<Order>(file, { types: { amount: 'number', paid: 'boolean' } }));
      t.input.pushLines(lines, { file });
      t.driver.endInput();
      assert.deepEqual(t.out.values, records.values);
      assert.deepEqual(t.dead.values, letters.values);
    }), { numRuns: 40 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
