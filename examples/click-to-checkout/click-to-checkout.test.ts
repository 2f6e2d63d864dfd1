/**
 * click-to-checkout: exact attributions with the StreamTestDriver (the window edges, outer rows
 * when the interval has passed, late events), and the whole job on the sample data against a
 * brute-force join.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateClickToCheckout } from './make-data.ts';
import {
  ATTRIBUTION_MS, OUT_OF_ORDERNESS_MS, clickToCheckout,
  type Attribution, type Checkout, type CheckoutLine, type Click, type ClickToCheckoutPaths,
} from './pipeline.ts';

const CLICKS = fileURLToPath(new URL('data/clicks.jsonl', import.meta.url));
const CHECKOUTS = fileURLToPath(new URL('data/checkouts.jsonl', import.meta.url));

function pathsIn(dir: string, clicks: string, checkouts: string): ClickToCheckoutPaths {
  return {
    clicks, checkouts, attributions: join(dir, 'attributions.jsonl'),
    lateClicks: join(dir, 'late-clicks.jsonl'), lateCheckouts: join(dir, 'late-checkouts.jsonl'),
  };
}

const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);

function drive() {
  const env = StreamEnvironment.create();
  const job = clickToCheckout(env, pathsIn('unused', 'unused-clicks.jsonl', 'unused-checkouts.jsonl'));
  const driver = StreamTestDriver.create(env);
  return {
    driver, out: driver.output(job.attributions), lateClicks: driver.output(job.lateClicks), lateCheckouts: driver.output(job.lateCheckouts),
    clicks: driver.input<Click>('clicks'), checkouts: driver.input<Checkout>('checkouts'),
  };
}

const click = (id: string, user: string, product: string, ts: number): Click => ({ click_id: id, user, product, ts });
const order = (id: string, user: string, ts: number, ...products: string[]): Checkout =>
  ({ order_id: id, user, ts, items: products.map((product) => ({ product, price: 10 })) });

test('a click is attributed to purchases of its product by its user from 0 to 30 minutes later, edges included', () => {
  const { clicks, checkouts, out } = drive();
  clicks.push(click('c1', 'u1', 'p1', 1_000)).push(click('c2', 'u1', 'p2', 2_000)).push(click('c3', 'u2', 'p1', 3_000));
  checkouts.push(order('o1', 'u1', 1_000 + ATTRIBUTION_MS, 'p1', 'p2')); // exactly 30 min after c1
  checkouts.push(order('o2', 'u2', 2_999, 'p1')); // before c3: not caused by it
  clicks.end();
  checkouts.end();
  const got = out.values.map((a) => `${a.click_id}:${a.order_id ?? '-'}:${a.lag_ms ?? '-'}`).sort();
  assert.deepEqual(got, [`c1:o1:${ATTRIBUTION_MS}`, `c2:o1:${ATTRIBUTION_MS - 1_000}`, 'c3:-:-']);
});

test('a click without purchase is written once its 30 minutes have passed on both feeds, not before', () => {
  const { clicks, checkouts, out } = drive();
  clicks.push(click('c1', 'u1', 'p1', 0));
  checkouts.push(order('o1', 'u9', 10, 'p1'));
  clicks.push(click('c2', 'u1', 'p1', ATTRIBUTION_MS + OUT_OF_ORDERNESS_MS + 1)); // clicks' watermark: 30 min
  assert.deepEqual(out.values, [], 'the checkouts still hold the watermark back');
  checkouts.push(order('o2', 'u9', ATTRIBUTION_MS + OUT_OF_ORDERNESS_MS + 1, 'p9'));
  assert.deepEqual(out.take().map((a) => [a.click_id, a.order_id]), [['c1', null]]);
});

test('records older than both feeds\' watermarks go to the late outputs', () => {
  const { clicks, checkouts, out, lateClicks, lateCheckouts } = drive();
  clicks.push(click('c1', 'u1', 'p1', 100_000));
  checkouts.push(order('o1', 'u1', 100_000, 'p1', 'p2'));
  clicks.push(click('c0', 'u1', 'p1', 80_000)); // watermark 89_999
  checkouts.push(order('o0', 'u1', 85_000, 'p3'));
  assert.deepEqual(lateClicks.values.map((c) => c.click_id), ['c0']);
  assert.deepEqual(lateCheckouts.values.map((l: CheckoutLine) => `${l.order_id}/${l.product}`), ['o0/p3']);
  assert.deepEqual(out.values.map((a) => `${a.click_id}:${a.order_id}`), ['c1:o1']);
});

test('make-data is deterministic and matches the committed sample', () => {
  const { clicks, checkouts } = generateClickToCheckout();
  assert.equal(clicks, readFileSync(CLICKS, 'utf8'));
  assert.equal(checkouts, readFileSync(CHECKOUTS, 'utf8'));
});

test('the whole job on the sample data equals a brute-force join of the records that were not late', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'click-to-checkout-'));
  const paths = pathsIn(dir, CLICKS, CHECKOUTS);
  const env = StreamEnvironment.create();
  clickToCheckout(env, paths);
  const result = await env.execute('click-to-checkout');
  assert.equal(result.status, 'finished');

  const lateClicks = new Set(readJsonl<Click>(paths.lateClicks).map((c) => c.click_id));
  const lateLines = new Set(readJsonl<CheckoutLine>(paths.lateCheckouts).map((l) => `${l.order_id}/${l.product}`));
  assert.equal(lateClicks.size, 6);
  assert.equal(lateLines.size, 4);
  // Only records far behind their own feed can be late; the rest arrive within the bound.
  let max = Number.NEGATIVE_INFINITY;
  for (const c of readJsonl<Click>(CLICKS)) {
    if (lateClicks.has(c.click_id)) assert.ok(c.ts < max - OUT_OF_ORDERNESS_MS, `${c.click_id} is late`);
    max = Math.max(max, c.ts);
  }
  const clicks = readJsonl<Click>(CLICKS).filter((c) => !lateClicks.has(c.click_id));
  const lines = readJsonl<Checkout>(CHECKOUTS).flatMap((o) => o.items.map((i) => ({ ...i, order_id: o.order_id, user: o.user, ts: o.ts })))
    .filter((l) => !lateLines.has(`${l.order_id}/${l.product}`));
  const byKey = new Map<string, typeof lines>();
  for (const l of lines) byKey.set(`${l.user}|${l.product}`, [...(byKey.get(`${l.user}|${l.product}`) ?? []), l]);
  const want: string[] = [];
  for (const c of clicks) {
    const hits = (byKey.get(`${c.user}|${c.product}`) ?? []).filter((l) => l.ts - c.ts >= 0 && l.ts - c.ts <= ATTRIBUTION_MS);
    if (hits.length === 0) want.push(`${c.click_id}:-`);
    for (const l of hits) want.push(`${c.click_id}:${l.order_id}:${l.ts - c.ts}`);
  }
  const got = readJsonl<Attribution>(paths.attributions).map((a) => (a.order_id === null ? `${a.click_id}:-` : `${a.click_id}:${a.order_id}:${a.lag_ms}`));
  assert.deepEqual(got.sort(), want.sort());
  assert.ok(want.filter((w) => !w.endsWith(':-')).length > 800, 'the sample has conversions');
});
