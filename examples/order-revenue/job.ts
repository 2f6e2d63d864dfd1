/**
 * Runs order-revenue on the sample orders in data/ and writes the per-minute revenue and the
 * late orders to out/ as CSV.
 *
 *   node bin/eddy.mjs run examples/order-revenue/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { orderRevenue, type OrderRevenuePaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: OrderRevenuePaths = {
  orders: here('data/orders.csv'),
  revenue: here('out/revenue.csv'),
  lateOrders: here('out/late-orders.csv'),
};

const env = StreamEnvironment.create();
orderRevenue(env, paths);
const result = await env.execute('order-revenue');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`order-revenue: ${result.metrics.recordsIn} orders read in ${result.durationMs} ms`);
  console.log(`  ${written('revenue')} minutes -> ${file(paths.revenue)}`);
  console.log(`  ${written('late-orders')} late orders -> ${file(paths.lateOrders)}`);
}
