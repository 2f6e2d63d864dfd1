/**
 * product-catalog: orders priced with the catalog row that was valid when each order was placed.
 *
 * Shows a table built from a changelog file (`toTable`, a discontinued product deletes its row),
 * an event-time temporal join (`temporalJoin(...).left(...)`): every order waits until the catalog
 * has passed its time, then joins the price of that moment, not the latest one; orders for products
 * not (or no longer) in the catalog, and late orders, each go to their own file.
 */
import {
  OutputTag, WatermarkStrategy, sinks, sources, type DataStream, type StreamEnvironment, type Table,
} from 'eddy';

/** One change of the catalog: a product's row from `ts` on; `discontinued` deletes it. */
export interface CatalogChange {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price_cents: number;
  readonly discontinued?: boolean;
  readonly ts: number;
}

/** What the table holds per product. */
export interface Product {
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
  /** When this version of the row took effect. */
  readonly since: number;
}

/** An order from the shop. */
export interface Order {
  readonly order_id: string;
  readonly sku: string;
  readonly qty: number;
  readonly ts: number;
}

/** An order with the catalog row valid at its time. */
export interface PricedOrder {
  readonly order_id: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly qty: number;
  readonly unit_price_cents: number;
  readonly total_cents: number;
  /** When the price the order got took effect. */
  readonly price_since: number;
  readonly ts: number;
}

/** The join's result: priced, or no product under that sku at the order's time. */
export type PricingResult =
  | { readonly kind: 'priced'; readonly order: PricedOrder }
  | { readonly kind: 'unknown-product'; readonly order: Order };

/** Out-of-orderness bound of both feeds, in ms. */
export const OUT_OF_ORDERNESS_MS = 5_000;
/** A catalog silent for this long (processing time) no longer holds the orders back. */
export const CATALOG_IDLENESS_MS = 10_000;

/** Orders that arrive after the join has passed their time. */
export const LATE_ORDERS = new OutputTag<Order>('late-orders');

/** Where the job reads and writes. */
export interface ProductCatalogPaths {
  /** Input: one JSON `CatalogChange` per line. */
  readonly catalog: string;
  /** Input: one JSON `Order` per line. */
  readonly orders: string;
  /** Output: one `PricedOrder` per order. */
  readonly priced: string;
  /** Output: orders for a sku the catalog did not have at the order's time. */
  readonly unknownProduct: string;
  readonly lateOrders: string;
}

/** The streams of the job, for tests to observe. */
export interface ProductCatalogStreams {
  readonly products: Table<string, Product>;
  readonly results: DataStream<PricingResult>;
  readonly priced: DataStream<PricedOrder>;
  readonly unknownProduct: DataStream<Order>;
  readonly lateOrders: DataStream<Order>;
}

/** The catalog row a change leaves behind, or null for a discontinued product. */
export function rowOf(c: CatalogChange): Product | null {
  return c.discontinued === true ? null : { name: c.name, category: c.category, priceCents: c.price_cents, since: c.ts };
}

/** Prices an order with the product row valid at its time. */
export function price(order: Order, product: Product | null): PricingResult {
  if (product === null) return { kind: 'unknown-product', order };
  return {
    kind: 'priced',
    order: {
      order_id: order.order_id, sku: order.sku, name: product.name, category: product.category, qty: order.qty,
      unit_price_cents: product.priceCents, total_cents: product.priceCents * order.qty, price_since: product.since, ts: order.ts,
    },
  };
}

/**
 * Builds the job on `env`. The catalog may come from any source (a file here; a compacted Kafka
 * topic or a database table through the same `toTable`).
 *
 * @example
 * const env = StreamEnvironment.create();
 * productCatalog(env, { catalog: 'catalog.jsonl', orders: 'orders.jsonl', priced: 'out/priced.jsonl', unknownProduct: 'out/unknown.jsonl', lateOrders: 'out/late.jsonl' });
 * await env.execute('product-catalog');
 */
export function productCatalog(env: StreamEnvironment, paths: ProductCatalogPaths): ProductCatalogStreams {
  const products = env
    .fromSource(
      sources.jsonl<CatalogChange>(paths.catalog),
      WatermarkStrategy.forBoundedOutOfOrderness<CatalogChange>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((c) => c.ts).withIdleness(CATALOG_IDLENESS_MS),
      'catalog',
    )
    .toTable((c) => c.sku, rowOf);
  const orders = env.fromSource(
    sources.jsonl<Order>(paths.orders),
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
  const priced = results.flatMap<PricedOrder>((r, out) => {
    if (r.kind === 'priced') out.collect(r.order);
  }).name('priced');
  const unknownProduct = results.flatMap<Order>((r, out) => {
    if (r.kind === 'unknown-product') out.collect(r.order);
  }).name('unknown-product');

  priced.sinkTo(sinks.jsonl(paths.priced)).name('priced-orders');
  unknownProduct.sinkTo(sinks.jsonl(paths.unknownProduct)).name('unknown-product-orders');
  lateOrders.sinkTo(sinks.jsonl(paths.lateOrders)).name('late-orders');
  return { products, results, priced, unknownProduct, lateOrders };
}
