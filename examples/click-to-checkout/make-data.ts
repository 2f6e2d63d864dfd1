/**
 * Regenerates data/clicks.jsonl and data/checkouts.jsonl: 3 hours of product clicks from 300
 * users over 40 products (popular ones clicked more), from a seeded PRNG. About one click in eight
 * leads to a purchase of that product 1 to 60 minutes later (most within the 30-minute window);
 * some checkouts add a product that was never clicked. Events reach the server up to 5 s out of
 * order (within the 10 s bound). 6 clicks from phones that lost the network arrive 40-50 minutes
 * late, and 4 checkouts made offline in the first 20 minutes arrive at the very end: all go to the
 * late outputs. (Whether a record is late depends on both feeds' watermarks at the time it is read:
 * Eddy reads the two files one batch each in turn, so the late checkouts are placed far enough back
 * to be late after the first batches.)
 *
 *   node --conditions=eddy-source --import tsx examples/click-to-checkout/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';
import type { Checkout, Click } from './pipeline.ts';

/** 2024-11-29T08:00:00Z, Black Friday morning. */
export const START = Date.UTC(2024, 10, 29, 8, 0, 0);
const DURATION_MS = 3 * 3_600_000;
const CLICKS_PER_MINUTE = 60;
const USERS = 300;
const PRODUCTS = 40;
const BUY_PROBABILITY = 0.125;

const productName = (i: number): string => `p-${String(i + 1).padStart(3, '0')}`;
const priceOf = (i: number): number => Math.round((4.99 + i * 3.5) * 100) / 100;

/** Records in arrival order as JSON Lines, `late` of the last `tail` given the time `lateTs(arrival)`. */
function lines<T extends { ts: number }>(
  sent: { arrival: number; record: T }[], late: number, tail: number, random: () => number, lateTs: (arrival: number) => number,
): string {
  sent.sort((a, b) => a.arrival - b.arrival);
  const veryLate = new Set<number>();
  while (veryLate.size < late) veryLate.add(sent.length - tail + Math.floor(random() * tail));
  return `${sent.map(({ arrival, record }, i) => JSON.stringify(veryLate.has(i)
    ? { ...record, ts: lateTs(arrival) }
    : record)).join('\n')}\n`;
}

/** The two files' text. */
export function generateClickToCheckout(seed = 20241129): { clicks: string; checkouts: string } {
  const random = prng(seed);
  const clicks: { arrival: number; record: Click }[] = [];
  const checkouts: { arrival: number; record: Checkout }[] = [];
  let t = START;
  for (let n = 0; ; n++) {
    t += Math.floor((-Math.log(1 - random()) * 60_000) / CLICKS_PER_MINUTE);
    if (t >= START + DURATION_MS) break;
    const user = `u${String(1 + Math.floor(random() * USERS)).padStart(3, '0')}`;
    const product = Math.floor(random() * random() * PRODUCTS);
    clicks.push({ arrival: t + Math.floor(random() * 5_000), record: { click_id: `c-${100_001 + n}`, user, product: productName(product), ts: t } });
    if (random() >= BUY_PROBABILITY) continue;
    const at = t + 60_000 + Math.floor(random() * 59 * 60_000);
    const items = [{ product: productName(product), price: priceOf(product) }];
    if (random() < 0.3) {
      const extra = (product + 1 + Math.floor(random() * (PRODUCTS - 1))) % PRODUCTS;
      items.push({ product: productName(extra), price: priceOf(extra) });
    }
    checkouts.push({ arrival: at + Math.floor(random() * 5_000), record: { order_id: '', user, items, ts: at } });
  }
  checkouts.sort((a, b) => a.record.ts - b.record.ts);
  const numbered = checkouts.map((c, i) => ({ ...c, record: { ...c.record, order_id: `o-${50_001 + i}` } }));
  return {
    clicks: lines(clicks, 6, 500, random, (arrival) => arrival - 40 * 60_000 - Math.floor(random() * 10 * 60_000)),
    checkouts: lines(numbered, 4, 100, random, () => START + 5 * 60_000 + Math.floor(random() * 15 * 60_000)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { clicks, checkouts } = generateClickToCheckout();
  writeFileSync(fileURLToPath(new URL('data/clicks.jsonl', import.meta.url)), clicks);
  writeFileSync(fileURLToPath(new URL('data/checkouts.jsonl', import.meta.url)), checkouts);
  console.log(`wrote ${clicks.split('\n').length - 1} clicks and ${checkouts.split('\n').length - 1} checkouts to examples/click-to-checkout/data/`);
}
