/**
 * The catalog's change table in PostgreSQL, loaded from examples/product-catalog/data/catalog.jsonl.
 * One row per change; (changed_at, sku) is unique, which the source's keyset pagination needs.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { CatalogChange } from '../product-catalog/pipeline.ts';

/** Reads a JSON Lines file. */
export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

/** A table name used in SQL text: a plain lower-case identifier only. */
export function checkTableName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`table name '${name}' must be a plain lower-case identifier`);
  return name;
}

/**
 * Creates (or empties) the change table and loads `changes` into it (values as bind parameters).
 *
 * @example
 * await createChangesTable(pool, 'product_changes', readJsonl<CatalogChange>('catalog.jsonl'));
 */
export async function createChangesTable(db: pg.Pool, table: string, changes: readonly CatalogChange[]): Promise<void> {
  const t = checkTableName(table);
  await db.query(`CREATE TABLE IF NOT EXISTS ${t} (
    sku text NOT NULL, name text NOT NULL, category text NOT NULL, price_cents integer NOT NULL,
    discontinued boolean NOT NULL DEFAULT false, changed_at timestamptz NOT NULL, PRIMARY KEY (changed_at, sku))`);
  await db.query(`TRUNCATE ${t}`);
  await insertChanges(db, t, changes);
}

/** Appends changes to the table (one statement). */
export async function insertChanges(db: pg.Pool, table: string, changes: readonly CatalogChange[]): Promise<void> {
  await db.query(
    `INSERT INTO ${checkTableName(table)} (sku, name, category, price_cents, discontinued, changed_at)
     SELECT s, n, c, p, d, timestamptz 'epoch' + ms * interval '1 millisecond'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::boolean[], $6::bigint[]) AS x(s, n, c, p, d, ms)`,
    [
      changes.map((x) => x.sku), changes.map((x) => x.name), changes.map((x) => x.category), changes.map((x) => x.price_cents),
      changes.map((x) => x.discontinued === true), changes.map((x) => x.ts),
    ],
  );
}
