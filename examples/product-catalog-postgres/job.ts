/**
 * Runs product-catalog-postgres against the database in DATABASE_URL: loads data/products.csv into
 * table `catalog_products`, prices data/orders.jsonl through lookups, and writes `priced_orders`
 * exactly once (checkpoints in out/checkpoints); unknown products and failed lookups go to out/.
 *
 *   eval "export $(scripts/postgres/up.sh)"
 *   node bin/eddy.mjs run examples/product-catalog-postgres/job.ts
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StreamEnvironment } from 'eddy';
import { productCatalogPostgres } from './pipeline.ts';
import { createTables, readProducts } from './schema.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('product-catalog-postgres needs DATABASE_URL; for a local server: eval "export $(scripts/postgres/up.sh)"');
  process.exit(2);
}
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const pool = new pg.Pool({ connectionString: url, max: 1 });
await createTables(pool, 'catalog_products', 'priced_orders', readProducts(here('data/products.csv')));

const env = StreamEnvironment.create({ checkpoints: { dir: here('out/checkpoints'), intervalMs: 1_000 }, restore: { from: 'fresh' } });
const job = productCatalogPostgres(env, {
  url, orders: here('data/orders.jsonl'), productsTable: 'catalog_products', pricedTable: 'priced_orders',
  unknownProduct: here('out/unknown-product-orders.jsonl'), lookupFailures: here('out/lookup-failures.jsonl'),
});
const result = await env.execute('product-catalog-postgres');
await job.lookup.close();

if (result.status === 'finished') {
  const { rows } = await pool.query<{ n: string; revenue: string }>('SELECT count(*) AS n, sum(total_cents) AS revenue FROM priced_orders');
  const s = job.lookup.stats;
  console.log(`product-catalog-postgres: ${result.metrics.recordsIn} orders in ${result.durationMs} ms`);
  console.log(`  priced_orders: ${rows[0].n} rows, revenue ${(Number(rows[0].revenue) / 100).toFixed(2)}`);
  console.log(`  lookups: ${s.hits} cache hits, ${s.misses} misses, ${s.queries} queries`);
}
await pool.end();
