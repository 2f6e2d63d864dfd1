/**
 * order-revenue: the three-figure aggregate on its own, exact minutes and late orders with the
 * StreamTestDriver, and the whole job on the sample CSV against a brute-force sum.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateOrders } from './make-data.ts';
import {
  OUT_OF_ORDERNESS_MS, REVENUE_COLUMNS, WINDOW_MS, orderRevenue, revenueAggregate, type Order, type OrderRevenuePaths,
} from './pipeline.ts';

const SAMPLE = fileURLToPath(new URL('data/orders.csv', import.meta.url));
const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);
const iso = (t: number): string => new Date(t).toISOString();

function pathsIn(dir: string, orders: string): OrderRevenuePaths {
  return { orders, revenue: join(dir, 'revenue.csv'), lateOrders: join(dir, 'late-orders.csv') };
}

/** Rows of a CSV file without quoted fields, as arrays of strings. */
function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(','));
}

function drive() {
  const env = StreamEnvironment.create();
  const job = orderRevenue(env, pathsIn('unused', 'unused.csv'));
  const driver = StreamTestDriver.create(env);
  const revenue = driver.output(job.revenue);
  const late = driver.output(job.lateOrders);
  return { driver, revenue, late, orders: driver.input<Order>('orders') };
}

let nextId = 1;
const order = (ts: number, amount: number): Order => ({ order_id: `o-${nextId++}`, customer: 'c1', amount, ts });

test('the aggregate sums in cents, so prices add up exactly, and merges partial results', () => {
  const a = revenueAggregate;
  let acc = a.createAccumulator();
  for (const amount of [0.1, 0.2, 0.3]) acc = a.add(order(0, amount), acc);
  assert.deepEqual(a.getResult(acc), { orders: 3, revenue: 0.6, avgOrderValue: 0.2 });
  const other = a.add(order(0, 10), a.createAccumulator());
  assert.deepEqual(a.getResult(a.merge(acc, other)), { orders: 4, revenue: 10.6, avgOrderValue: 2.65 });
  assert.deepEqual(a.getResult(a.createAccumulator()), { orders: 0, revenue: 0, avgOrderValue: 0 });
});

test('reports each minute once the watermark (max ts - 10 s) passes its end', () => {
  const { orders, revenue } = drive();
  orders.push(order(T0 + 1_000, 10)).push(order(T0 + 30_000, 25.5)).push(order(T0 + 65_000, 4.99));
  orders.push(order(T0 + 59_000, 4.99)); // 6 s out of order: within the bound
  assert.deepEqual(revenue.values, []);
  orders.push(order(T0 + 70_500, 100)); // watermark T0 + 60_499: minute 0 fires
  assert.deepEqual(revenue.take(), [
    { window_start: iso(T0), window_end: iso(T0 + 60_000), orders: 3, revenue: 40.49, avg_order_value: 13.5 },
  ]);
  orders.end();
  assert.deepEqual(revenue.take(), [
    { window_start: iso(T0 + 60_000), window_end: iso(T0 + 120_000), orders: 2, revenue: 104.99, avg_order_value: 52.5 },
  ]);
});

test('with no allowed lateness, an order for a minute already reported goes to the late output', () => {
  const { driver, orders, revenue, late } = drive();
  orders.push(order(T0 + 5_000, 20)).push(order(T0 + 75_000, 30)); // watermark T0 + 64_999: minute 0 fires
  assert.equal(revenue.take().length, 1);
  const straggler = order(T0 + 50_000, 7);
  orders.push(straggler); // only 25 s behind, but minute 0 has been reported
  orders.push(order(T0 + 69_000, 1)); // 6 s behind: on time for minute 1
  assert.deepEqual(late.values, [straggler]);
  assert.equal(driver.metrics().lateToSideOutput, 1);
  driver.endInput();
  assert.deepEqual(revenue.take(), [
    { window_start: iso(T0 + 60_000), window_end: iso(T0 + 120_000), orders: 2, revenue: 31, avg_order_value: 15.5 },
  ]);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateOrders());
});

/** Orders in file order; the watermark before each is the highest timestamp so far minus the bound minus 1. */
function bruteForce(rows: readonly string[][]) {
  const minutes = new Map<number, { cents: number; orders: number }>();
  const late: string[][] = [];
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const ts = Date.parse(row[3]);
    const watermark = maxTs - OUT_OF_ORDERNESS_MS - 1;
    const start = Math.floor(ts / WINDOW_MS) * WINDOW_MS;
    if (start + WINDOW_MS - 1 <= watermark) {
      late.push(row);
    } else {
      const m = minutes.get(start) ?? { cents: 0, orders: 0 };
      m.cents += Math.round(Number(row[2]) * 100);
      m.orders += 1;
      minutes.set(start, m);
    }
    maxTs = Math.max(maxTs, ts);
  }
  const revenue = [...minutes.entries()].sort(([a], [b]) => a - b).map(([start, m]): string[] => [
    iso(start), iso(start + WINDOW_MS), String(m.orders), String(m.cents / 100), String(Math.round(m.cents / m.orders) / 100),
  ]);
  return { revenue, late };
}

for (const batchSize of [1, 1024]) {
  test(`the job on the sample CSV matches a brute-force sum (batches of ${batchSize})`, async () => {
    const [header, ...rows] = readCsv(SAMPLE);
    assert.deepEqual(header, ['order_id', 'customer', 'amount', 'ts']);
    assert.equal(rows.length, 2_500);
    const expected = bruteForce(rows);
    assert.equal(expected.late.length, 6);

    const dir = mkdtempSync(join(tmpdir(), 'order-revenue-'));
    const paths = pathsIn(dir, SAMPLE);
    const env = StreamEnvironment.create({ batchSize });
    orderRevenue(env, paths);
    const result = await env.execute('order-revenue');

    assert.equal(result.status, 'finished');
    assert.equal(result.metrics.deadLetters, 0);
    // One key and no lateness: each minute fires exactly once, in time order.
    assert.deepEqual(readCsv(paths.revenue), [[...REVENUE_COLUMNS], ...expected.revenue]);
    // Late orders come out as they went in, amounts written as numbers ("10.1" for "10.10").
    const normalized = expected.late.map(([id, customer, amount, ts]) => [id, customer, String(Number(amount)), ts]);
    assert.deepEqual(readCsv(paths.lateOrders), [header, ...normalized]);
  });
}
