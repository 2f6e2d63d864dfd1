/**
 * Regenerates data/catalog.jsonl and data/orders.jsonl from a seeded PRNG: 3 hours of a small
 * shop. 24 products are in the catalog from the start, their prices change a few times (sales,
 * rises), two are discontinued part-way and one is added after an hour. About 10 orders a minute
 * arrive up to 3 s out of order (within the 5 s bound); a few orders name a product at a time it
 * is not in the catalog, and 4 arrive 130-135 minutes late (a till that was offline), late by more than a batch of 1,024
 * orders spans, so they are late whatever the batch size.
 *
 *   node --conditions=eddy-source --import tsx examples/product-catalog/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-11-29T08:00:00Z, a Black Friday morning. */
export const START = Date.UTC(2024, 10, 29, 8, 0, 0);
const DURATION_MS = 3 * 3_600_000;
/** Product nouns and their category. */
const NOUNS: readonly (readonly [string, string])[] = [
  ['kettle', 'kitchen'], ['whisk', 'kitchen'], ['teapot', 'kitchen'], ['trowel', 'garden'], ['hose', 'garden'],
  ['rake', 'garden'], ['kite', 'toys'], ['puzzle', 'toys'], ['atlas', 'books'], ['novel', 'books'],
];
const ADJECTIVES = ['blue', 'large', 'classic', 'travel', 'deluxe', 'mini'] as const;

/** The two files' text. */
export function generateProductCatalog(seed = 20241129): { catalog: string; orders: string } {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const exponential = (perMinute: number): number => Math.floor((-Math.log(1 - random()) * 60_000) / perMinute);

  interface Change { sku: string; name: string; category: string; price_cents: number; discontinued?: boolean; ts: number }
  const changes: Change[] = [];
  const live: { sku: string; from: number; to: number }[] = [];
  for (let i = 1; i <= 25; i++) {
    const sku = `SKU-${String(i).padStart(3, '0')}`;
    const [noun, category] = pick(NOUNS);
    const name = `${pick(ADJECTIVES)} ${noun}`;
    let price = 500 + Math.floor(random() * 60) * 50;
    const from = i === 25 ? START + 3_600_000 : START; // SKU-025 is added after an hour
    changes.push({ sku, name, category, price_cents: price, ts: from });
    let t = from;
    for (;;) {
      t += 20 * 60_000 + Math.floor(random() * 60 * 60_000);
      if (t >= START + DURATION_MS) break;
      price = Math.max(100, Math.round((price * (0.7 + random() * 0.5)) / 10) * 10);
      changes.push({ sku, name, category, price_cents: price, ts: t });
    }
    const to = i === 7 || i === 19 ? from + 70 * 60_000 + Math.floor(random() * 60 * 60_000) : Number.POSITIVE_INFINITY;
    if (to !== Number.POSITIVE_INFINITY) {
      // Discontinued: later changes of the product never happen.
      for (let j = changes.length - 1; j >= 0 && changes[j].sku === sku; j--) if (changes[j].ts >= to) changes.splice(j, 1);
      changes.push({ sku, name, category, price_cents: 0, discontinued: true, ts: to });
    }
    live.push({ sku, from, to });
  }
  changes.sort((a, b) => a.ts - b.ts || (a.sku < b.sku ? -1 : 1));

  const orders: { arrival: number; order: { order_id: string; sku: string; qty: number; ts: number } }[] = [];
  let n = 0;
  for (let t = START + exponential(10); t < START + DURATION_MS; t += exponential(10)) {
    // Mostly products on sale at t; about 1 in 50 (when there is one) names a product that is not (gone, or not yet added).
    const onSale = live.filter((p) => p.from <= t && t < p.to);
    const off = live.filter((p) => !(p.from <= t && t < p.to));
    const sku = off.length > 0 && random() < 0.02 ? pick(off).sku : pick(onSale).sku;
    const order = { order_id: `o-${100_001 + n++}`, sku, qty: 1 + Math.floor(random() * random() * 5), ts: t };
    orders.push({ arrival: t + Math.floor(random() * 3_000), order });
  }
  orders.sort((a, b) => a.arrival - b.arrival);
  const late = new Set<number>();
  while (late.size < 4) late.add(orders.length - 300 + Math.floor(random() * 300));
  const orderLines = orders.map(({ arrival, order }, i) =>
    JSON.stringify(late.has(i) ? { ...order, ts: arrival - 130 * 60_000 - Math.floor(random() * 5 * 60_000) } : order));
  return {
    catalog: `${changes.map((c) => JSON.stringify(c)).join('\n')}\n`,
    orders: `${orderLines.join('\n')}\n`,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const data = generateProductCatalog();
  writeFileSync(fileURLToPath(new URL('data/catalog.jsonl', import.meta.url)), data.catalog);
  writeFileSync(fileURLToPath(new URL('data/orders.jsonl', import.meta.url)), data.orders);
  console.log(`catalog: ${data.catalog.split('\n').length - 1} changes; orders: ${data.orders.split('\n').length - 1}`);
}
