/**
 * Regenerates data/orders.csv: 2,500 orders over about an hour from a seeded PRNG. About 15% reach
 * the export up to 8 s out of order (within the 10 s bound); 6 arrive 30-40 minutes late (a store
 * that was offline) and go to the late output, since this job allows no lateness.
 *
 *   node --conditions=eddy-source --import tsx examples/order-revenue/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-03-01T12:00:00Z */
export const START = Date.UTC(2024, 2, 1, 12, 0, 0);
const ORDERS = 2_500;
const SPACING_MS = 1_440;

/** The file's text: a header, then one order per line in arrival order. */
export function generateOrders(seed = 20240301): string {
  const random = prng(seed);
  const veryLate = new Set<number>();
  while (veryLate.size < 6) veryLate.add(1_700 + Math.floor(random() * 790));
  const lines = ['order_id,customer,amount,ts'];
  for (let i = 0; i < ORDERS; i++) {
    const arrival = START + i * SPACING_MS + Math.floor(random() * SPACING_MS);
    let ts = arrival;
    if (veryLate.has(i)) ts -= 30 * 60_000 + Math.floor(random() * 10 * 60_000);
    else if (random() < 0.15 && i >= 10) ts -= Math.floor(random() * 8_000);
    // Mostly small baskets, a long tail of big ones: $5 to about $400.
    const amount = (5 + Math.floor(Math.exp(random() * Math.log(400)) * 100) / 100).toFixed(2);
    const customer = `c${String(1 + Math.floor(random() * 500)).padStart(4, '0')}`;
    lines.push(`o-${100_001 + i},${customer},${amount},${new Date(ts).toISOString()}`);
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/orders.csv', import.meta.url));
  writeFileSync(path, generateOrders());
  console.log(`wrote ${path}`);
}
