/**
 * Runs unpaid-orders on the sample orders and payments in data/ and writes the orders not paid
 * within 15 minutes to out/.
 *
 *   node bin/eddy.mjs run examples/unpaid-orders/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { unpaidOrders, type UnpaidOrdersPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: UnpaidOrdersPaths = { orders: here('data/orders.jsonl'), payments: here('data/payments.jsonl'), unpaid: here('out/unpaid.jsonl') };

const env = StreamEnvironment.create();
unpaidOrders(env, paths);
const result = await env.execute('unpaid-orders');

if (result.status === 'finished') {
  const written = result.metrics.operators.find((o) => o.name === 'unpaid-file')?.recordsIn ?? 0;
  console.log(`unpaid-orders: ${result.metrics.recordsIn} orders and payments read in ${result.durationMs} ms`);
  console.log(`  ${written} orders not paid within 15 minutes -> ${relative(process.cwd(), paths.unpaid)}`);
}
