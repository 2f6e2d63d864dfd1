/**
 * Writes the sample data of product-catalog-postgres (the same bytes every run):
 * data/products.csv (40 products) and data/orders.jsonl (2,000 orders over 4 hours, a few for
 * skus not in the table).
 *
 *   node --conditions=eddy-source --import tsx examples/product-catalog-postgres/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prng } from '../shared/prng.ts';
import type { Order, Product } from './pipeline.ts';

const NAMES = ['atlas', 'whisk', 'puzzle', 'lamp', 'kettle', 'notebook', 'scarf', 'drone'];
const CATEGORIES = ['books', 'kitchen', 'toys', 'home', 'travel'];

/** The sample products and orders. */
export function generateSample(seed = 7): { products: Product[]; orders: Order[] } {
  const random = prng(seed);
  const products: Product[] = Array.from({ length: 40 }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(3, '0')}`,
    name: `${NAMES[i % NAMES.length]} ${Math.floor(i / NAMES.length) + 1}`,
    category: CATEGORIES[i % CATEGORIES.length],
    price_cents: 500 + Math.floor(random() * 60) * 50,
  }));
  const start = Date.UTC(2024, 10, 29, 8);
  const orders: Order[] = Array.from({ length: 2_000 }, (_, i) => {
    // Popular products first: a skewed pick, so the lookup cache has hits to show.
    const pick = Math.floor(random() ** 2 * 44);
    return {
      order_id: `o-${100_001 + i}`,
      sku: `SKU-${String(pick + 1).padStart(3, '0')}`, // 41-44 are not in the table
      qty: 1 + Math.floor(random() * 3),
      ts: start + i * 7_200 + Math.floor(random() * 3_000),
    };
  });
  return { products, orders };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { products, orders } = generateSample();
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  writeFileSync(here('data/products.csv'), `sku,name,category,price_cents\n${products.map((p) => `${p.sku},${p.name},${p.category},${p.price_cents}`).join('\n')}\n`);
  writeFileSync(here('data/orders.jsonl'), `${orders.map((o) => JSON.stringify(o)).join('\n')}\n`);
  console.log(`wrote ${products.length} products and ${orders.length} orders`);
}
