/**
 * Regenerates data/orders.jsonl and data/payments.jsonl: three hours of orders (about 900) and
 * their payments, from a seeded PRNG. 85% are paid 20 s to 12 minutes after the order; 5% are paid
 * 16-40 minutes after (too late: reported as unpaid, the payment comes afterwards); 10% are never
 * paid. One order is paid 14:59.999 after it (in time) and one exactly 15 minutes after (not in
 * time: the window is first event + 15 minutes, exclusive). Records arrive up to 25 s out of order.
 *
 *   node --conditions=eddy-source --import tsx examples/unpaid-orders/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

export const START = Date.UTC(2024, 9, 14, 9, 0, 0);
const MIN = 60_000;
const ORDERS = 900;

/** The two files' text, one JSON record per line, each in arrival order. */
export function generateOrders(seed = 20261208): { orders: string; payments: string } {
  const random = prng(seed);
  const orders: { arrival: number; line: string }[] = [];
  const payments: { arrival: number; line: string }[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const ts = START + Math.floor((i * 180 * MIN) / ORDERS) + Math.floor(random() * 10_000);
    const id = `o-${10_001 + i}`;
    const amount = Math.round((5 + random() * 200) * 100) / 100;
    orders.push({ arrival: ts + Math.floor(random() * 25_000), line: JSON.stringify({ order_id: id, customer: `c${1 + Math.floor(random() * 300)}`, ts, amount_usd: amount }) });
    const r = random();
    let paidAfter = r < 0.85 ? 20_000 + Math.floor(random() * 12 * MIN) : r < 0.9 ? 16 * MIN + Math.floor(random() * 24 * MIN) : -1;
    if (i === 100) paidAfter = 15 * MIN - 1;
    if (i === 200) paidAfter = 15 * MIN;
    if (paidAfter >= 0) {
      const pts = ts + paidAfter;
      payments.push({ arrival: pts + Math.floor(random() * 25_000), line: JSON.stringify({ payment_id: `p-${50_001 + i}`, order_id: id, ts: pts, amount_usd: amount }) });
    }
  }
  const text = (xs: { arrival: number; line: string }[]) => `${xs.sort((a, b) => a.arrival - b.arrival).map((x) => x.line).join('\n')}\n`;
  return { orders: text(orders), payments: text(payments) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { orders, payments } = generateOrders();
  for (const [name, text] of [['orders', orders], ['payments', payments]] as const) {
    const path = fileURLToPath(new URL(`data/${name}.jsonl`, import.meta.url));
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
