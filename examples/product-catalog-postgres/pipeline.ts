/**
 * product-catalog-postgres: orders enriched from a PostgreSQL product table, written back to
 * PostgreSQL exactly once.
 *
 * Shows `asyncMap` with `postgresLookup` (a parameterized query per sku behind an LRU cache with a
 * TTL; 32 lookups in flight at most, timeouts and retries, failures to DEAD_LETTERS), and
 * `sinks.postgres` with two-phase commit (upserts by order_id, committed with each checkpoint).
 * The file-backed variant with an event-time temporal join is examples/product-catalog.
 */
import {
  DEAD_LETTERS, WatermarkStrategy, postgresLookup, sinks, sources,
  type Clock, type DataStream, type PostgresLookup, type PostgresRow, type StreamEnvironment,
} from 'eddy';

/** A row of the products table. */
export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price_cents: number;
}

/** An order from the shop. */
export interface Order {
  readonly order_id: string;
  readonly sku: string;
  readonly qty: number;
  readonly ts: number;
}

/** A row of the priced-orders table. */
export interface PricedOrder {
  readonly order_id: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly qty: number;
  readonly total_cents: number;
  readonly ordered_at: Date;
}

/** The lookup's answer for an order: priced, or no such product. */
export type PricingResult =
  | { readonly kind: 'priced'; readonly order: PricedOrder }
  | { readonly kind: 'unknown-product'; readonly order: Order };

/** Where the job reads and writes. */
export interface ProductCatalogPostgresConfig {
  readonly url: string;
  /** Input: one JSON `Order` per line. */
  readonly orders: string;
  /** Table `(sku text primary key, name, category, price_cents)` to look products up in. */
  readonly productsTable: string;
  /** Table written exactly once, by `order_id` (see `createTables`). */
  readonly pricedTable: string;
  /** Output file: orders whose sku is not in the products table. */
  readonly unknownProduct: string;
  /** Output file: orders whose lookup failed after its retries (the dead letters of the lookup). */
  readonly lookupFailures: string;
  /** Clock of the lookup cache's TTL (the test's manual clock; default the system clock). */
  readonly clock?: Clock;
}

/** The streams of the job and its lookup (for its cache counters). */
export interface ProductCatalogPostgresJob {
  readonly lookup: PostgresLookup<Order, PricingResult>;
  readonly results: DataStream<PricingResult>;
  readonly priced: DataStream<PricedOrder>;
  readonly unknownProduct: DataStream<Order>;
}

/** Table names go into SQL text: plain lower-case identifiers only. */
export function checkTableName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`table name '${name}' must be a plain lower-case identifier`);
  return name;
}

/** Prices an order with its product row (null: no such product). */
export function price(order: Order, row: PostgresRow | null): PricingResult {
  if (row === null) return { kind: 'unknown-product', order };
  return {
    kind: 'priced',
    order: {
      order_id: order.order_id, sku: order.sku, name: row.name as string, category: row.category as string, qty: order.qty,
      total_cents: (row.price_cents as number) * order.qty, ordered_at: new Date(order.ts),
    },
  };
}

/**
 * Builds the job on `env` (which needs exactly-once checkpoints for the PostgreSQL sink).
 *
 * @example
 * const env = StreamEnvironment.create({ checkpoints: { dir: 'out/checkpoints' } });
 * const job = productCatalogPostgres(env, { url, orders: 'data/orders.jsonl', productsTable: 'products', pricedTable: 'priced_orders', unknownProduct: 'out/unknown.jsonl', lookupFailures: 'out/failures.jsonl' });
 * await env.execute('product-catalog-postgres'); await job.lookup.close();
 */
export function productCatalogPostgres(env: StreamEnvironment, c: ProductCatalogPostgresConfig): ProductCatalogPostgresJob {
  const lookup = postgresLookup<Order, PricingResult>({
    url: c.url,
    query: `SELECT name, category, price_cents FROM ${checkTableName(c.productsTable)} WHERE sku = $1`,
    key: (o) => o.sku,
    join: price,
    cache: { maxEntries: 1_000, ttlMs: 60_000 },
    ...(c.clock ? { clock: c.clock } : {}),
  });
  const results = env
    .fromSource(sources.jsonl<Order>(c.orders), WatermarkStrategy.forBoundedOutOfOrderness<Order>(5_000).withTimestampAssigner((o) => o.ts), 'orders')
    .asyncMap(lookup, { capacity: 32, timeoutMs: 5_000, retries: 2, backoffMs: 200 }).name('price-lookup').uid('price-lookup');
  results.getSideOutput(DEAD_LETTERS).sinkTo(sinks.jsonl(c.lookupFailures)).name('lookup-failures');
  const priced = results.flatMap<PricedOrder>((r, out) => {
    if (r.kind === 'priced') out.collect(r.order);
  }).name('priced');
  const unknownProduct = results.flatMap<Order>((r, out) => {
    if (r.kind === 'unknown-product') out.collect(r.order);
  }).name('unknown-product');
  priced.sinkTo(sinks.postgres<PricedOrder>({
    url: c.url, table: checkTableName(c.pricedTable), key: ['order_id'],
    columns: ['order_id', 'sku', 'name', 'category', 'qty', 'total_cents', 'ordered_at'],
  })).name('priced-orders').uid('priced-orders');
  unknownProduct.sinkTo(sinks.jsonl(c.unknownProduct)).name('unknown-product-orders');
  return { lookup, results, priced, unknownProduct };
}
