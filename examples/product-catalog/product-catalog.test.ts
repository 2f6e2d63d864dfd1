/**
 * product-catalog: prices by event time with the StreamTestDriver (a price change between two
 * orders, a discontinued product, an order waiting for the catalog, a late order), the sample data
 * against make-data.ts, and the whole job on the sample data against a brute-force lookup.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateProductCatalog } from './make-data.ts';
import {
  OUT_OF_ORDERNESS_MS, price, productCatalog, rowOf,
  type CatalogChange, type Order, type PricedOrder, type ProductCatalogPaths,
} from './pipeline.ts';

const CATALOG = fileURLToPath(new URL('data/catalog.jsonl', import.meta.url));
const ORDERS = fileURLToPath(new URL('data/orders.jsonl', import.meta.url));

function pathsIn(dir: string, catalog: string, orders: string): ProductCatalogPaths {
  return {
    catalog, orders, priced: join(dir, 'priced.jsonl'), unknownProduct: join(dir, 'unknown.jsonl'), lateOrders: join(dir, 'late.jsonl'),
  };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

function drive() {
  const env = StreamEnvironment.create();
  const job = productCatalog(env, pathsIn('unused', 'unused-catalog.jsonl', 'unused-orders.jsonl'));
  const driver = StreamTestDriver.create(env);
  return {
    driver,
    priced: driver.output(job.priced), unknown: driver.output(job.unknownProduct), late: driver.output(job.lateOrders),
    catalog: driver.input<CatalogChange>('catalog'), orders: driver.input<Order>('orders'),
  };
}

const kettle = (price_cents: number, ts: number, discontinued?: boolean): CatalogChange =>
  ({ sku: 'K1', name: 'kettle', category: 'kitchen', price_cents, ts, ...(discontinued ? { discontinued } : {}) });
const order = (id: string, ts: number, sku = 'K1', qty = 1): Order => ({ order_id: id, sku, qty, ts });

test('each order gets the price valid when it was placed, not the latest one', () => {
  const { catalog, orders, priced, unknown, driver } = drive();
  catalog.push(kettle(1_000, 0)).push(kettle(800, 60_000)).push(kettle(0, 120_000, true));
  orders.push(order('o1', 30_000, 'K1', 2)).push(order('o2', 60_000)).push(order('o3', 90_000)).push(order('o4', 130_000)).push(order('o5', 125_000, 'nope'));
  driver.endInput();
  assert.deepEqual(priced.values.map((p) => [p.order_id, p.unit_price_cents, p.total_cents, p.price_since]), [
    ['o1', 1_000, 2_000, 0], ['o2', 800, 800, 60_000], ['o3', 800, 800, 60_000],
  ]);
  assert.deepEqual(unknown.values.map((o) => o.order_id).sort(), ['o4', 'o5']);
});

test('an order waits while the catalog may still change its price; a very late order goes to the late file', () => {
  const { catalog, orders, priced, late } = drive();
  catalog.push(kettle(1_000, 0));
  orders.push(order('o1', 50_000)).push(order('o2', 100_000)); // orders' watermark 94_999
  assert.deepEqual(priced.values, [], 'the catalog watermark (-5_001) holds the orders back');
  catalog.push(kettle(900, 40_000)).push(kettle(700, 80_000)); // catalog watermark 74_999
  assert.deepEqual(priced.take().map((p) => [p.order_id, p.unit_price_cents]), [['o1', 900]]);
  catalog.push(kettle(700, 200_000));
  orders.push(order('o3', 20_000)); // behind both watermarks: late
  assert.deepEqual(late.values.map((o) => o.order_id), ['o3']);
  assert.deepEqual(priced.values, []);
  orders.push(order('o4', 120_000)); // orders' watermark 114_999: o2 is due
  assert.deepEqual(priced.take().map((p) => [p.order_id, p.unit_price_cents]), [['o2', 700]]);
});

test('the sample data is what make-data.ts generates', () => {
  const data = generateProductCatalog();
  assert.equal(readFileSync(CATALOG, 'utf8'), data.catalog);
  assert.equal(readFileSync(ORDERS, 'utf8'), data.orders);
});

/** Orders late in their own feed: at or behind the highest timestamp so far minus the bound minus 1. */
function lateInOwnFeed(orders: readonly Order[]): Set<string> {
  const late = new Set<string>();
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const o of orders) {
    if (o.ts <= maxTs - OUT_OF_ORDERNESS_MS - 1) late.add(o.order_id);
    maxTs = Math.max(maxTs, o.ts);
  }
  return late;
}

/** Prices each order the obvious way: the last catalog line for its sku at or before its time. */
function bruteForce(catalog: readonly CatalogChange[], orders: readonly Order[]): { priced: PricedOrder[]; unknown: Order[] } {
  const priced: PricedOrder[] = [];
  const unknown: Order[] = [];
  for (const o of orders) {
    let row: CatalogChange | undefined;
    for (const c of catalog) if (c.sku === o.sku && c.ts <= o.ts && (row === undefined || c.ts >= row.ts)) row = c;
    const r = price(o, row === undefined ? null : rowOf(row));
    if (r.kind === 'priced') priced.push(r.order);
    else unknown.push(r.order);
  }
  return { priced, unknown };
}

const byTimeThenId = <T extends { ts: number; order_id: string }>(a: T, b: T): number => a.ts - b.ts || (a.order_id < b.order_id ? -1 : 1);

for (const batchSize of [1, 1024]) {
  test(`the job on the sample data prices every on-time order as the brute force does (batches of ${batchSize})`, async () => {
    const catalog = readJsonl<CatalogChange>(CATALOG);
    const orders = readJsonl<Order>(ORDERS);
    const veryLate = lateInOwnFeed(orders);
    assert.equal(veryLate.size, 4);

    const dir = mkdtempSync(join(tmpdir(), 'product-catalog-'));
    const paths = pathsIn(dir, CATALOG, ORDERS);
    const env = StreamEnvironment.create({ batchSize });
    productCatalog(env, paths);
    const result = await env.execute('product-catalog');
    assert.equal(result.status, 'finished');
    assert.equal(result.metrics.recordsIn, catalog.length + orders.length);

    const late = readJsonl<Order>(paths.lateOrders);
    assert.deepEqual(new Set(late.map((o) => o.order_id)), veryLate);
    const expected = bruteForce(catalog, orders.filter((o) => !veryLate.has(o.order_id)));
    const priced = readJsonl<PricedOrder>(paths.priced);
    assert.deepEqual([...priced].sort(byTimeThenId), expected.priced.sort(byTimeThenId));
    assert.deepEqual(readJsonl<Order>(paths.unknownProduct).sort(byTimeThenId), expected.unknown.sort(byTimeThenId));
    assert.ok(expected.unknown.length > 10, 'the sample has orders for products not in the catalog');
    assert.ok(new Set(priced.filter((p) => p.sku === 'SKU-001').map((p) => p.unit_price_cents)).size > 1, 'prices change over the sample');
    for (let i = 1; i < priced.length; i++) assert.ok(priced[i - 1].ts <= priced[i].ts, 'priced orders come out in event-time order');
  });
}
