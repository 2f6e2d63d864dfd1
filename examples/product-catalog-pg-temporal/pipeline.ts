/**
 * product-catalog-pg-temporal: the product-catalog job with its catalog in PostgreSQL. Orders are
 * priced with the catalog row that was valid when each order was placed, where the catalog's
 * history is the table `product_changes` (one row per change, `changed_at` its version), read in
 * version order by `sources.postgres` and turned into a table with `toTable`.
 *
 * The records, the row a change leaves behind and the pricing are those of examples/product-catalog
 * (imported from there): only the catalog's source differs.
 */
import { WatermarkStrategy, sinks, sources, type DataStream, type StreamEnvironment, type Table } from 'eddy';
import {
  CATALOG_IDLENESS_MS, LATE_ORDERS, OUT_OF_ORDERNESS_MS, price, rowOf,
  type CatalogChange, type Order, type PricedOrder, type PricingResult, type Product,
} from '../product-catalog/pipeline.ts';

/** Where the job reads and writes. */
export interface PgTemporalConfig {
  /** The PostgreSQL server (DATABASE_URL). */
  readonly url: string;
  /** The change table (see schema.ts). */
  readonly changesTable: string;
  /** Input: one JSON `Order` per line. */
  readonly orders: string;
  /** Outputs (JSON Lines): priced orders, orders for products not in the catalog then, late orders. */
  readonly priced: string;
  readonly unknownProduct: string;
  readonly lateOrders: string;
  /** Unbounded: look for new catalog changes this often (ms). Default: read what exists, then end. */
  readonly pollIntervalMs?: number;
  /** Rows per query of the change table (default 500). */
  readonly batchRows?: number;
}

/** The streams of the job, for tests to observe. */
export interface PgTemporalStreams {
  readonly products: Table<string, Product>;
  readonly priced: DataStream<PricedOrder>;
  readonly unknownProduct: DataStream<Order>;
  readonly lateOrders: DataStream<Order>;
}

/** A row of `product_changes` as the record the catalog table is built from. */
export function changeOf(row: Record<string, unknown>): CatalogChange {
  const price = row.price_cents;
  if (typeof price !== 'number' || !Number.isInteger(price) || price < 0) throw new Error(`price_cents must be a whole number of cents >= 0, got ${JSON.stringify(price)}`);
  return {
    sku: row.sku as string, name: row.name as string, category: row.category as string, price_cents: price,
    ...(row.discontinued === true ? { discontinued: true } : {}),
    ts: (row.changed_at as Date).getTime(),
  };
}

/**
 * Builds the job on `env`: the catalog from PostgreSQL, the orders from a file, the temporal join.
 *
 * @example
 * const env = StreamEnvironment.create();
 * productCatalogPgTemporal(env, { url: process.env.DATABASE_URL!, changesTable: 'product_changes', orders: 'orders.jsonl', priced: 'out/priced.jsonl', unknownProduct: 'out/unknown.jsonl', lateOrders: 'out/late.jsonl' });
 * await env.execute('product-catalog-pg-temporal');
 */
export function productCatalogPgTemporal(env: StreamEnvironment, c: PgTemporalConfig): PgTemporalStreams {
  const catalog = env.fromSource(
    sources.postgres<CatalogChange>({
      url: c.url, table: c.changesTable, versionColumn: 'changed_at', key: 'sku', row: changeOf, batchRows: c.batchRows ?? 500,
      ...(c.pollIntervalMs === undefined ? {} : { pollIntervalMs: c.pollIntervalMs }),
    }),
    // Read in changed_at order, so monotonous; idleness lets orders through while nothing changes.
    WatermarkStrategy.forMonotonousTimestamps<CatalogChange>().withTimestampAssigner((ch) => ch.ts).withIdleness(CATALOG_IDLENESS_MS),
    'catalog',
  );
  const products = catalog.toTable((ch) => ch.sku, rowOf);
  const orders = env.fromSource(
    sources.jsonl<Order>(c.orders),
    WatermarkStrategy.forBoundedOutOfOrderness<Order>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((o) => o.ts),
    'orders',
  );
  const results = orders
    .temporalJoin(products, (o) => o.sku)
    .sideOutputLateData(LATE_ORDERS)
    .left(price)
    .name('price-orders')
    .uid('price-orders');
  const lateOrders = results.getSideOutput(LATE_ORDERS);
  const priced = results.flatMap<PricedOrder>((r: PricingResult, out) => {
    if (r.kind === 'priced') out.collect(r.order);
  }).name('priced');
  const unknownProduct = results.flatMap<Order>((r: PricingResult, out) => {
    if (r.kind === 'unknown-product') out.collect(r.order);
  }).name('unknown-product');
  priced.sinkTo(sinks.jsonl(c.priced)).name('priced-orders');
  unknownProduct.sinkTo(sinks.jsonl(c.unknownProduct)).name('unknown-product-orders');
  lateOrders.sinkTo(sinks.jsonl(c.lateOrders)).name('late-orders');
  return { products, priced, unknownProduct, lateOrders };
}
