/**
 * unpaid-orders: the absence pattern with the StreamTestDriver (in time, too late, never, the
 * window's edge, state that goes with the window); the whole job on the sample data against a
 * brute-force check of every order.
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
import { PAY_WITHIN_MS, unpaidOrders, type Order, type Payment, type Unpaid, type UnpaidOrdersPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const MIN = 60_000;
const T0 = 60 * MIN;
const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);

function drive() {
  const env = StreamEnvironment.create();
  const { unpaid } = unpaidOrders(env, { orders: 'o', payments: 'p', unpaid: 'u' });
  const driver = StreamTestDriver.create(env);
  return { driver, env, unpaid: driver.output(unpaid), orders: driver.input<Order>('orders'), payments: driver.input<Payment>('payments') };
}
const order = (id: string, ts: number): Order => ({ order_id: id, customer: 'c1', ts, amount_usd: 10 });
const payment = (id: string, ts: number): Payment => ({ payment_id: `p-${id}`, order_id: id, ts, amount_usd: 10 });

test('an order unpaid after 15 minutes is reported when the watermark passes its window, stamped with the window end', () => {
  const { driver, unpaid, orders, payments } = drive();
  orders.push(order('paid', T0)).push(order('late', T0 + 1_000)).push(order('never', T0 + 2_000)).push(order('edge', T0 + 3_000));
  payments.push(payment('paid', T0 + 14 * MIN)).push(payment('edge', T0 + 3_000 + PAY_WITHIN_MS - 1));
  orders.advanceWatermark(T0 + 20 * MIN);
  payments.push(payment('late', T0 + 17 * MIN)).advanceWatermark(T0 + 20 * MIN);
  assert.deepEqual(unpaid.values.map((u) => u.order_id).sort(), ['late', 'never']);
  assert.deepEqual(unpaid.timestamps.sort(), [T0 + 1_000 + PAY_WITHIN_MS, T0 + 2_000 + PAY_WITHIN_MS]);
  const cep = driver.metrics().operators.find((o) => o.name === 'not-paid')!;
  assert.equal(cep.partialMatches, 0, 'every order has been paid or reported: no state left');
  assert.equal(cep.bufferedEvents, 0);
});

test('the sample data is what make-data.ts generates', () => {
  const { orders, payments } = generateOrders();
  assert.equal(readFileSync(here('data/orders.jsonl'), 'utf8'), orders);
  assert.equal(readFileSync(here('data/payments.jsonl'), 'utf8'), payments);
});

test('the job on the sample data reports exactly the orders without a payment within 15 minutes', async () => {
  const orders = readJsonl<Order>(here('data/orders.jsonl'));
  const payments = readJsonl<Payment>(here('data/payments.jsonl'));
  const paidAt = new Map(payments.map((p) => [p.order_id, p.ts]));
  const expected = orders.filter((o) => !(paidAt.has(o.order_id) && paidAt.get(o.order_id)! < o.ts + PAY_WITHIN_MS))
    .map((o): Unpaid => ({ order_id: o.order_id, customer: o.customer, amount_usd: o.amount_usd, placedAt: o.ts, unpaidAt: o.ts + PAY_WITHIN_MS }));
  assert.ok(expected.length > 80 && expected.some((u) => u.order_id === 'o-10201') && !expected.some((u) => u.order_id === 'o-10101'));
  const dir = mkdtempSync(join(tmpdir(), 'unpaid-orders-'));
  const paths: UnpaidOrdersPaths = { orders: here('data/orders.jsonl'), payments: here('data/payments.jsonl'), unpaid: join(dir, 'unpaid.jsonl') };
  const env = StreamEnvironment.create();
  unpaidOrders(env, paths);
  const result = await env.execute('unpaid-orders');
  assert.equal(result.status, 'finished');
  assert.equal(result.metrics.lateDropped, 0);
  const byId = (a: Unpaid, b: Unpaid) => a.order_id.localeCompare(b.order_id);
  assert.deepEqual(readJsonl<Unpaid>(paths.unpaid).sort(byId), expected.sort(byId));
});
