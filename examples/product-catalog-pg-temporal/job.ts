/**
 * Runs product-catalog-pg-temporal against the database in DATABASE_URL: loads the catalog's
 * change history (examples/product-catalog/data/catalog.jsonl) into table `product_changes`, reads
 * it back with `sources.postgres` into a table, and prices examples/product-catalog/data/orders.jsonl
 * by event time. Priced orders, orders for unknown products and late orders go to out/.
 *
 *   eval "export $(scripts/postgres/up.sh)"
 *   node bin/eddy.mjs run examples/product-catalog-pg-temporal/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StreamEnvironment } from 'eddy';
import type { CatalogChange } from '../product-catalog/pipeline.ts';
import { productCatalogPgTemporal, type PgTemporalConfig } from './pipeline.ts';
import { createChangesTable, readJsonl } from './schema.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('product-catalog-pg-temporal needs DATABASE_URL; for a local server: eval "export $(scripts/postgres/up.sh)"');
  process.exit(2);
}
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const pool = new pg.Pool({ connectionString: url, max: 1 });
await createChangesTable(pool, 'product_changes', readJsonl<CatalogChange>(here('../product-catalog/data/catalog.jsonl')));
await pool.end();

const config: PgTemporalConfig = {
  url, changesTable: 'product_changes', orders: here('../product-catalog/data/orders.jsonl'),
  priced: here('out/priced-orders.jsonl'), unknownProduct: here('out/unknown-product-orders.jsonl'), lateOrders: here('out/late-orders.jsonl'),
};
const env = StreamEnvironment.create();
productCatalogPgTemporal(env, config);
const result = await env.execute('product-catalog-pg-temporal');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const read = (source: string): number => result.metrics.operators.find((o) => o.name === source)?.recordsOut ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`product-catalog-pg-temporal: ${read('catalog')} catalog changes from PostgreSQL and ${read('orders')} orders read in ${result.durationMs} ms`);
  console.log(`  ${written('priced-orders')} priced orders -> ${file(config.priced)}`);
  console.log(`  ${written('unknown-product-orders')} orders for products not in the catalog -> ${file(config.unknownProduct)}`);
  console.log(`  ${written('late-orders')} late orders -> ${file(config.lateOrders)}`);
}
