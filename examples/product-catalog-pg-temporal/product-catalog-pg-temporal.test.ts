/**
 * product-catalog-pg-temporal against the real PostgreSQL server (DATABASE_URL): the catalog's
 * change history in a table, read by `sources.postgres` (in pages smaller than the table) into a
 * temporal join; every on-time order priced as a brute-force search of the history does. Also with
 * the source polling (unbounded): caught up, it no longer holds the orders back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StreamEnvironment } from 'eddy';
import { CATALOG_IDLENESS_MS, OUT_OF_ORDERNESS_MS, price, rowOf, type CatalogChange, type Order, type PricedOrder } from '../product-catalog/pipeline.ts';
import { changeOf, productCatalogPgTemporal } from './pipeline.ts';
import { createChangesTable, readJsonl } from './schema.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const CATALOG = here('../product-catalog/data/catalog.jsonl');
const ORDERS = here('../product-catalog/data/orders.jsonl');
const url = process.env.DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'eddy-pcpgt-'));
const changesTable = `pc_changes_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;

before(async () => {
  if (!url) throw new Error('DATABASE_URL is not set: this example test needs the real PostgreSQL server (eval "export $(scripts/postgres/up.sh)")');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await createChangesTable(pool, changesTable, readJsonl<CatalogChange>(CATALOG));
});
after(async () => {
  await pool?.query(`DROP TABLE IF EXISTS ${changesTable}`);
  await pool?.end();
  rmSync(dir, { recursive: true, force: true });
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

/** The obvious way: the last change of the order's sku at or before its time. */
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

test('a row of the change table becomes the change it was loaded from; a bad price is refused', async () => {
  const catalog = readJsonl<CatalogChange>(CATALOG);
  const { rows } = await pool.query(`SELECT * FROM ${changesTable} ORDER BY changed_at, sku`);
  const sorted = [...catalog].sort((a, b) => a.ts - b.ts || (a.sku < b.sku ? -1 : 1));
  assert.deepEqual(rows.map(changeOf), sorted);
  assert.throws(() => changeOf({ ...rows[0], price_cents: -1 }), /price_cents must be a whole number of cents >= 0, got -1/);
});

for (const [batchSize, batchRows] of [[1, 7], [1024, 500]]) {
  test(`orders priced with the catalog row from PostgreSQL valid at their time, as the brute force does (batches of ${batchSize}, pages of ${batchRows} rows)`, async () => {
    const catalog = readJsonl<CatalogChange>(CATALOG);
    const orders = readJsonl<Order>(ORDERS);
    const out = join(dir, `b${batchSize}`);
    const config = {
      url: url!, changesTable, orders: ORDERS, batchRows,
      priced: join(out, 'priced.jsonl'), unknownProduct: join(out, 'unknown.jsonl'), lateOrders: join(out, 'late.jsonl'),
    };
    const env = StreamEnvironment.create({ batchSize });
    productCatalogPgTemporal(env, config);
    const result = await env.execute('product-catalog-pg-temporal');
    assert.equal(result.status, 'finished');
    assert.equal(result.metrics.operators.find((o) => o.name === 'catalog')?.recordsOut, catalog.length, 'every change read once from the table');

    // An order can only be late at the join if it is late in its own feed (the join's watermark is the min of both).
    const late = new Set(readJsonl<Order>(config.lateOrders).map((o) => o.order_id));
    const ownLate = lateInOwnFeed(orders);
    for (const id of late) assert.ok(ownLate.has(id), `${id} is late at the join but not in its own feed`);
    const expected = bruteForce(catalog, orders.filter((o) => !late.has(o.order_id)));
    const priced = readJsonl<PricedOrder>(config.priced);
    assert.deepEqual([...priced].sort(byTimeThenId), expected.priced.sort(byTimeThenId));
    assert.deepEqual(readJsonl<Order>(config.unknownProduct).sort(byTimeThenId), expected.unknown.sort(byTimeThenId));
    assert.ok(expected.unknown.length > 10, 'the sample has orders for products not in the catalog');
    assert.ok(new Set(priced.filter((p) => p.sku === 'SKU-001').map((p) => p.unit_price_cents)).size > 1, 'prices change over the sample');
  });
}

test('with a polling catalog (unbounded), a caught-up table lets every order through, priced as the brute force does', async () => {
  const catalog = readJsonl<CatalogChange>(CATALOG);
  const orders = readJsonl<Order>(ORDERS);
  const out = join(dir, 'polling');
  const config = {
    url: url!, changesTable, orders: ORDERS, batchRows: 13, pollIntervalMs: 20,
    priced: join(out, 'priced.jsonl'), unknownProduct: join(out, 'unknown.jsonl'), lateOrders: join(out, 'late.jsonl'),
  };
  const env = StreamEnvironment.create({ batchSize: 64 });
  productCatalogPgTemporal(env, config);
  const job = env.executeAsync('product-catalog-pg-temporal-polling');
  const written = () => ['priced-orders', 'unknown-product-orders', 'late-orders']
    .reduce((n, name) => n + (job.metrics().operators.find((o) => o.name === name)?.recordsIn ?? 0), 0);
  // Shorter than the catalog's idleness timeout: being caught up, not the timeout, releases the orders.
  const deadline = Date.now() + CATALOG_IDLENESS_MS - 2_000;
  while (written() < orders.length) {
    if (Date.now() > deadline) throw new Error(`timed out: ${written()} of ${orders.length} orders came out of the join; the polling catalog holds them back`);
    await new Promise((r) => setTimeout(r, 20));
  }
  job.cancel();
  assert.equal((await job.result).status, 'cancelled');
  assert.equal(job.metrics().operators.find((o) => o.name === 'catalog')?.recordsOut, catalog.length);
  const late = new Set(readJsonl<Order>(config.lateOrders).map((o) => o.order_id));
  const ownLate = lateInOwnFeed(orders);
  for (const id of late) assert.ok(ownLate.has(id), `${id} is late at the join but not in its own feed`);
  const expected = bruteForce(catalog, orders.filter((o) => !late.has(o.order_id)));
  assert.deepEqual(readJsonl<PricedOrder>(config.priced).sort(byTimeThenId), expected.priced.sort(byTimeThenId));
  assert.deepEqual(readJsonl<Order>(config.unknownProduct).sort(byTimeThenId), expected.unknown.sort(byTimeThenId));
});
