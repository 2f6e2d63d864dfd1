/**
 * Runs product-catalog on the sample catalog changelog and orders in data/ and writes the priced
 * orders, the orders for unknown products and the late orders to out/.
 *
 *   node bin/eddy.mjs run examples/product-catalog/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { productCatalog, type ProductCatalogPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: ProductCatalogPaths = {
  catalog: here('data/catalog.jsonl'),
  orders: here('data/orders.jsonl'),
  priced: here('out/priced-orders.jsonl'),
  unknownProduct: here('out/unknown-product-orders.jsonl'),
  lateOrders: here('out/late-orders.jsonl'),
};

const env = StreamEnvironment.create();
productCatalog(env, paths);
const result = await env.execute('product-catalog');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const read = (source: string): number => result.metrics.operators.find((o) => o.name === source)?.recordsOut ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`product-catalog: ${read('catalog')} catalog changes and ${read('orders')} orders read in ${result.durationMs} ms`);
  console.log(`  ${written('priced-orders')} priced orders -> ${file(paths.priced)}`);
  console.log(`  ${written('unknown-product-orders')} orders for products not in the catalog -> ${file(paths.unknownProduct)}`);
  console.log(`  ${written('late-orders')} late orders -> ${file(paths.lateOrders)}`);
}
