// The temporal join by hand: waiting for the table's watermark, versions by event time, deletes,
// late orders, late price changes, an idle table side, a missing timestamp, LMDB state across a
// checkpoint, and the whole job on the real runner.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sinks } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { type Order, type PriceChange, type Priced, temporalJob } from './temporal-harness.ts';

const priced = (id: number, sku: string, price: number | null): Priced => ({ id, sku, price });

test('an order waits until the table side has passed its time, then joins the version valid at its time', () => {
  const { orders, prices, out } = temporalJob('inner');
  prices.push({ sku: 'a', price: 10 }, 100).push({ sku: 'a', price: 12 }, 200);
  orders.push({ id: 1, sku: 'a' }, 150).push({ id: 2, sku: 'a' }, 250).push({ id: 3, sku: 'a' }, 200);
  orders.advanceWatermark(1_000);
  assert.deepEqual(out.values, [], 'the prices may still change at 150: nothing yet');
  prices.advanceWatermark(199);
  assert.deepEqual(out.take(), [priced(1, 'a', 10)]);
  prices.push({ sku: 'a', price: 11 }, 240); // arrives before the watermark passes 250: order 2 sees it
  prices.advanceWatermark(300);
  assert.deepEqual(out.take(), [priced(3, 'a', 12), priced(2, 'a', 11)], 'a version is valid from its own time on (200 sees 200)');
  assert.deepEqual(out.timestamps, []);
});

test('a delete ends a row: inner drops the order, left keeps it with null; a later version revives the key', () => {
  for (const mode of ['inner', 'left'] as const) {
    const { orders, prices, out, driver } = temporalJob(mode);
    prices.push({ sku: 'a', price: 5 }, 10).push({ sku: 'a', price: null }, 20).push({ sku: 'a', price: 7 }, 30);
    orders.push({ id: 1, sku: 'a' }, 15).push({ id: 2, sku: 'a' }, 25).push({ id: 3, sku: 'a' }, 35).push({ id: 4, sku: 'x' }, 36).push({ id: 5, sku: 'a' }, 5);
    driver.advanceWatermark(100);
    const expected = mode === 'inner'
      ? [priced(1, 'a', 5), priced(3, 'a', 7)]
      : [priced(5, 'a', null), priced(1, 'a', 5), priced(2, 'a', null), priced(3, 'a', 7), priced(4, 'x', null)];
    assert.deepEqual(out.values, expected, mode);
  }
});

test('orders at or behind the watermark are late: to the side output when asked, otherwise dropped and counted', () => {
  const { orders, prices, out, late, driver } = temporalJob('left');
  driver.advanceWatermark(100);
  orders.push({ id: 1, sku: 'a' }, 100).push({ id: 2, sku: 'a' }, 101);
  prices.advanceWatermark(200);
  orders.advanceWatermark(200);
  assert.deepEqual(late.values, [{ id: 1, sku: 'a' }]);
  assert.deepEqual(out.values, [priced(2, 'a', null)]);
  assert.equal(driver.metrics().lateToSideOutput, 1);

  const env = StreamEnvironment.create();
  const o = env.fromCollection<Order>([], WatermarkStrategy.noWatermarks(), 'orders');
  const t = env.fromCollection<PriceChange>([], WatermarkStrategy.noWatermarks(), 'prices').toTable((c) => c.sku);
  o.temporalJoin(t, (x) => x.sku).inner((x, p) => ({ ...x, price: p.price })).sinkTo(sinks.collect());
  const d = StreamTestDriver.create(env, { watermarks: 'manual' });
  d.advanceWatermark(100);
  d.input<Order>('orders').push({ id: 1, sku: 'a' }, 50);
  assert.equal(d.metrics().lateDropped, 1);
});

test('a late price change still counts for later orders, unless a newer settled version supersedes it', () => {
  const { orders, prices, out, driver } = temporalJob('inner');
  prices.push({ sku: 'a', price: 5 }, 50);
  driver.advanceWatermark(100);
  prices.push({ sku: 'b', price: 9 }, 40); // late, but b had no row: it is b's row from now on
  prices.push({ sku: 'a', price: 4 }, 30); // late and older than a's settled version at 50: no effect
  orders.push({ id: 1, sku: 'a' }, 120).push({ id: 2, sku: 'b' }, 120);
  driver.advanceWatermark(200);
  assert.deepEqual(out.values, [priced(1, 'a', 5), priced(2, 'b', 9)]);
});

test('an idle table side does not hold orders back: they join the rows the table has', () => {
  const env = StreamEnvironment.create();
  const orders = env.fromCollection<Order & { ts: number }>([], WatermarkStrategy.forBoundedOutOfOrderness<Order & { ts: number }>(0).withTimestampAssigner((o) => o.ts), 'orders');
  const table = env.fromCollection<PriceChange & { ts: number }>([],
    WatermarkStrategy.forBoundedOutOfOrderness<PriceChange & { ts: number }>(0).withTimestampAssigner((c) => c.ts).withIdleness(1_000), 'prices')
    .toTable((c) => c.sku);
  const joined = orders.temporalJoin(table, (o) => o.sku).inner((o, p) => ({ id: o.id, price: p.price }));
  joined.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(joined);
  driver.input<PriceChange & { ts: number }>('prices').push({ sku: 'a', price: 3, ts: 10 });
  driver.input<Order & { ts: number }>('orders').push({ id: 1, sku: 'a', ts: 20 }).push({ id: 2, sku: 'a', ts: 30 });
  assert.deepEqual(out.values, [], 'prices watermark 9 holds the orders back');
  driver.advanceProcessingTime(1_000);
  assert.deepEqual(out.take(), [{ id: 1, price: 3 }], 'prices idle: the orders watermark (29) alone decides');
  driver.input<PriceChange & { ts: number }>('prices').push({ sku: 'a', price: 4, ts: 31 });
  driver.input<Order & { ts: number }>('orders').push({ id: 3, sku: 'a', ts: 40 });
  assert.deepEqual(out.take(), [{ id: 2, price: 3 }], 'prices are back (watermark 30): order 3 waits for them');
  driver.endInput();
  assert.deepEqual(out.take(), [{ id: 3, price: 4 }]);
});

test('a record without an event timestamp fails the join with what to do', () => {
  const env = StreamEnvironment.create();
  const orders = env.fromCollection<Order>([], WatermarkStrategy.noWatermarks(), 'orders');
  const table = env.fromCollection<PriceChange>([], WatermarkStrategy.noWatermarks(), 'prices').toTable((c) => c.sku);
  orders.temporalJoin(table, (o) => o.sku).inner((o) => o).name('enrich').sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  assert.throws(() => driver.input<Order>('orders').push({ id: 1, sku: 'a' }),
    /record of the stream has no event timestamp \(NaN\) in temporal join 'enrich'.*withTimestampAssigner/);
});

test('with LMDB state, a checkpoint taken while orders wait resumes to the same output', () => {
  const root = mkdtempSync(join(tmpdir(), 'temporal-lmdb-'));
  let run = 0;
  const env = () => StreamEnvironment.create({ batchSize: 2, stateBackend: (ctx) => new LmdbStateBackend({ path: join(root, `${run++}-${ctx.operator}`) }) });
  const first = temporalJob('left', undefined, env());
  first.prices.push({ sku: 'a', price: 1 }, 10).push({ sku: 'a', price: 2 }, 30).push({ sku: 'b', price: 8 }, 5);
  first.orders.push({ id: 1, sku: 'a' }, 20).push({ id: 2, sku: 'a' }, 40).push({ id: 3, sku: 'b' }, 25);
  first.driver.advanceWatermark(22);
  assert.deepEqual(first.out.take(), [priced(1, 'a', 1)]);
  const snap = first.driver.snapshot();
  const second = temporalJob('left', snap, env());
  second.prices.push({ sku: 'b', price: null }, 24);
  second.driver.endInput();
  assert.deepEqual(second.out.values, [priced(3, 'b', null), priced(2, 'a', 2)]);
});

test('the whole job on the runner: bounded sources, event time from the records', async () => {
  type Tsd<T> = T & { ts: number };
  const env = StreamEnvironment.create({ batchSize: 3 });
  const prices = env.fromCollection<Tsd<PriceChange>>(
    [{ sku: 'a', price: 1, ts: 0 }, { sku: 'b', price: 5, ts: 0 }, { sku: 'a', price: 2, ts: 100 }, { sku: 'b', price: null, ts: 150 }, { sku: 'a', price: 3, ts: 300 }],
    WatermarkStrategy.forMonotonousTimestamps<Tsd<PriceChange>>().withTimestampAssigner((c) => c.ts), 'prices').toTable((c) => c.sku);
  const orders = env.fromCollection<Tsd<Order>>(
    [{ id: 1, sku: 'a', ts: 50 }, { id: 2, sku: 'b', ts: 60 }, { id: 3, sku: 'a', ts: 120 }, { id: 4, sku: 'b', ts: 200 }, { id: 5, sku: 'a', ts: 310 }],
    WatermarkStrategy.forMonotonousTimestamps<Tsd<Order>>().withTimestampAssigner((o) => o.ts), 'orders');
  const out = sinks.collect<Priced>();
  orders.temporalJoin(prices, (o) => o.sku).left((o, p) => priced(o.id, o.sku, p?.price ?? null)).sinkTo(out);
  const result = await env.execute('temporal');
  assert.equal(result.status, 'finished');
  assert.deepEqual(out.values, [priced(1, 'a', 1), priced(2, 'b', 5), priced(3, 'a', 2), priced(4, 'b', null), priced(5, 'a', 3)]);
});
