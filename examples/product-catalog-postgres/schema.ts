/**
 * The example's tables: products (loaded from data/products.csv) and priced orders. Values go in
 * as bind parameters.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { checkTableName, type Product } from './pipeline.ts';

/** Reads data/products.csv (no quoted fields in it). */
export function readProducts(path: string): Product[] {
  const [, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return lines.map((l) => {
    const [sku, name, category, price] = l.split(',');
    return { sku, name, category, price_cents: Number(price) };
  });
}

/**
 * Creates (or empties) both tables and loads the products.
 *
 * @example
 * await createTables(pool, 'products', 'priced_orders', readProducts('data/products.csv'));
 */
export async function createTables(db: pg.Pool, productsTable: string, pricedTable: string, products: readonly Product[]): Promise<void> {
  const p = checkTableName(productsTable);
  const o = checkTableName(pricedTable);
  await db.query(`CREATE TABLE IF NOT EXISTS ${p} (sku text PRIMARY KEY, name text NOT NULL, category text NOT NULL, price_cents integer NOT NULL)`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${o} (
    order_id text PRIMARY KEY, sku text NOT NULL, name text NOT NULL, category text NOT NULL,
    qty integer NOT NULL, total_cents integer NOT NULL, ordered_at timestamptz NOT NULL)`);
  await db.query(`TRUNCATE ${p}, ${o}`);
  await db.query(
    `INSERT INTO ${p} (sku, name, category, price_cents) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[])`,
    [products.map((x) => x.sku), products.map((x) => x.name), products.map((x) => x.category), products.map((x) => x.price_cents)],
  );
}
