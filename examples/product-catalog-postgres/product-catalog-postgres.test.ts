/**
 * product-catalog-postgres against the real PostgreSQL server (DATABASE_URL): the sample data
 * against make-data.ts, then the whole job with exactly-once checkpoints, its table compared with
 * a lookup done in plain code, the cache counters, and a second run that leaves the table as it was.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StreamEnvironment } from 'eddy';
import { generateSample } from './make-data.ts';
import { productCatalogPostgres, type Order } from './pipeline.ts';
import { createTables, readProducts } from './schema.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const url = process.env.DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'eddy-pcpg-'));
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const productsTable = `pc_products_${suffix}`;
const pricedTable = `pc_priced_${suffix}`;
let pool: pg.Pool;

before(async () => {
  if (!url) throw new Error('DATABASE_URL is not set: this example test needs the real PostgreSQL server (eval "export $(scripts/postgres/up.sh)")');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await createTables(pool, productsTable, pricedTable, readProducts(here('data/products.csv')));
});
after(async () => {
  await pool?.query(`DROP TABLE IF EXISTS ${productsTable}, ${pricedTable}`);
  await pool?.end();
  rmSync(dir, { recursive: true, force: true });
});

const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
/** With exactly-once checkpoints a file sink writes a directory of committed part files, in checkpoint order. */
const readParts = <T>(path: string): T[] => readdirSync(path).filter((n) => n.startsWith('part-')).sort().flatMap((n) => readJsonl<T>(join(path, n)));

test('the sample data is what make-data.ts writes', () => {
  const { products, orders } = generateSample();
  assert.deepEqual(readProducts(here('data/products.csv')), products);
  assert.deepEqual(readJsonl<Order>(here('data/orders.jsonl')), orders);
});

async function run(tag: string) {
  const env = StreamEnvironment.create({ batchSize: 64, checkpoints: { dir: join(dir, tag, 'ckpt'), intervalMs: 20 }, restore: { from: 'fresh' } });
  const job = productCatalogPostgres(env, {
    url: url!, orders: here('data/orders.jsonl'), productsTable, pricedTable,
    unknownProduct: join(dir, tag, 'unknown.jsonl'), lookupFailures: join(dir, tag, 'failures.jsonl'),
  });
  const result = await env.execute('product-catalog-postgres');
  await job.lookup.close();
  return { result, stats: { ...job.lookup.stats }, unknown: readParts<Order>(join(dir, tag, 'unknown.jsonl')), failures: readParts(join(dir, tag, 'failures.jsonl')) };
}

async function table(): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `SELECT order_id || ' ' || sku || ' ' || name || ' ' || category || ' ' || qty || ' ' || total_cents || ' ' || (extract(epoch from ordered_at) * 1000)::bigint AS line FROM ${pricedTable} ORDER BY order_id`,
  );
  return rows.map((r) => r.line);
}

test('orders priced by lookups land in PostgreSQL exactly once; unknown products go to their file', async () => {
  const { products, orders } = generateSample();
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const expected = orders.filter((o) => bySku.has(o.sku)).map((o) => {
    const p = bySku.get(o.sku)!;
    return `${o.order_id} ${o.sku} ${p.name} ${p.category} ${o.qty} ${p.price_cents * o.qty} ${o.ts}`;
  }).sort();
  const first = await run('first');
  assert.ok(first.result.checkpoints.filter((c) => c.status === 'completed').length >= 2, 'several checkpoints: several transactions');
  assert.deepEqual(await table(), expected);
  assert.deepEqual(first.unknown, orders.filter((o) => !bySku.has(o.sku)));
  assert.ok(first.unknown.length > 0);
  assert.deepEqual(first.failures, []);
  const distinctSkus = new Set(orders.map((o) => o.sku)).size;
  // One miss per sku, except when orders for a new sku were in flight together (they share the query).
  assert.equal(first.stats.queries, distinctSkus);
  assert.equal(first.stats.hits + first.stats.misses, orders.length);
  assert.ok(first.stats.hits > orders.length * 0.9, `mostly cache hits (${first.stats.hits})`);

  const second = await run('second'); // the same input again: upserts by order_id change nothing
  assert.deepEqual(await table(), expected);
  assert.equal(second.result.metrics.recordsIn, orders.length);
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_prepared_xacts WHERE gid LIKE 'eddy:pc\\_priced%'");
  assert.equal(rows[0].n, '0');
});
